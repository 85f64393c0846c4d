package io.stageflow.whatsapp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Locale;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.stageflow.customers.PhoneNumbers;
import io.stageflow.delivery.Channel;
import io.stageflow.delivery.ChannelReceipts;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirements;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * The WhatsApp Cloud API's webhook, subscribed in the Meta app to the business number's {@code messages} field:
 * {@code GET /webhooks/whatsapp} answers Meta's subscription handshake (the {@code hub.challenge}, when
 * {@code hub.verify_token} is {@code stageflow.whatsapp.verify-token}); {@code POST /webhooks/whatsapp} takes the
 * message statuses and the customers' messages. No session or role: a POST must carry {@code X-Hub-Signature-256},
 * the HMAC-SHA256 of its raw body under the app secret, checked before anything in it is read; one without a genuine
 * signature is refused with 401 and changes nothing. While WhatsApp is off both answer 404.
 *
 * <p>A status {@code delivered} or {@code read} marks the message delivered; {@code failed} marks it undeliverable,
 * and error 131026 (no WhatsApp user) marks the number unreachable. A customer's text STOP opts the number out of
 * WhatsApp messages, START opts it in.
 */
@RestController
class WhatsAppWebhooksController {

    static final String PATH = "/webhooks/whatsapp";
    static final String SIGNATURE_HEADER = "X-Hub-Signature-256";

    private static final Logger log = LoggerFactory.getLogger(WhatsAppWebhooksController.class);

    private final WhatsAppProperties properties;
    private final WhatsAppConsents consents;
    private final ChannelReceipts receipts;
    private final ObjectMapper json;
    private final Clock clock;

    WhatsAppWebhooksController(WhatsAppProperties properties, WhatsAppConsents consents, ChannelReceipts receipts,
            ObjectMapper json, Clock clock) {
        this.properties = properties;
        this.consents = consents;
        this.receipts = receipts;
        this.json = json;
        this.clock = clock;
    }

    @Operation(summary = "Meta's webhook subscription handshake: answers hub.challenge for the right hub.verify_token")
    @SecurityRequirements
    @GetMapping(path = PATH, produces = MediaType.TEXT_PLAIN_VALUE)
    ResponseEntity<String> handshake(@RequestParam(name = "hub.mode", required = false) String mode,
            @RequestParam(name = "hub.verify_token", required = false) String token,
            @RequestParam(name = "hub.challenge", required = false) String challenge) {
        requireOn();
        String expected = properties.verifyToken();
        if (!"subscribe".equals(mode) || expected == null || expected.isBlank() || token == null || challenge == null
                || !MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                        token.getBytes(StandardCharsets.UTF_8))) {
            return ResponseEntity.status(HttpStatus.FORBIDDEN).contentType(MediaType.TEXT_PLAIN)
                    .body("The verify token does not match stageflow.whatsapp.verify-token");
        }
        return ResponseEntity.ok().contentType(MediaType.TEXT_PLAIN).body(challenge);
    }

    @Operation(summary = "WhatsApp Cloud API notifications: message statuses and customers' STOP/START (signed by Meta)")
    @SecurityRequirements
    @PostMapping(PATH)
    ResponseEntity<Void> notification(@RequestBody(required = false) byte[] body,
            @RequestHeader(name = SIGNATURE_HEADER, required = false) String signature) {
        requireOn();
        byte[] raw = body == null ? new byte[0] : body;
        if (!verifies(properties.appSecret(), raw, signature)) {
            throw new ResponseStatusException(HttpStatus.UNAUTHORIZED,
                    signature == null ? "No " + SIGNATURE_HEADER : "The " + SIGNATURE_HEADER + " does not verify");
        }
        JsonNode root;
        try {
            root = json.readTree(raw);
        } catch (IOException notJson) {
            return ResponseEntity.ok().build(); // genuine but unreadable: nothing to record, and no redelivery
        }
        if (root == null) {
            return ResponseEntity.ok().build();
        }
        for (JsonNode entry : root.path("entry")) {
            for (JsonNode change : entry.path("changes")) {
                JsonNode value = change.path("value");
                value.path("statuses").forEach(this::status);
                value.path("messages").forEach(this::message);
            }
        }
        return ResponseEntity.ok().build();
    }

    private void requireOn() {
        if (!properties.webhooksOn()) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "The WhatsApp webhook is off: set"
                    + " stageflow.whatsapp.enabled and stageflow.whatsapp.app-secret to turn it on");
        }
    }

    private void status(JsonNode status) {
        String id = status.path("id").asText(null);
        String state = status.path("status").asText("").toLowerCase(Locale.ROOT);
        if (id == null) {
            return;
        }
        switch (state) {
            case "delivered", "read" -> receipts.delivered(Channel.WHATSAPP, id, clock.instant());
            case "failed" -> {
                JsonNode error = status.path("errors").path(0);
                int code = error.path("code").asInt(0);
                String title = error.path("title").asText("");
                String reason = "WhatsApp reports the message failed" + (code == 0 ? "" : " (error " + code + ")")
                        + (title.isBlank() ? "" : ": " + WhatsAppCloudAdapter.withoutNumbers(title));
                receipts.undeliverable(Channel.WHATSAPP, id, reason, clock.instant()).ifPresent(receipt -> {
                    String recipient = status.hasNonNull("recipient_id") ? "+" + status.path("recipient_id").asText()
                            : receipt.recipient();
                    if (code == WhatsAppCloudAdapter.UNDELIVERABLE && PhoneNumbers.isE164(recipient)) {
                        consents.markUnreachable(recipient, "whatsapp:" + code);
                    }
                });
            }
            default -> {
                // sent and the like: nothing to record
            }
        }
    }

    private void message(JsonNode message) {
        if (!"text".equals(message.path("type").asText())) {
            return;
        }
        String from = "+" + message.path("from").asText("");
        String word = message.path("text").path("body").asText("").strip().toUpperCase(Locale.ROOT);
        if (!PhoneNumbers.isE164(from)) {
            return;
        }
        if (word.equals("STOP")) {
            consents.optOut(from, "whatsapp:STOP");
            log.info("A WhatsApp number opted out by writing STOP");
        } else if (word.equals("START")) {
            consents.optIn(from, "whatsapp:START");
        }
    }

    /** Whether {@code header} is {@code sha256=} and the hex HMAC-SHA256 of {@code body} under {@code secret}. */
    static boolean verifies(String secret, byte[] body, String header) {
        if (secret == null || secret.isBlank() || header == null || !header.startsWith("sha256=")) {
            return false;
        }
        byte[] expected = sign(secret, body).getBytes(StandardCharsets.US_ASCII);
        byte[] given = header.strip().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, given);
    }

    /** {@code sha256=<hex HMAC-SHA256 of body>}, as Meta signs a notification. */
    static String sign(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }
}
