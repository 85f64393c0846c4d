package io.stageflow.delivery;

import jakarta.mail.internet.MimeMessage;

import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.JavaMailSenderImpl;

/**
 * A mail sender that spreads email over several SMTP servers and picks one per message (by the recipient's domain,
 * say). The dispatcher asks it for the message's server and sends over a connection to that server it keeps open
 * for the pass, as it does for Spring's own sender; a plain {@link JavaMailSender} of another kind sends each email
 * over a connection of its own.
 */
public interface MailServerRouting extends JavaMailSender {

    /** The server this message goes to. */
    JavaMailSenderImpl serverFor(MimeMessage message);
}
