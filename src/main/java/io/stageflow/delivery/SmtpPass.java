package io.stageflow.delivery;

import java.util.Date;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;

import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.JavaMailSenderImpl;

/**
 * The mail server connection of one dispatcher pass: the pass's emails go over one SMTP connection, one after
 * another, rather than each opening its own (TCP, EHLO, STARTTLS and AUTH for every email). The connection is opened
 * at the first email and checked ({@code NOOP}) before each next one; any failure closes it, so the next email starts
 * on a fresh connection, and the pass closes it at its end, so none lingers between passes. Each email is still a
 * transaction of its own on the server ({@code MAIL FROM} to the end of {@code DATA}), so its hand-over, its outcome
 * and its row are decided exactly as with a connection of its own. Only Spring's SMTP sender (Boot's, from
 * {@code spring.mail.*}) is kept open; any other sender (the file outbox) sends each email as before.
 */
final class SmtpPass implements AutoCloseable {

    private final JavaMailSender sender;
    private final JavaMailSenderImpl smtp;
    private Transport transport;

    SmtpPass(JavaMailSender sender) {
        this.sender = sender;
        // The file outbox is a JavaMailSenderImpl too (for its session), but writes files: it sends as it does.
        this.smtp = sender instanceof JavaMailSenderImpl impl && !(sender instanceof FileOutboxMailSender) ? impl
                : null;
    }

    /** Sends one message; throws what the mail server or the sender answered. */
    void send(MimeMessage message) throws MessagingException {
        if (smtp == null) {
            sender.send(message);
            return;
        }
        if (transport == null || !transport.isConnected()) {
            close();
            transport = connect();
        }
        // As Spring's sender does: saving the changes makes a new Message-ID, and the row's own must stay.
        String messageId = message.getMessageID();
        if (message.getSentDate() == null) {
            message.setSentDate(new Date());
        }
        message.saveChanges();
        if (messageId != null) {
            message.setHeader("Message-ID", messageId);
        }
        Address[] recipients = message.getAllRecipients();
        try {
            transport.sendMessage(message, recipients == null ? new Address[0] : recipients);
        } catch (MessagingException | RuntimeException failed) {
            close();
            throw failed;
        }
    }

    /** Connects as Spring's sender would, with its session and server settings. */
    private Transport connect() throws MessagingException {
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

    @Override
    public void close() {
        if (transport != null) {
            try {
                transport.close();
            } catch (MessagingException ignored) {
                // Closing a connection that broke: nothing more to do.
            }
            transport = null;
        }
    }
}
