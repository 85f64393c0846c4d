package io.stageflow.sms;

import java.time.Clock;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;

import io.stageflow.customers.PhoneNumbers;
import io.stageflow.delivery.Channel;
import io.stageflow.delivery.ChannelReceipts;
import io.stageflow.web.WebProperties;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirements;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * The SMS provider's webhooks, configured on the Twilio number or Messaging Service: {@code /webhooks/sms/inbound}
 * (the customers' replies) and {@code /webhooks/sms/status} (each message's delivery status, which Stageflow asks
 * for with every message). No session or role: each call must carry Twilio's signature of its URL and parameters
 * ({@link TwilioSignature}), checked before anything in it is read; a call without a genuine one is refused with 401
 * and changes nothing. While SMS is off both answer 404.
 *
 * <p>A reply of STOP, STOPALL, UNSUBSCRIBE, CANCEL, END or QUIT opts the number out at once; START, YES or UNSTOP opts
 * it in (confirming a pending double opt-in); HELP or INFO is answered with {@code stageflow.sms.help-text}. A status
 * of {@code delivered} marks the message delivered; {@code failed} or {@code undelivered} marks it undeliverable, and
 * the errors that mean the number cannot be reached (30003, 30005, 30006) mark the number unreachable.
 */
@RestController
class SmsWebhooksController {

    static final String INBOUND = "/webhooks/sms/inbound";
    static final String STATUS = "/webhooks/sms/status";

    static final Set<String> STOP_WORDS = Set.of("STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT");
    static final Set<String> START_WORDS = Set.of("START", "YES", "UNSTOP");
    static final Set<String> HELP_WORDS = Set.of("HELP", "INFO");
    /** Twilio's delivery errors that mean the number cannot take SMS: unreachable, unknown, landline. */
    static final Set<String> UNREACHABLE_ERRORS = Set.of("30003", "30005", "30006");
    private static final String TWIML = "application/xml";

    private static final Logger log = LoggerFactory.getLogger(SmsWebhooksController.class);

    private final SmsProperties properties;
    private final WebProperties web;
    private final SmsConsents consents;
    private final ChannelReceipts receipts;
    private final Clock clock;

    SmsWebhooksController(SmsProperties properties, WebProperties web, SmsConsents consents, ChannelReceipts receipts,
            Clock clock) {
        this.properties = properties;
        this.web = web;
        this.consents = consents;
        this.receipts = receipts;
        this.clock = clock;
    }

    @Operation(summary = "Twilio's incoming-message webhook: STOP, START and HELP replies (signed by Twilio)")
    @SecurityRequirements
    @PostMapping(path = INBOUND, produces = TWIML)
    ResponseEntity<String> inbound(HttpServletRequest request,
            @RequestHeader(name = TwilioSignature.HEADER, required = false) String signature) {
        Map<String, List<String>> params = verified(request, INBOUND, signature);
        String from = first(params, "From");
        String word = first(params, "Body") == null ? "" : first(params, "Body").strip().toUpperCase(Locale.ROOT);
        if (from == null || !PhoneNumbers.isE164(from)) {
            return twiml(null);
        }
        if (STOP_WORDS.contains(word)) {
            consents.optOut(from, "sms:" + word);
            log.info("An SMS number opted out by replying {}", word);
        } else if (START_WORDS.contains(word)) {
            consents.optIn(from, "sms:" + word);
        } else if (HELP_WORDS.contains(word)) {
            return twiml(properties.helpText());
        }
        return twiml(null);
    }

    @Operation(summary = "Twilio's message status callback: delivered, failed, undelivered (signed by Twilio)")
    @SecurityRequirements
    @PostMapping(STATUS)
    ResponseEntity<Void> status(HttpServletRequest request,
            @RequestHeader(name = TwilioSignature.HEADER, required = false) String signature) {
        Map<String, List<String>> params = verified(request, STATUS, signature);
        String sid = first(params, "MessageSid");
        String status = first(params, "MessageStatus");
        if (sid == null || status == null) {
            return ResponseEntity.noContent().build();
        }
        switch (status.toLowerCase(Locale.ROOT)) {
            case "delivered" -> receipts.delivered(Channel.SMS, sid, clock.instant());
            case "failed", "undelivered" -> {
                String error = first(params, "ErrorCode");
                String reason = "The SMS provider reports the message " + status.toLowerCase(Locale.ROOT)
                        + (error == null || error.isBlank() ? "" : " (error " + error + ")");
                receipts.undeliverable(Channel.SMS, sid, reason, clock.instant()).ifPresent(receipt -> {
                    String to = first(params, "To") != null ? first(params, "To") : receipt.recipient();
                    if (error != null && UNREACHABLE_ERRORS.contains(error.strip()) && PhoneNumbers.isE164(to)) {
                        consents.markUnreachable(to, "twilio:" + error.strip());
                    }
                });
            }
            default -> {
                // queued, sent, accepted, …: nothing to record
            }
        }
        return ResponseEntity.noContent().build();
    }

    /** The call's form parameters, once its signature is verified; 404 while SMS is off, 401 when not genuine. */
    private Map<String, List<String>> verified(HttpServletRequest request, String path, String signature) {
        if (!properties.webhooksOn()) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND,
                    "The SMS webhooks are off: set stageflow.sms.enabled and stageflow.sms.auth-token to turn them on");
        }
        Map<String, List<String>> params = formParameters(request);
        String url = properties.publicBase(web) + path
                + (request.getQueryString() == null ? "" : "?" + request.getQueryString());
        if (!TwilioSignature.verifies(properties.authToken(), url, params, signature)) {
            throw new ResponseStatusException(HttpStatus.UNAUTHORIZED,
                    signature == null ? "No Twilio signature" : "The Twilio signature does not verify");
        }
        return params;
    }

    /** The POST's form parameters: the request's, less those of the query string, which the URL signs. */
    private static Map<String, List<String>> formParameters(HttpServletRequest request) {
        Set<String> inQuery = new HashSet<>();
        if (request.getQueryString() != null) {
            for (String pair : request.getQueryString().split("&")) {
                inQuery.add(java.net.URLDecoder.decode(pair.split("=", 2)[0], java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        Map<String, List<String>> params = new LinkedHashMap<>();
        request.getParameterMap().forEach((name, values) -> {
            if (!inQuery.contains(name)) {
                params.put(name, Arrays.asList(values));
            }
        });
        return params;
    }

    private static String first(Map<String, List<String>> params, String name) {
        List<String> values = params.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static String xml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&apos;");
    }

    private static ResponseEntity<String> twiml(String message) {
        String body = message == null ? "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>"
                : "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Message>" + xml(message)
                        + "</Message></Response>";
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_XML).body(body);
    }
}
