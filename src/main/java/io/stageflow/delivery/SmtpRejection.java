package io.stageflow.delivery;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

import jakarta.mail.MessagingException;

import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.springframework.mail.MailSendException;

/**
 * Tells a failure that retrying can fix (a 4xx reply, a refused or dropped connection) from one it cannot
 * (a 5xx reply). A 5xx on the recipient means the address does not take mail: it is suppressed as bounced
 * rather than tried again, which would hurt the sender's reputation.
 */
enum SmtpRejection {
    /** Worth retrying: the server is down, busy or greylisting. */
    TEMPORARY,
    /** The server refused this recipient for good (5xx on RCPT TO). */
    RECIPIENT,
    /** The server refused this message for good (5xx on MAIL FROM or DATA), whoever it was for. */
    MESSAGE;

    static SmtpRejection of(Throwable failure) {
        SmtpRejection found = TEMPORARY;
        for (Throwable cause : causes(failure)) {
            if (cause instanceof SMTPAddressFailedException address && isPermanent(address.getReturnCode())) {
                return RECIPIENT;
            }
            if (cause instanceof SMTPSendFailedException send && isPermanent(send.getReturnCode())) {
                found = MESSAGE;
            }
        }
        return found;
    }

    /**
     * True when the failure is the mail server's own answer (an SMTP reply code), which settles that it did not take
     * the message; false for a connection that broke or timed out, which leaves that open.
     */
    static boolean isAnswer(Throwable failure) {
        for (Throwable cause : causes(failure)) {
            if (cause instanceof SMTPSendFailedException send && send.getReturnCode() > 0
                    || cause instanceof SMTPAddressFailedException address && address.getReturnCode() > 0) {
                return true;
            }
        }
        return false;
    }

    private static boolean isPermanent(int smtpReplyCode) {
        return smtpReplyCode >= 500 && smtpReplyCode < 600;
    }

    /** The failure and everything it wraps: causes, Jakarta Mail's chained exceptions, Spring's per-message failures. */
    private static Set<Throwable> causes(Throwable failure) {
        Set<Throwable> seen = new HashSet<>();
        Deque<Throwable> todo = new ArrayDeque<>();
        todo.add(failure);
        while (!todo.isEmpty()) {
            Throwable next = todo.poll();
            if (next == null || !seen.add(next)) {
                continue;
            }
            if (next.getCause() != null) {
                todo.add(next.getCause());
            }
            if (next instanceof MessagingException messaging && messaging.getNextException() != null) {
                todo.add(messaging.getNextException());
            }
            if (next instanceof MailSendException send) {
                todo.addAll(send.getFailedMessages().values());
            }
        }
        return seen;
    }
}
