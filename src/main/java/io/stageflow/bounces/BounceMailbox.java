package io.stageflow.bounces;

import java.io.IOException;
import java.util.List;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;

import io.stageflow.support.MailboxReader;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the bounce mailbox over IMAP or POP3: each delivery status notification and feedback-loop report is acted on
 * ({@link BounceIntake}) and then deleted, as is anything else that arrives there (auto-replies, stray mail), so the
 * mailbox never fills. A message is deleted only after its reports were acted on, so a crash in between makes the
 * next read act on it again, which changes nothing more.
 */
class BounceMailbox {

    private static final Logger log = LoggerFactory.getLogger(BounceMailbox.class);

    private final BounceIntake intake;
    private final MailboxReader reader;

    BounceMailbox(BouncesProperties.Mailbox settings, BounceIntake intake) {
        this.intake = intake;
        this.reader = new MailboxReader(settings.protocol(), settings.host(), settings.port(), settings.username(),
                settings.password(), settings.folder());
    }

    /** Reads one batch; true when more mail waits, so the caller reads again at once. */
    boolean read() {
        int[] reports = {0};
        int[] applied = {0};
        try {
            MailboxReader.Batch batch = reader.read(message -> {
                List<MailReport> found = reportsIn(message);
                reports[0] += found.size();
                applied[0] += intake.take(found, false);
            });
            if (batch.read() > 0) {
                log.info("Bounce mailbox: {} messages read, {} reports, {} acted on", batch.read(), reports[0],
                        applied[0]);
            }
            return batch.more();
        } catch (MessagingException e) {
            log.warn("Cannot read the bounce mailbox at {}:{} ({}): {}", reader.host(), reader.port(),
                    reader.protocol(), e.getMessage());
            return false;
        }
    }

    private static List<MailReport> reportsIn(Message message) {
        try {
            return MailReports.of(message);
        } catch (MessagingException | IOException | RuntimeException unreadable) {
            log.info("Unreadable message in the bounce mailbox, deleted: {}", unreadable.toString());
            return List.of();
        }
    }
}
