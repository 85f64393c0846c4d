package io.stageflow.bounces;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;

import org.springframework.stereotype.Component;

/**
 * Mailgun's webhooks: the body's {@code signature} must hold a recent {@code timestamp}, a {@code token} and their
 * HMAC-SHA256 with the webhook signing key. Its {@code event-data} {@code failed} event is a hard bounce when its
 * severity is {@code permanent} and a soft one when {@code temporary}; {@code complained} is a complaint. The
 * envelope sender it quotes is the email's return path.
 */
@Component
class MailgunWebhook {

    private final BouncesProperties properties;
    private final Clock clock;

    MailgunWebhook(BouncesProperties properties, Clock clock) {
        this.properties = properties;
        this.clock = clock;
    }

    boolean isOn() {
        String key = properties.mailgun().signingKey();
        return key != null && !key.isBlank();
    }

    void verify(JsonNode body) {
        JsonNode signature = body.path("signature");
        String timestamp = signature.path("timestamp").asText("");
        String token = signature.path("token").asText("");
        String claimed = signature.path("signature").asText("");
        if (timestamp.isEmpty() || token.isEmpty() || claimed.isEmpty()) {
            throw new WebhookRefused("No Mailgun signature");
        }
        Timestamps.requireRecent(timestamp, clock.instant(), properties.webhookTolerance());
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(properties.mailgun().signingKey().strip().getBytes(StandardCharsets.UTF_8),
                    "HmacSHA256"));
            byte[] expected = mac.doFinal((timestamp + token).getBytes(StandardCharsets.UTF_8));
            if (!MessageDigest.isEqual(HexFormat.of().formatHex(expected).getBytes(StandardCharsets.US_ASCII),
                    claimed.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII))) {
                throw new WebhookRefused("The Mailgun signature does not verify");
            }
        } catch (GeneralSecurityException e) {
            throw new WebhookRefused("The Mailgun signature does not verify");
        }
    }

    List<MailReport> reportsOf(JsonNode body) {
        JsonNode event = body.path("event-data");
        MailReport.Kind kind = switch (event.path("event").asText()) {
            case "failed" -> "permanent".equals(event.path("severity").asText()) ? MailReport.Kind.HARD_BOUNCE
                    : MailReport.Kind.SOFT_BOUNCE;
            case "complained" -> MailReport.Kind.COMPLAINT;
            default -> null;
        };
        if (kind == null) {
            return List.of();
        }
        JsonNode status = event.path("delivery-status");
        String detail = (status.path("code").asText("") + " " + status.path("message").asText("") + " "
                + status.path("description").asText("")).replaceAll("\\s+", " ").strip();
        String messageId = event.path("message").path("headers").path("message-id").asText(null);
        return List.of(new MailReport(kind, "mailgun", event.path("recipient").asText(null),
                event.path("envelope").path("sender").asText(null), messageId, detail));
    }
}
