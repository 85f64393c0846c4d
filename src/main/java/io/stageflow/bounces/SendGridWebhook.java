package io.stageflow.bounces;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import org.springframework.stereotype.Component;

/**
 * SendGrid's Event Webhook, signed: the body is taken only when the ECDSA signature in
 * {@code X-Twilio-Email-Event-Webhook-Signature} verifies, with the webhook's verification key, over the timestamp
 * in {@code X-Twilio-Email-Event-Webhook-Timestamp} followed by the body as sent, and the timestamp is recent. A
 * {@code bounce} event of type {@code bounce} is a hard bounce, of type {@code blocked} a soft one; a
 * {@code spamreport} is a complaint. Other events (delivered, deferred, dropped, opens and clicks) are not reports.
 */
@Component
class SendGridWebhook {

    static final String SIGNATURE = "X-Twilio-Email-Event-Webhook-Signature";
    static final String TIMESTAMP = "X-Twilio-Email-Event-Webhook-Timestamp";

    private final BouncesProperties properties;
    private final Clock clock;
    private volatile PublicKey key;

    SendGridWebhook(BouncesProperties properties, Clock clock) {
        this.properties = properties;
        this.clock = clock;
    }

    boolean isOn() {
        String key = properties.sendgrid().verificationKey();
        return key != null && !key.isBlank();
    }

    /** Checks the signature of the body as it came; throws {@link WebhookRefused} when it is not SendGrid's. */
    void verify(byte[] body, String signatureHeader, String timestampHeader) {
        if (signatureHeader == null || timestampHeader == null) {
            throw new WebhookRefused("No " + SIGNATURE + " and " + TIMESTAMP);
        }
        Timestamps.requireRecent(timestampHeader, clock.instant(), properties.webhookTolerance());
        try {
            Signature ecdsa = Signature.getInstance("SHA256withECDSA");
            ecdsa.initVerify(key());
            ecdsa.update(timestampHeader.getBytes(StandardCharsets.UTF_8));
            ecdsa.update(body);
            if (!ecdsa.verify(Base64.getDecoder().decode(signatureHeader.strip()))) {
                throw new WebhookRefused("The SendGrid signature does not verify");
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new WebhookRefused("The SendGrid signature does not verify");
        }
    }

    List<MailReport> reportsOf(JsonNode events) {
        List<MailReport> reports = new ArrayList<>();
        for (JsonNode event : events) {
            String type = event.path("event").asText();
            MailReport.Kind kind = switch (type) {
                case "bounce" -> "blocked".equals(event.path("type").asText()) ? MailReport.Kind.SOFT_BOUNCE
                        : MailReport.Kind.HARD_BOUNCE;
                case "spamreport" -> MailReport.Kind.COMPLAINT;
                default -> null;
            };
            if (kind != null) {
                String detail = (event.path("status").asText("") + " " + event.path("reason").asText("")).strip();
                reports.add(new MailReport(kind, "sendgrid", event.path("email").asText(null), null,
                        event.path("smtp-id").asText(null), detail));
            }
        }
        return reports;
    }

    private PublicKey key() throws GeneralSecurityException {
        PublicKey known = key;
        if (known == null) {
            known = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(
                    Base64.getDecoder().decode(properties.sendgrid().verificationKey().strip())));
            key = known;
        }
        return known;
    }
}
