package io.stageflow.bounces;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;

/**
 * Amazon SES's bounce and complaint notifications, as an SNS topic delivers them over HTTPS. Each SNS message is
 * checked before anything in it is read: its topic must be one of {@code stageflow.bounces.ses.topic-arns}, and its
 * signature (version 1, SHA1withRSA, or 2, SHA256withRSA, over the fields SNS documents) must verify with the
 * certificate it names on Amazon's SNS host ({@link SnsCertificates}). A genuine subscription confirmation is
 * confirmed by visiting its {@code SubscribeURL}, which must be on Amazon's SNS host too. A notification's
 * {@code bounceType} {@code Permanent} is a hard bounce, {@code Transient} and {@code Undetermined} soft; a
 * complaint is a complaint. SES's event publishing ({@code eventType}) is read like its notifications
 * ({@code notificationType}).
 */
@Component
class SesWebhook {

    private static final Logger log = LoggerFactory.getLogger(SesWebhook.class);

    private final BouncesProperties properties;
    private final SnsCertificates certificates;
    private final ObjectMapper json;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    SesWebhook(BouncesProperties properties, SnsCertificates certificates, ObjectMapper json) {
        this.properties = properties;
        this.certificates = certificates;
        this.json = json;
    }

    boolean isOn() {
        return !properties.ses().topicArns().isEmpty();
    }

    /** The reports in a genuine SNS message; none for a subscription confirmation (which it confirms). */
    List<MailReport> reportsOf(JsonNode message) {
        String type = text(message, "Type");
        String topic = text(message, "TopicArn");
        if (!properties.ses().topicArns().contains(topic)) {
            throw new WebhookRefused("The SNS topic " + topic + " is not one of stageflow.bounces.ses.topic-arns");
        }
        verify(message, type);
        switch (type) {
            case "SubscriptionConfirmation" -> {
                confirm(text(message, "SubscribeURL"), topic);
                return List.of();
            }
            case "Notification" -> {
                try {
                    return reportsOfNotification(json.readTree(text(message, "Message")));
                } catch (IOException e) {
                    throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "The SNS message's Message is no JSON");
                }
            }
            default -> {
                return List.of();
            }
        }
    }

    private void verify(JsonNode message, String type) {
        List<String> fields = switch (type) {
            case "Notification" -> message.hasNonNull("Subject")
                    ? List.of("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")
                    : List.of("Message", "MessageId", "Timestamp", "TopicArn", "Type");
            case "SubscriptionConfirmation", "UnsubscribeConfirmation" ->
                    List.of("Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type");
            default -> throw new WebhookRefused("Unknown SNS message type " + type);
        };
        StringBuilder signed = new StringBuilder();
        for (String field : fields) {
            if (!message.hasNonNull(field)) {
                throw new WebhookRefused("The SNS message has no " + field);
            }
            signed.append(field).append('\n').append(message.get(field).asText()).append('\n');
        }
        String algorithm = switch (text(message, "SignatureVersion")) {
            case "1" -> "SHA1withRSA";
            case "2" -> "SHA256withRSA";
            default -> throw new WebhookRefused("Unknown SNS SignatureVersion");
        };
        X509Certificate certificate = certificates.at(text(message, "SigningCertURL")).orElseThrow(
                () -> new WebhookRefused("The SNS signing certificate URL is not Amazon's, or could not be had"));
        try {
            Signature signature = Signature.getInstance(algorithm);
            signature.initVerify(certificate.getPublicKey());
            signature.update(signed.toString().getBytes(StandardCharsets.UTF_8));
            if (!signature.verify(Base64.getDecoder().decode(text(message, "Signature")))) {
                throw new WebhookRefused("The SNS signature does not verify");
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new WebhookRefused("The SNS signature does not verify");
        }
    }

    private void confirm(String subscribeUrl, String topic) {
        if (!SnsCertificates.isAmazonSns(subscribeUrl)) {
            throw new WebhookRefused("The SubscribeURL is not on Amazon SNS's host");
        }
        try {
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(subscribeUrl))
                    .timeout(Duration.ofSeconds(20)).GET().build(), HttpResponse.BodyHandlers.discarding());
            log.info("Confirmed the SNS subscription to {}: HTTP {}", topic, response.statusCode());
        } catch (IOException e) {
            throw new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE,
                    "Could not confirm the SNS subscription: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE, "Interrupted");
        }
    }

    private static List<MailReport> reportsOfNotification(JsonNode notification) {
        String type = notification.hasNonNull("notificationType") ? text(notification, "notificationType")
                : text(notification, "eventType");
        JsonNode mail = notification.path("mail");
        String returnPath = mail.hasNonNull("source") ? mail.get("source").asText() : null;
        String messageId = messageIdOf(mail);
        List<MailReport> reports = new ArrayList<>();
        if (type.equals("Bounce")) {
            JsonNode bounce = notification.path("bounce");
            MailReport.Kind kind = "Permanent".equals(bounce.path("bounceType").asText())
                    ? MailReport.Kind.HARD_BOUNCE : MailReport.Kind.SOFT_BOUNCE;
            for (JsonNode recipient : bounce.path("bouncedRecipients")) {
                String detail = (bounce.path("bounceType").asText() + "/" + bounce.path("bounceSubType").asText()
                        + " " + recipient.path("status").asText("") + " " + recipient.path("diagnosticCode").asText(""))
                        .strip();
                reports.add(new MailReport(kind, "ses", recipient.path("emailAddress").asText(null), returnPath,
                        messageId, detail));
            }
        } else if (type.equals("Complaint")) {
            JsonNode complaint = notification.path("complaint");
            for (JsonNode recipient : complaint.path("complainedRecipients")) {
                reports.add(new MailReport(MailReport.Kind.COMPLAINT, "ses", recipient.path("emailAddress").asText(null),
                        returnPath, messageId, complaint.path("complaintFeedbackType").asText("")));
            }
        }
        return reports;
    }

    /** The email's own Message-ID from the headers SES quotes (its {@code mail.messageId} is SES's id). */
    private static String messageIdOf(JsonNode mail) {
        for (JsonNode header : mail.path("headers")) {
            if (header.path("name").asText().toLowerCase(Locale.ROOT).equals("message-id")) {
                return header.path("value").asText(null);
            }
        }
        return mail.path("commonHeaders").hasNonNull("messageId") ? mail.path("commonHeaders").get("messageId").asText()
                : null;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? "" : value.asText();
    }
}
