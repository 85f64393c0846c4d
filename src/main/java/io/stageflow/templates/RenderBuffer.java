package io.stageflow.templates;

import java.io.Writer;
import java.util.Arrays;

/**
 * Where one template file renders to: a growing array of chars, with no lock (a render is one thread's) and no
 * conversion on each write. A {@link java.io.StringWriter} keeps a compact string builder, which as soon as one
 * character is outside Latin-1 (a price in euros) widens what it holds and then every piece of template text
 * written after it, char by char; here template text is copied into the array once and the string is made at the
 * end.
 */
final class RenderBuffer extends Writer {

    private char[] chars;
    private int length;

    RenderBuffer(int expectedLength) {
        chars = new char[Math.max(16, expectedLength)];
    }

    @Override
    public void write(int c) {
        room(1);
        chars[length++] = (char) c;
    }

    @Override
    public void write(char[] text, int offset, int count) {
        room(count);
        System.arraycopy(text, offset, chars, length, count);
        length += count;
    }

    @Override
    public void write(String text, int offset, int count) {
        room(count);
        text.getChars(offset, offset + count, chars, length);
        length += count;
    }

    private void room(int more) {
        if (length + more > chars.length) {
            chars = Arrays.copyOf(chars, Math.max(chars.length * 2, length + more));
        }
    }

    @Override
    public String toString() {
        return new String(chars, 0, length);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
