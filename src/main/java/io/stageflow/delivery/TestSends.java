package io.stageflow.delivery;

import io.stageflow.subscriptions.UnsubscribeLinks;
import io.stageflow.templates.RenderedEmail;
import io.stageflow.templates.TemplatePreview;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.stereotype.Component;

/**
 * Mails a rendered template once, at once, to the address a marketer names, to see it in real inboxes. It
 * bypasses the outbox on purpose: no journey, no idempotency, no suppression or pacing, and it never counts
 * towards the customer's frequency cap. The message is built like a journey's, with "[TEST] " before the
 * subject; the address is never logged.
 */
@Component
class TestSends {

    private static final Logger log = LoggerFactory.getLogger(TestSends.class);
    static final String SUBJECT_PREFIX = "[TEST] ";

    private final EmailComposer composer;
    private final JavaMailSender mailSender;
    private final UnsubscribeLinks links;

    TestSends(EmailComposer composer, JavaMailSender mailSender, UnsubscribeLinks links) {
        this.composer = composer;
        this.mailSender = mailSender;
        this.links = links;
    }

    /** Sends the rendering to {@code to}; returns the message's Message-ID. */
    TestSendResult send(String templateKey, TemplatePreview preview, String to) throws MessagingException {
        RenderedEmail email = new RenderedEmail(SUBJECT_PREFIX + preview.subject(), preview.html(), preview.text());
        MimeMessage message = composer.composeTest(to, email, links.unsubscribeUrlFor(to));
        mailSender.send(message);
        String messageId = message.getMessageID();
        log.info("Test send of template {} delivered to the mail server as {}", templateKey, messageId);
        return new TestSendResult(messageId, email.subject(), preview.locale());
    }
}
