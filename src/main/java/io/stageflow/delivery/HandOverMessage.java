package io.stageflow.delivery;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Date;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;

import org.apache.commons.io.output.UnsynchronizedByteArrayOutputStream;
import org.eclipse.angus.mail.smtp.SMTPMessage;

/**
 * A message that tells its outbox row the moment it starts to go out. SMTP transports write the message only
 * after the server has answered {@code DATA} (after the connection, {@code MAIL FROM} and {@code RCPT TO}), and the
 * file outbox only when it writes the file, so everything before this moment is safe to retry after a crash, and
 * only what follows is ambiguous. The hand-over is committed before the first byte; when it cannot be (the claim
 * was taken over by another node), the message is not written at all, and the server discards the unfinished
 * {@code DATA}. It is an {@link SMTPMessage} so that it can carry its own envelope sender (the row's return path).
 */
class HandOverMessage extends SMTPMessage {

    /** Commits the hand-over; false when the row is no longer this dispatcher's to send. */
    interface HandOver {
        boolean begin();
    }

    /** The headers an SMTP transport leaves out of what it sends, as Angus Mail's does. */
    private static final String[] NOT_SENT = {"Bcc", "Content-Length"};

    private final HandOver handOver;
    private volatile boolean begun;
    /** The whole message as it goes out, once {@link #freeze}d. */
    private byte[] frozen;

    HandOverMessage(Session session, HandOver handOver) {
        super(session);
        this.handOver = handOver;
    }

    /** True once the message has started to go out: a failure after it leaves the outcome open. */
    boolean handedOver() {
        return begun;
    }

    /**
     * Makes the message final (its Date, its headers, the row's own Message-ID kept) and writes it to bytes now, on the
     * thread that made it, so that sending it later only copies the bytes to the server. Written as it goes out,
     * each MIME part would be encoded a byte at a time into the SMTP stream, in the delivery lane, while the server
     * waits between {@code DATA} and the end of the message. Angus Mail writes a text part to its stream a byte at a
     * time, so the buffer is one that takes no lock per byte: {@link java.io.ByteArrayOutputStream}'s did, and was a
     * third of the render threads' time at 1,500 emails/s (docs/benchmarks.md).
     */
    void freeze() throws MessagingException {
        String messageId = getMessageID();
        if (getSentDate() == null) {
            setSentDate(new Date());
        }
        saveChanges(); // makes a new Message-ID, and the row's own must stay
        if (messageId != null) {
            setHeader("Message-ID", messageId);
        }
        try (UnsynchronizedByteArrayOutputStream bytes =
                UnsynchronizedByteArrayOutputStream.builder().setBufferSize(16 * 1024).get()) {
            super.writeTo(bytes, NOT_SENT);
            frozen = bytes.toByteArray();
        } catch (IOException e) {
            throw new MessagingException("Could not write the message to memory", e);
        }
    }

    /** True once {@link #freeze} has made it final: it is sent as it is. */
    boolean frozen() {
        return frozen != null;
    }

    @Override
    public void writeTo(OutputStream out, String[] ignoreList) throws IOException, MessagingException {
        if (!begun) {
            if (!handOver.begin()) {
                throw new MessagingException("Not handed over: this dispatcher's claim on the row was taken over");
            }
            begun = true;
        }
        if (frozen != null) {
            out.write(frozen);
        } else {
            super.writeTo(out, ignoreList);
        }
    }
}
