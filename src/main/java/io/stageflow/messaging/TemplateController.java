package io.stageflow.messaging;

import java.util.List;

import io.stageflow.support.FieldViolation;
import io.stageflow.support.Redaction;

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
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * Lets a marketer see a template before a journey sends it: rendered for a real customer or for sample traits,
 * exactly as delivery would render it, and mailed once to a test address. A template with a mistake answers
 * 422 naming the file, line and reference, the same check a deployment makes.
 */
@RestController
@RequestMapping("/api/v1/templates/{key}")
class TemplateController {

    private final TemplateRenderer renderer;
    private final TemplateRecipients recipients;
    private final TestSends testSends;

    TemplateController(TemplateRenderer renderer, TemplateRecipients recipients, TestSends testSends) {
        this.renderer = renderer;
        this.recipients = recipients;
        this.testSends = testSends;
    }

    @PostMapping("/preview")
    TemplatePreview preview(@PathVariable String key, @Valid @RequestBody PreviewRequest body) {
        requireTemplate(key);
        TemplateRecipients.Prepared prepared = recipients.forPreview(body);
        return TemplatePreview.of(renderer.renderChecked(key, prepared.locale(), prepared.model()));
    }

    @PostMapping("/test-send")
    ResponseEntity<TestSendResult> testSend(@PathVariable String key, @Valid @RequestBody TestSendRequest body)
            throws MessagingException {
        requireTemplate(key);
        TemplateRecipients.Prepared prepared = recipients.forTestSend(body, body.to().strip());
        TemplateRenderer.Rendering rendering = renderer.renderChecked(key, prepared.locale(), prepared.model());
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(testSends.send(key, rendering, body.to().strip()));
    }

    private void requireTemplate(String key) {
        if (!renderer.exists(key)) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "No template '" + key + "': a template is a"
                    + " folder under templates/ named with lower-case letters, digits and dashes");
        }
    }

    @ExceptionHandler(InvalidTemplateException.class)
    ProblemDetail invalidTemplate(InvalidTemplateException e) {
        TemplateProblem problem = e.problem();
        ProblemDetail detail = ProblemDetail.forStatusAndDetail(HttpStatus.UNPROCESSABLE_ENTITY, problem.describe());
        detail.setTitle("Template cannot be rendered");
        detail.setProperty("file", problem.file());
        if (problem.line() > 0) {
            detail.setProperty("line", problem.line());
            detail.setProperty("column", problem.column());
        }
        if (problem.reference() != null) {
            detail.setProperty("reference", problem.reference());
        }
        return detail;
    }

    @ExceptionHandler(TemplateRecipients.UnknownCustomerException.class)
    ProblemDetail unknownCustomer(TemplateRecipients.UnknownCustomerException e) {
        ProblemDetail detail = ProblemDetail.forStatusAndDetail(HttpStatus.UNPROCESSABLE_ENTITY,
                "The customer cannot be rendered for; see errors.");
        detail.setTitle("Unknown customer");
        detail.setProperty("errors", List.of(new FieldViolation("customerId", e.getMessage())));
        return detail;
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
