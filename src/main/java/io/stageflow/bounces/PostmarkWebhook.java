package io.stageflow.bounces;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import org.springframework.stereotype.Component;

/**
 * Postmark's bounce and spam-complaint webhooks. Postmark signs nothing; it sends the HTTP Basic credentials of the
 * webhook URL, which must match {@code stageflow.bounces.postmark.*} (compared in constant time). Bounce types
 * {@code HardBounce}, {@code BadEmailAddress} and {@code ManuallyDeactivated} are hard; {@code SoftBounce},
 * {@code Transient}, {@code DnsError} and {@code Blocked} soft; a {@code SpamComplaint} is a complaint; the other
 * types (auto-replies, subscribe requests, challenges) are not reports. Postmark gives its own message id, so the
 * email is found by its address.
 */
@Component
class PostmarkWebhook {

    private static final Set<String> HARD = Set.of("HardBounce", "BadEmailAddress", "ManuallyDeactivated");
    private static final Set<String> SOFT = Set.of("SoftBounce", "Transient", "DnsError", "Blocked");

    private final BouncesProperties properties;

    PostmarkWebhook(BouncesProperties properties) {
        this.properties = properties;
    }

    boolean isOn() {
        String user = properties.postmark().username();
        return user != null && !user.isBlank();
    }

    void verify(String authorization) {
        String expected = "Basic " + Base64.getEncoder().encodeToString((properties.postmark().username() + ":"
                + (properties.postmark().password() == null ? "" : properties.postmark().password()))
                .getBytes(StandardCharsets.UTF_8));
        if (authorization == null || !MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                authorization.strip().getBytes(StandardCharsets.UTF_8))) {
            throw new WebhookRefused("The Postmark webhook's credentials are not the configured ones");
        }
    }

    List<MailReport> reportsOf(JsonNode body) {
        String type = body.path("Type").asText();
        MailReport.Kind kind = HARD.contains(type) ? MailReport.Kind.HARD_BOUNCE
                : SOFT.contains(type) ? MailReport.Kind.SOFT_BOUNCE
                : type.equals("SpamComplaint") || body.path("RecordType").asText().equals("SpamComplaint")
                        ? MailReport.Kind.COMPLAINT : null;
        if (kind == null) {
            return List.of();
        }
        String detail = (type + " " + body.path("Description").asText("") + " " + body.path("Details").asText(""))
                .replaceAll("\\s+", " ").strip();
        return List.of(new MailReport(kind, "postmark", body.path("Email").asText(null), null, null, detail));
    }
}
