package io.stageflow.bounces;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.stageflow.testing.StageflowClient;
import io.stageflow.testing.WebhookTestKeys;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The mail providers' webhooks, each fed its provider's documented sample payload (with the customer's address and
 * the email's Message-ID put in) and signed as the provider signs: Amazon SES through SNS (an RSA signature checked
 * with the certificate named in the message, on Amazon's host), SendGrid (ECDSA), Mailgun (HMAC) and Postmark
 * (Basic credentials). Each suppresses the right address and marks the right email; a forged signature or wrong
 * credentials get 401 and change nothing.
 */
class BounceWebhooksTest extends BounceTestCase {

    private static final String CERT_URL = "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-test.pem";

    @Autowired
    SnsCertificates certificates;

    @Autowired
    Clock clock;

    private final ObjectMapper json = new ObjectMapper();

    @BeforeEach
    void amazonsCertificateIsKnown() {
        certificates.remember(CERT_URL, WebhookTestKeys.snsCertificate());
    }

    @Test
    void sesBounceAndComplaintThroughSns() throws Exception {
        Welcomed bounced = signUpAndReceiveWelcome();
        Welcomed complained = signUpAndReceiveWelcome();

        assertThat(post("/webhooks/ses", sns(sample("ses-bounce.json", bounced), "2"), Map.of()).status())
                .isEqualTo(200);
        assertThat(post("/webhooks/ses", sns(sample("ses-complaint.json", complained), "1"), Map.of()).json()
                .path("applied").asInt()).isEqualTo(1);

        assertThat(suppression(bounced.address())).isEqualTo("BOUNCED");
        assertThat(status(bounced)).isEqualTo("BOUNCED");
        assertThat(lastError(bounced)).startsWith("Hard bounce reported by ses: Permanent/General 5.1.1");
        assertThat(suppression(complained.address())).isEqualTo("COMPLAINED");
        await().atMost(PATIENCE).until(() -> events(complained, "email_complained") == 1);
    }

    @Test
    void snsMessagesThatAreNotAmazonsAreRefused() throws Exception {
        Welcomed customer = signUpAndReceiveWelcome();
        String genuine = sns(sample("ses-bounce.json", customer), "1");

        Map<String, Object> tampered = json.readValue(genuine, LinkedHashMap.class);
        tampered.put("Message", ((String) tampered.get("Message")).replace("Permanent", "Transient"));
        Map<String, Object> elsewhere = json.readValue(genuine, LinkedHashMap.class);
        elsewhere.put("SigningCertURL", "https://attacker.example/SimpleNotificationService-test.pem");
        Map<String, Object> otherTopic = json.readValue(sns(sample("ses-bounce.json", customer), "1")
                .replace(WebhookTestKeys.SES_TOPIC, "arn:aws:sns:us-east-1:999999999999:not-ours"), LinkedHashMap.class);

        for (Map<String, Object> forged : java.util.List.of(tampered, elsewhere, otherTopic)) {
            StageflowClient.Response answer = post("/webhooks/ses", json.writeValueAsString(forged), Map.of());
            assertThat(answer.status()).isEqualTo(401);
            assertThat(answer.contentType()).startsWith("application/problem+json");
        }
        assertThat(suppression(customer.address())).isNull();
        assertThat(status(customer)).isEqualTo("SENT");
    }

    @Test
    void sendGridSignedEvents() throws Exception {
        Welcomed bounced = signUpAndReceiveWelcome();
        Welcomed complained = signUpAndReceiveWelcome();
        String body = sample("sendgrid-events.json", bounced).replace("{{other}}", complained.address());
        String timestamp = String.valueOf(clock.instant().getEpochSecond());

        StageflowClient.Response forged = post("/webhooks/sendgrid", body, Map.of(
                "X-Twilio-Email-Event-Webhook-Signature", sendGridSignature(timestamp, body.replace("5.0.0", "4.0.0")),
                "X-Twilio-Email-Event-Webhook-Timestamp", timestamp));
        assertThat(forged.status()).isEqualTo(401);
        assertThat(suppression(bounced.address())).isNull();

        StageflowClient.Response answer = post("/webhooks/sendgrid", body, Map.of(
                "X-Twilio-Email-Event-Webhook-Signature", sendGridSignature(timestamp, body),
                "X-Twilio-Email-Event-Webhook-Timestamp", timestamp));
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().path("reports").asInt()).as("the bounce and the spam report; not the others")
                .isEqualTo(2);
        assertThat(suppression(bounced.address())).isEqualTo("BOUNCED");
        assertThat(status(bounced)).isEqualTo("BOUNCED");
        assertThat(suppression(complained.address())).isEqualTo("COMPLAINED");
    }

    @Test
    void mailgunSignedEventsAndSoftBouncesUpToTheLimit() throws Exception {
        Welcomed bounced = signUpAndReceiveWelcome();
        String timestamp = String.valueOf(clock.instant().getEpochSecond());
        String body = mailgun(sample("mailgun-failed.json", bounced), "permanent", timestamp,
                mailgunSignature(timestamp));

        assertThat(post("/webhooks/mailgun", body.replace(mailgunSignature(timestamp), mailgunSignature("1")),
                Map.of()).status()).as("a signature of another timestamp").isEqualTo(401);
        String stale = String.valueOf(clock.instant().getEpochSecond() - 3600);
        assertThat(post("/webhooks/mailgun", mailgun(sample("mailgun-failed.json", bounced), "permanent", stale,
                mailgunSignature(stale)), Map.of()).status()).as("an hour-old call replayed").isEqualTo(401);
        assertThat(suppression(bounced.address())).isNull();

        assertThat(post("/webhooks/mailgun", body, Map.of()).status()).isEqualTo(200);
        assertThat(suppression(bounced.address())).isEqualTo("BOUNCED");
        assertThat(status(bounced)).isEqualTo("BOUNCED");

        // An address that keeps failing temporarily, reported without an email of ours: suppressed at the third.
        String flaky = "flaky-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        for (int i = 1; i <= 3; i++) {
            assertThat(suppression(flaky)).as("after %d soft bounces", i - 1).isNull();
            String soft = mailgun(sample("mailgun-failed.json", bounced).replace(bounced.address(), flaky)
                    .replace(bounced.messageId(), "<other-" + i + "@sandbox.mailgun.org>")
                    .replace(bounced.returnPath(), "bob@sandbox.mailgun.org"), "temporary", timestamp,
                    mailgunSignature(timestamp));
            assertThat(post("/webhooks/mailgun", soft, Map.of()).status()).isEqualTo(200);
        }
        assertThat(suppression(flaky)).isEqualTo("BOUNCED");
    }

    @Test
    void postmarkWithItsCredentials() throws Exception {
        Welcomed bounced = signUpAndReceiveWelcome();
        Welcomed complained = signUpAndReceiveWelcome();
        String credentials = StageflowClient.basic(WebhookTestKeys.POSTMARK_USER, WebhookTestKeys.POSTMARK_PASSWORD);

        assertThat(post("/webhooks/postmark", sample("postmark-bounce.json", bounced), Map.of("Authorization",
                StageflowClient.basic(WebhookTestKeys.POSTMARK_USER, "guessed"))).status()).isEqualTo(401);
        assertThat(post("/webhooks/postmark", sample("postmark-bounce.json", bounced), Map.of()).status())
                .isEqualTo(401);
        assertThat(suppression(bounced.address())).isNull();

        assertThat(post("/webhooks/postmark", sample("postmark-bounce.json", bounced),
                Map.of("Authorization", credentials)).status()).isEqualTo(200);
        assertThat(post("/webhooks/postmark", sample("postmark-spam-complaint.json", complained),
                Map.of("Authorization", credentials)).status()).isEqualTo(200);
        assertThat(suppression(bounced.address())).isEqualTo("BOUNCED");
        assertThat(status(bounced)).as("found by the address: its last email").isEqualTo("BOUNCED");
        assertThat(suppression(complained.address())).isEqualTo("COMPLAINED");
        await().atMost(PATIENCE).until(() -> events(complained, "email_complained") == 1);
    }

    @Test
    void badBodiesAreProblemsOnEveryRoute() throws Exception {
        String timestamp = String.valueOf(clock.instant().getEpochSecond());
        Map<String, Map<String, String>> routes = Map.of(
                "/webhooks/ses", Map.of(),
                "/webhooks/mailgun", Map.of(),
                "/webhooks/sendgrid", Map.of("X-Twilio-Email-Event-Webhook-Signature",
                        sendGridSignature(timestamp, "{not json"), "X-Twilio-Email-Event-Webhook-Timestamp", timestamp),
                "/webhooks/postmark", Map.of("Authorization",
                        StageflowClient.basic(WebhookTestKeys.POSTMARK_USER, WebhookTestKeys.POSTMARK_PASSWORD)));
        routes.forEach((route, headers) -> {
            StageflowClient.Response notJson = post(route, "{not json", headers);
            assertThat(notJson.status()).as(route).isEqualTo(400);
            assertThat(notJson.contentType()).as(route).startsWith("application/problem+json");
            assertThat(notJson.json().path("errors").get(0).path("field").asText()).as(route).isEqualTo("body");
        });
    }

    private static String sample(String name, Welcomed customer) throws IOException {
        try (InputStream in = BounceWebhooksTest.class.getResourceAsStream("/bounces/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("{{recipient}}", customer.address())
                    .replace("{{messageId}}", customer.messageId())
                    .replace("{{returnPath}}", customer.returnPath());
        }
    }

    /** The SES notification wrapped and signed as SNS delivers it, with signature version 1 or 2. */
    private String sns(String notification, String version) throws Exception {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("Type", "Notification");
        message.put("MessageId", UUID.randomUUID().toString());
        message.put("TopicArn", WebhookTestKeys.SES_TOPIC);
        message.put("Message", notification);
        message.put("Timestamp", "2026-12-05T10:00:00.000Z");
        message.put("SignatureVersion", version);
        String signed = "Message\n" + notification + "\nMessageId\n" + message.get("MessageId") + "\nTimestamp\n"
                + message.get("Timestamp") + "\nTopicArn\n" + WebhookTestKeys.SES_TOPIC + "\nType\nNotification\n";
        Signature rsa = Signature.getInstance(version.equals("1") ? "SHA1withRSA" : "SHA256withRSA");
        rsa.initSign(WebhookTestKeys.snsPrivateKey());
        rsa.update(signed.getBytes(StandardCharsets.UTF_8));
        message.put("Signature", Base64.getEncoder().encodeToString(rsa.sign()));
        message.put("SigningCertURL", CERT_URL);
        message.put("UnsubscribeURL", "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn="
                + WebhookTestKeys.SES_TOPIC + ":0");
        return json.writeValueAsString(message);
    }

    private static String sendGridSignature(String timestamp, String body) throws Exception {
        PrivateKey key = WebhookTestKeys.sendGridPrivateKey();
        Signature ecdsa = Signature.getInstance("SHA256withECDSA");
        ecdsa.initSign(key);
        ecdsa.update((timestamp + body).getBytes(StandardCharsets.UTF_8));
        return Base64.getEncoder().encodeToString(ecdsa.sign());
    }

    private static String mailgun(String sample, String severity, String timestamp, String signature) {
        return sample.replace("{{severity}}", severity).replace("{{timestamp}}", timestamp)
                .replace("{{signature}}", signature);
    }

    private static String mailgunSignature(String timestamp) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(WebhookTestKeys.MAILGUN_SIGNING_KEY.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal((timestamp + "a8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de0")
                .getBytes(StandardCharsets.UTF_8)));
    }

    private StageflowClient.Response post(String path, String body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(client().uri(path))
                .header("Content-Type", path.endsWith("/ses") ? "text/plain; charset=UTF-8" : "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return client().send(request, false);
    }


    private String status(Welcomed customer) {
        return jdbc.sql("select status from sf_outbox where id = ?").param(customer.outboxId()).query(String.class)
                .single();
    }

    private String lastError(Welcomed customer) {
        return jdbc.sql("select last_error from sf_outbox where id = ?").param(customer.outboxId())
                .query(String.class).single();
    }

    private long events(Welcomed customer, String type) {
        return jdbc.sql("select count(*) from sf_event where customer_id = ? and type = ?")
                .params(customer.customerId(), type).query(Long.class).single();
    }
}
