package io.stageflow.bounces;

import java.io.IOException;
import java.util.List;
import java.util.Properties;

import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;

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
    private static final int BATCH = 200;

    private final BouncesProperties.Mailbox settings;
    private final BounceIntake intake;

    BounceMailbox(BouncesProperties.Mailbox settings, BounceIntake intake) {
        this.settings = settings;
        this.intake = intake;
    }

    /** Reads one batch; true when more mail waits, so the caller reads again at once. */
    boolean read() {
        Properties properties = new Properties();
        properties.put("mail." + settings.protocol() + ".connectiontimeout", "10000");
        properties.put("mail." + settings.protocol() + ".timeout", "30000");
        try (Store store = Session.getInstance(properties).getStore(settings.protocol())) {
            store.connect(settings.host(), settings.port() == null ? -1 : settings.port(), settings.username(),
                    settings.password());
            Folder folder = store.getFolder(settings.folder());
            folder.open(Folder.READ_WRITE);
            int count = folder.getMessageCount();
            int read = Math.min(count, BATCH);
            int reports = 0;
            int applied = 0;
            for (Message message : read == 0 ? new Message[0] : folder.getMessages(1, read)) {
                List<MailReport> found = reportsIn(message);
                reports += found.size();
                applied += intake.take(found, false);
                message.setFlag(Flags.Flag.DELETED, true);
            }
            folder.close(true);
            if (read > 0) {
                log.info("Bounce mailbox: {} messages read, {} reports, {} acted on", read, reports, applied);
            }
            return count > read;
        } catch (MessagingException e) {
            log.warn("Cannot read the bounce mailbox at {}:{} ({}): {}", settings.host(), settings.port(),
                    settings.protocol(), e.getMessage());
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
