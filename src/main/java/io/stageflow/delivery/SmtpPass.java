package io.stageflow.delivery;

import java.util.Date;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;

import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.JavaMailSenderImpl;

/**
 * The mail server connection of one delivery lane for a dispatcher pass: the lane's emails go over one SMTP
 * connection, one after another, rather than each opening its own (TCP, EHLO, STARTTLS and AUTH for every email).
 * The connection is opened at the first email, and checked ({@code NOOP}) before an email only when it has been idle
 * for a while or comes from the pass before; any failure closes it, so the next email starts on a fresh connection.
 * A pass that had mail to send leaves it open for the next pass, which starts at once, and the first pass with none
 * closes it ({@link LaneConnections}), so none lingers while the node is idle. Each email is still a transaction of
 * its own on the server ({@code MAIL FROM} to the end of {@code DATA}), so its hand-over, its outcome and its row are
 * decided exactly as with a connection of its own. Spring's SMTP sender (Boot's, from {@code spring.mail.*}) is kept
 * open, and so is each server of a {@link MailServerRouting} sender; any other sender (the file outbox) sends each
 * email as before.
 */
final class SmtpPass implements AutoCloseable {

    /** An open connection unused for longer than this is checked before it is used again. */
    private static final long CHECK_AFTER_IDLE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final JavaMailSender sender;
    private final Map<JavaMailSenderImpl, Connection> open = new IdentityHashMap<>();

    private static final class Connection {
        final Transport transport;
        long lastUsed = System.nanoTime();
        /** Set when the connection passes to another dispatcher pass: checked before its first email there. */
        boolean check;

        Connection(Transport transport) {
            this.transport = transport;
        }
    }

    SmtpPass(JavaMailSender sender) {
        this.sender = sender;
    }

    /** Sends one message; throws what the mail server or the sender answered. */
    void send(MimeMessage message) throws MessagingException {
        JavaMailSenderImpl server = serverFor(message);
        if (server == null) {
            sender.send(message);
            return;
        }
        Connection connection = open.get(server);
        if (connection != null
                && (connection.check || System.nanoTime() - connection.lastUsed > CHECK_AFTER_IDLE_NANOS)
                && !connection.transport.isConnected()) {
            close(server);
            connection = null;
        }
        if (connection == null) {
            connection = new Connection(connect(server));
            open.put(server, connection);
        }
        if (!(message instanceof HandOverMessage handOver && handOver.frozen())) {
            // As Spring's sender does: saving the changes makes a new Message-ID, and the row's own must stay.
            String messageId = message.getMessageID();
            if (message.getSentDate() == null) {
                message.setSentDate(new Date());
            }
            message.saveChanges();
            if (messageId != null) {
                message.setHeader("Message-ID", messageId);
            }
        }
        Address[] recipients = message.getAllRecipients();
        try {
            connection.transport.sendMessage(message, recipients == null ? new Address[0] : recipients);
            connection.lastUsed = System.nanoTime();
            connection.check = false;
        } catch (MessagingException | RuntimeException failed) {
            close(server);
            throw failed;
        }
    }

    /**
     * The connections pass to the next dispatcher pass ({@link LaneConnections}): each is checked ({@code NOOP})
     * before its first email there, so that one the server closed in between costs a new connection, not a failed
     * email.
     */
    void checkBeforeNextUse() {
        open.values().forEach(connection -> connection.check = true);
    }

    /** The SMTP server whose connection this message goes over; null when the sender sends it its own way. */
    private JavaMailSenderImpl serverFor(MimeMessage message) {
        if (sender instanceof MailServerRouting routing) {
            return routing.serverFor(message);
        }
        // The file outbox is a JavaMailSenderImpl too (for its session), but writes files: it sends as it does.
        return sender instanceof JavaMailSenderImpl impl && !(sender instanceof FileOutboxMailSender) ? impl : null;
    }

    /** Connects as Spring's sender would, with its session and server settings. */
    private static Transport connect(JavaMailSenderImpl smtp) throws MessagingException {
        String protocol = smtp.getProtocol() != null ? smtp.getProtocol()
                : smtp.getSession().getProperty("mail.transport.protocol");
        Transport connection = smtp.getSession().getTransport(protocol == null ? "smtp" : protocol);
        String username = smtp.getUsername();
        String password = smtp.getPassword();
        if ("".equals(username)) {
            username = null;
            if ("".equals(password)) {
                password = null;
            }
        }
        connection.connect(smtp.getHost(), smtp.getPort(), username, password);
        return connection;
    }

    private void close(JavaMailSenderImpl server) {
        Connection connection = open.remove(server);
        if (connection != null) {
            try {
                connection.transport.close();
            } catch (MessagingException ignored) {
                // Closing a connection that broke: nothing more to do.
            }
        }
    }

    @Override
    public void close() {
        for (JavaMailSenderImpl server : open.keySet().toArray(new JavaMailSenderImpl[0])) {
            close(server);
        }
    }
}
