package io.stageflow.templates;

import java.io.IOException;
import java.io.Writer;

import org.apache.velocity.io.Filter;
import org.springframework.web.util.HtmlUtils;

/**
 * The writer an HTML template renders into: Velocity hands it every value a reference inserts through
 * {@link Filter#writeReference}, and it escapes those, so customer data can never become markup. Template text
 * and {@link RawHtml} pass through. Escaping at the writer, not per reference, means text built in
 * {@code #set("…$x…")} or passed to a macro is escaped once, when it is finally written, never twice.
 */
final class HtmlEscapingWriter extends Writer implements Filter {

    private final Writer out;

    HtmlEscapingWriter(Writer out) {
        this.out = out;
    }

    @Override
    public void writeReference(String value) throws IOException {
        out.write(needsEscaping(value) ? HtmlUtils.htmlEscape(value, "UTF-8") : value);
    }

    /** Whether the value has a character that HTML escaping in UTF-8 replaces; most values have none. */
    private static boolean needsEscaping(String value) {
        for (int i = 0; i < value.length(); i++) {
            switch (value.charAt(i)) {
                case '<', '>', '&', '"', '\'' -> {
                    return true;
                }
                default -> {
                }
            }
        }
        return false;
    }

    @Override
    public void write(char[] text, int offset, int length) throws IOException {
        out.write(text, offset, length);
    }

    /**
     * Template text comes as strings ({@link Writer#write(String)} calls this): passed on whole, not copied through a
     * char array first.
     */
    @Override
    public void write(String text, int offset, int length) throws IOException {
        out.write(text, offset, length);
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
