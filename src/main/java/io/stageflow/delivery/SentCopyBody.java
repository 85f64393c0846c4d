package io.stageflow.delivery;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.InflaterInputStream;

/**
 * A sent copy's HTML and text in one deflated value ({@code sf_sent_copy.body}). A marketing email's HTML is several
 * kilobytes of markup that repeats itself: deflated it is a fraction of that, so a copy no longer costs the database
 * more to write than the rest of the email's record (docs/benchmarks.md). Each part is its length in bytes, then its
 * UTF-8 bytes; a null part is length -1.
 */
final class SentCopyBody {

    private SentCopyBody() {
    }

    static byte[] pack(String html, String text) {
        ByteArrayOutputStream packed = new ByteArrayOutputStream(
                ((html == null ? 0 : html.length()) + (text == null ? 0 : text.length())) / 4 + 64);
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        try (DataOutputStream out = new DataOutputStream(new DeflaterOutputStream(packed, deflater, 8192))) {
            write(out, html);
            write(out, text);
        } catch (IOException e) {
            throw new UncheckedIOException("Deflating in memory failed", e);
        } finally {
            deflater.end();
        }
        return packed.toByteArray();
    }

    /** The HTML and the text, in that order. */
    static String[] unpack(byte[] body) {
        try (DataInputStream in = new DataInputStream(new InflaterInputStream(new java.io.ByteArrayInputStream(body)))) {
            return new String[] {read(in), read(in)};
        } catch (IOException e) {
            throw new UncheckedIOException("A sent copy's body could not be read", e);
        }
    }

    private static void write(DataOutputStream out, String part) throws IOException {
        if (part == null) {
            out.writeInt(-1);
            return;
        }
        byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static String read(DataInputStream in) throws IOException {
        int length = in.readInt();
        return length < 0 ? null : new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
}
