package io.stageflow.bounces;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;

import io.stageflow.web.InvalidInputException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirements;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * The mail providers' webhooks for bounces and complaints: {@code /webhooks/ses} (Amazon SES through SNS),
 * {@code /webhooks/sendgrid}, {@code /webhooks/mailgun} and {@code /webhooks/postmark}. No session or role: each
 * call proves itself by its provider's signature or credentials, checked before anything in it is read, and a call
 * that cannot is refused with 401 and changes nothing. A provider that is not configured answers 404. The answer
 * says how many reports the call held and how many named an address Stageflow mails.
 */
@RestController
class BounceWebhooksController {

    static final String PATH = "/webhooks";
    /** A provider's largest batch is well under this; a larger body is refused before it is read further. */
    private static final int MAX_BODY = 5 * 1024 * 1024;

    private final SesWebhook ses;
    private final SendGridWebhook sendGrid;
    private final MailgunWebhook mailgun;
    private final PostmarkWebhook postmark;
    private final BounceIntake intake;
    private final ObjectMapper json;

    BounceWebhooksController(SesWebhook ses, SendGridWebhook sendGrid, MailgunWebhook mailgun,
            PostmarkWebhook postmark, BounceIntake intake, ObjectMapper json) {
        this.ses = ses;
        this.sendGrid = sendGrid;
        this.mailgun = mailgun;
        this.postmark = postmark;
        this.intake = intake;
        this.json = json;
    }

    /** SNS posts its messages as {@code text/plain}. */
    @Operation(summary = "Amazon SES bounce and complaint notifications, through an SNS topic (signed by SNS)")
    @SecurityRequirements
    @PostMapping(PATH + "/ses")
    Map<String, Integer> ses(HttpServletRequest request) throws IOException {
        requireOn(ses.isOn(), "ses", "stageflow.bounces.ses.topic-arns");
        return taken(ses.reportsOf(parse(body(request))));
    }

    @Operation(summary = "SendGrid's signed Event Webhook: bounces and spam reports")
    @SecurityRequirements
    @PostMapping(PATH + "/sendgrid")
    Map<String, Integer> sendGrid(HttpServletRequest request,
            @RequestHeader(name = SendGridWebhook.SIGNATURE, required = false) String signature,
            @RequestHeader(name = SendGridWebhook.TIMESTAMP, required = false) String timestamp) throws IOException {
        requireOn(sendGrid.isOn(), "sendgrid", "stageflow.bounces.sendgrid.verification-key");
        byte[] body = body(request);
        sendGrid.verify(body, signature, timestamp);
        JsonNode events = parse(body);
        if (!events.isArray()) {
            throw new InvalidInputException("body", "must be SendGrid's JSON array of events");
        }
        return taken(sendGrid.reportsOf(events));
    }

    @Operation(summary = "Mailgun's signed webhooks: permanent and temporary failures, complaints")
    @SecurityRequirements
    @PostMapping(PATH + "/mailgun")
    Map<String, Integer> mailgun(HttpServletRequest request) throws IOException {
        requireOn(mailgun.isOn(), "mailgun", "stageflow.bounces.mailgun.signing-key");
        JsonNode body = parse(body(request));
        mailgun.verify(body);
        return taken(mailgun.reportsOf(body));
    }

    @Operation(summary = "Postmark's bounce and spam-complaint webhooks (Basic credentials of the webhook URL)")
    @SecurityRequirements
    @PostMapping(PATH + "/postmark")
    Map<String, Integer> postmark(HttpServletRequest request,
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization)
            throws IOException {
        requireOn(postmark.isOn(), "postmark", "stageflow.bounces.postmark.username");
        postmark.verify(authorization);
        return taken(postmark.reportsOf(parse(body(request))));
    }

    private Map<String, Integer> taken(List<MailReport> reports) {
        return Map.of("reports", reports.size(), "applied", intake.take(reports, true));
    }

    private static void requireOn(boolean on, String provider, String setting) {
        if (!on) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND,
                    "The " + provider + " webhook is off: set " + setting + " to turn it on");
        }
    }

    private static byte[] body(HttpServletRequest request) throws IOException {
        try (InputStream in = request.getInputStream()) {
            byte[] body = in.readNBytes(MAX_BODY + 1);
            if (body.length > MAX_BODY) {
                throw new ResponseStatusException(HttpStatus.PAYLOAD_TOO_LARGE,
                        "A webhook body may hold at most " + MAX_BODY + " bytes");
            }
            return body;
        }
    }

    private JsonNode parse(byte[] body) {
        try {
            JsonNode node = json.readTree(body);
            if (node == null || node.isMissingNode()) {
                throw new InvalidInputException("body", "is empty; a JSON document is expected");
            }
            return node;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new InvalidInputException("body", "is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidInputException("body", "is not readable JSON");
        }
    }
}
