package io.stageflow.delivery;

import io.stageflow.support.Redaction;
import io.stageflow.templates.TemplatePreview;
import io.stageflow.templates.TestSender;

import jakarta.mail.MessagingException;

import org.springframework.mail.MailException;
import org.springframework.stereotype.Component;

/**
 * The console's Test sends (a template's page, a broadcast's form), through the same {@link TestSends} as
 * {@code POST /api/v1/templates/{key}/test-send}: "[TEST] " before the subject, straight to the mail server, past
 * the outbox. A refusal is said without the address, as the API's 502 says it.
 */
@Component
class ConsoleTestSender implements TestSender {

    private final TestSends testSends;

    ConsoleTestSender(TestSends testSends) {
        this.testSends = testSends;
    }

    @Override
    public Sent send(String templateKey, TemplatePreview preview, String to) {
        try {
            TestSendResult sent = testSends.send(templateKey, preview, to);
            return new Sent(sent.messageId(), sent.subject());
        } catch (MailException | MessagingException e) {
            throw new NotSentException("The test email was not sent: " + Redaction.redact(e.getMessage()), e);
        }
    }
}
