package io.stageflow.delivery;

import java.io.IOException;
import java.io.OutputStream;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;

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

    private final HandOver handOver;
    private volatile boolean begun;

    HandOverMessage(Session session, HandOver handOver) {
        super(session);
        this.handOver = handOver;
    }

    /** True once the message has started to go out: a failure after it leaves the outcome open. */
    boolean handedOver() {
        return begun;
    }

    @Override
    public void writeTo(OutputStream out, String[] ignoreList) throws IOException, MessagingException {
        if (!begun) {
            if (!handOver.begin()) {
                throw new MessagingException("Not handed over: this dispatcher's claim on the row was taken over");
            }
            begun = true;
        }
        super.writeTo(out, ignoreList);
    }
}
