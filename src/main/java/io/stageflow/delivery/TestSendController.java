package io.stageflow.delivery;

import io.stageflow.support.Redaction;
import io.stageflow.templates.TemplatePreview;
import io.stageflow.templates.TemplatePreviews;

import jakarta.mail.MessagingException;
import jakarta.validation.Valid;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.mail.MailException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Mails a template once to a test address, rendered as its preview would be, to see it in real inboxes
 * ({@code POST /api/v1/templates/{key}/test-send}). A template with a mistake answers 422 as its preview does.
 */
@RestController
class TestSendController {

    private final TemplatePreviews previews;
    private final TestSends testSends;

    TestSendController(TemplatePreviews previews, TestSends testSends) {
        this.previews = previews;
        this.testSends = testSends;
    }

    @PostMapping("/api/v1/templates/{key}/test-send")
    ResponseEntity<TestSendResult> testSend(@PathVariable String key, @Valid @RequestBody TestSendRequest body)
            throws MessagingException {
        String to = body.to().strip();
        TemplatePreview preview = previews.previewForTestSend(key, body, to);
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(testSends.send(key, preview, to));
    }

    /** The mail server refused or could not be reached; its text may quote the address, so it is redacted. */
    @ExceptionHandler({MailException.class, MessagingException.class})
    ProblemDetail notSent(Exception e) {
        ProblemDetail detail = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_GATEWAY,
                "The test email was not sent: " + Redaction.redact(e.getMessage()));
        detail.setTitle("Test email not sent");
        return detail;
    }
}
