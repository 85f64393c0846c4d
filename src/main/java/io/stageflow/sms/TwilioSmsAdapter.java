package io.stageflow.sms;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.stageflow.customers.PhoneNumbers;
import io.stageflow.delivery.Channel;
import io.stageflow.delivery.ChannelAdapter;
import io.stageflow.delivery.ChannelConsent;
import io.stageflow.delivery.ChannelMessage;
import io.stageflow.delivery.ChannelPreview;
import io.stageflow.delivery.ChannelResult;
import io.stageflow.templates.InvalidSnippetException;
import io.stageflow.templates.TemplateRenderer;
import io.stageflow.web.InvalidInputException;
import io.stageflow.web.WebProperties;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Sends the "Send SMS" steps' texts through Twilio's Messages API (or a provider that speaks it): one form-encoded
 * POST per message, HTTP Basic with the account SID and auth token, a status callback to
 * {@code /webhooks/sms/status}. The customer's number is their {@code phone} trait in E.164; marketing SMS needs the
 * number opted in and always keeps quiet hours. An SMS is never sent twice: a request whose answer is lost is
 * {@code OUTCOME_UNKNOWN}, not repeated. A number the provider calls invalid or not mobile (21211, 21614) is marked
 * unreachable, and one that replied STOP at the provider (21610) opted out, so no later SMS tries it again. Exists only
 * with {@code stageflow.sms.enabled=true}.
 */
@Component
@ConditionalOnProperty(prefix = "stageflow.sms", name = "enabled", havingValue = "true")
class TwilioSmsAdapter implements ChannelAdapter {

    /** The step setting holding the SMS text, a Velocity snippet. */
    static final String TEXT = "text";
    /** How much of the text the message log shows. */
    static final int SUMMARY_LENGTH = 100;
    /** Twilio's errors for a number that does not exist or cannot take SMS. */
    static final Set<Integer> UNREACHABLE_NUMBER = Set.of(21211, 21614);
    /** Twilio's error for a number that replied STOP. */
    static final int REPLIED_STOP = 21610;

    private final SmsProperties properties;
    private final WebProperties web;
    private final SmsConsents consents;
    private final TemplateRenderer templates;
    private final ObjectMapper json;
    private final Clock clock;
    private final HttpClient http;

    TwilioSmsAdapter(SmsProperties properties, WebProperties web, SmsConsents consents, TemplateRenderer templates,
            ObjectMapper json, Clock clock) {
        requireSet(properties.accountSid(), "stageflow.sms.account-sid");
        requireSet(properties.authToken(), "stageflow.sms.auth-token");
        if (blank(properties.from()) && blank(properties.messagingServiceSid())) {
            throw new IllegalStateException("SMS is on (stageflow.sms.enabled) but has no sender: set"
                    + " stageflow.sms.from or stageflow.sms.messaging-service-sid");
        }
        this.properties = properties;
        this.web = web;
        this.consents = consents;
        this.templates = templates;
        this.json = json;
        this.clock = clock;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(properties.connectTimeout()).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    private static void requireSet(String value, String setting) {
        if (blank(value)) {
            throw new IllegalStateException("SMS is on (stageflow.sms.enabled) but " + setting + " is not set");
        }
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    @Override
    public Channel channel() {
        return Channel.SMS;
    }

    @Override
    public boolean keepsQuietHours() {
        return true;
    }

    @Override
    public boolean safeToRepeat() {
        return false;
    }

    @Override
    public String problemWith(Map<String, String> settings) {
        String text = settings.get(TEXT);
        if (text == null || text.isBlank()) {
            return "has no text: set its 'text' input (the SMS text)";
        }
        String problem = templates.snippetProblem(TEXT, text);
        return problem == null ? null : "has a text that cannot be sent ('text'): " + problem;
    }

    @Override
    public ChannelConsent consent(ChannelMessage message) {
        String problem = PhoneNumbers.problemWith(message.customer());
        if (problem != null) {
            return ChannelConsent.skipped(problem);
        }
        String phone = PhoneNumbers.of(message.customer());
        String blocked = consents.blockingReason(phone, message.category());
        return blocked == null ? ChannelConsent.allowed() : ChannelConsent.suppressed(blocked);
    }

    @Override
    public ChannelPreview preview(ChannelMessage message) {
        String phone = PhoneNumbers.of(message.customer());
        String text;
        try {
            text = templates.renderSnippet(TEXT, message.settings().get(TEXT), message.model());
        } catch (InvalidSnippetException e) {
            throw new InvalidInputException("settings." + TEXT, e.getMessage());
        }
        SmsSegments segments = SmsSegments.of(text);
        String blocked = consents.blockingReason(phone, message.category());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("encoding", segments.encoding() == SmsSegments.Encoding.GSM_7 ? "GSM-7" : "UCS-2");
        details.put("characters", segments.characters());
        details.put("segments", segments.segments());
        return new ChannelPreview(channel().key(), phone, text, blocked == null, blocked, details);
    }

    @Override
    public ChannelResult deliver(ChannelMessage message) {
        String phone = message.customer().traits().get("phone").toString().strip();
        String text;
        try {
            text = templates.renderSnippet(TEXT, message.settings().get(TEXT), message.model());
        } catch (InvalidSnippetException e) {
            return new ChannelResult.Failed("The SMS text cannot be rendered: " + e.getMessage());
        }
        if (text.isBlank()) {
            return new ChannelResult.Failed("The SMS text renders to nothing for this customer");
        }
        HttpRequest request = HttpRequest.newBuilder(messagesUri())
                .timeout(properties.readTimeout())
                .header("Authorization", basicAuth())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form(phone, text)))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpConnectTimeoutException | ConnectException e) {
            return new ChannelResult.Retry("The SMS provider cannot be reached: " + e, null);
        } catch (HttpTimeoutException e) {
            return new ChannelResult.Unknown("The SMS provider did not answer within " + properties.readTimeout());
        } catch (IOException e) {
            if (e.getCause() instanceof UnresolvedAddressException || e.getCause() instanceof ConnectException) {
                return new ChannelResult.Retry("The SMS provider cannot be reached: " + e, null);
            }
            return new ChannelResult.Unknown("The connection to the SMS provider broke: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ChannelResult.Unknown("Interrupted while the SMS provider was answering");
        }
        return outcome(response, phone, text);
    }

    private ChannelResult outcome(HttpResponse<String> response, String phone, String text) {
        int status = response.statusCode();
        JsonNode body = parse(response.body());
        if (status == 200 || status == 201) {
            String sid = body.path("sid").asText(null);
            return new ChannelResult.Delivered(sid, phone, text.length() <= SUMMARY_LENGTH ? text
                    : text.substring(0, SUMMARY_LENGTH), Map.of());
        }
        int code = body.path("code").asInt(0);
        String reason = "The SMS provider answered " + status + (code == 0 ? "" : " (error " + code + ")")
                + (body.hasNonNull("message") ? ": " + withoutNumbers(body.path("message").asText()) : "");
        if (status == 429 || status >= 500) {
            return new ChannelResult.Retry(reason, ChannelResult.Retry.after(response.headers(), clock.instant()));
        }
        if (UNREACHABLE_NUMBER.contains(code)) {
            consents.markUnreachable(phone, "twilio:" + code);
            return new ChannelResult.Unreachable(reason);
        }
        if (code == REPLIED_STOP) {
            consents.optOut(phone, "twilio:" + code);
            return new ChannelResult.Unreachable(reason);
        }
        return new ChannelResult.Failed(reason);
    }

    /**
     * The provider's words without the phone numbers they quote ("The 'To' number +49… is not valid"): the reason is
     * logged, and a log holds no personal data.
     */
    static String withoutNumbers(String message) {
        return message.replaceAll("\\+?[0-9][0-9 ()-]{5,}[0-9]", "(number)");
    }


    private JsonNode parse(String body) {
        try {
            JsonNode node = body == null || body.isBlank() ? null : json.readTree(body);
            return node == null ? json.createObjectNode() : node;
        } catch (IOException notJson) {
            return json.createObjectNode();
        }
    }

    private URI messagesUri() {
        return URI.create(properties.apiBase() + "/2010-04-01/Accounts/"
                + URLEncoder.encode(properties.accountSid(), StandardCharsets.UTF_8) + "/Messages.json");
    }

    private String basicAuth() {
        return "Basic " + Base64.getEncoder().encodeToString((properties.accountSid() + ":" + properties.authToken())
                .getBytes(StandardCharsets.UTF_8));
    }

    /** The form: {@code To}, {@code From} or {@code MessagingServiceSid}, {@code Body}, {@code StatusCallback}. */
    String form(String phone, String text) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("To", phone);
        if (!blank(properties.messagingServiceSid())) {
            fields.put("MessagingServiceSid", properties.messagingServiceSid());
        } else {
            fields.put("From", properties.from());
        }
        fields.put("Body", text);
        fields.put("StatusCallback", properties.publicBase(web) + SmsWebhooksController.STATUS);
        return fields.entrySet().stream().map(field -> URLEncoder.encode(field.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(field.getValue() == null ? "" : field.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
