package io.stageflow.whatsapp;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.stageflow.customers.PhoneNumbers;
import io.stageflow.delivery.Channel;
import io.stageflow.delivery.ChannelAdapter;
import io.stageflow.delivery.ChannelConsent;
import io.stageflow.delivery.ChannelMessage;
import io.stageflow.delivery.ChannelPreview;
import io.stageflow.delivery.ChannelResult;
import io.stageflow.subscriptions.EmailCategory;
import io.stageflow.templates.InvalidSnippetException;
import io.stageflow.templates.TemplateRenderer;
import io.stageflow.web.InvalidInputException;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Sends the "Send WhatsApp" steps' template messages through Meta's WhatsApp Cloud API: one JSON POST to
 * {@code {base-url}/{api-version}/{phone-number-id}/messages} per message, with the system user's bearer token. Only
 * templates Meta approved can start a conversation, so a message is always a template, its body parameters rendered
 * from the step's Velocity snippets (one a line). The customer's number is their {@code phone} trait in E.164; a
 * marketing template needs the number opted in, and keeps quiet hours. A message is never sent twice: a request
 * whose answer is lost is {@code OUTCOME_UNKNOWN}. A number that is no WhatsApp user (131026) is marked unreachable;
 * one that stopped the business's marketing (131047, 131050) is opted out of marketing. Exists only with
 * {@code stageflow.whatsapp.enabled=true}.
 */
@Component
@ConditionalOnProperty(prefix = "stageflow.whatsapp", name = "enabled", havingValue = "true")
class WhatsAppCloudAdapter implements ChannelAdapter {

    /** The step setting naming the approved template. */
    static final String TEMPLATE = "template";
    /** The step setting holding the template's language code. */
    static final String LANGUAGE = "language";
    /** The step setting holding the body parameters, one Velocity snippet a line. */
    static final String PARAMETERS = "parameters";
    /** The Cloud API's error for a number that is no WhatsApp user, or cannot take the message. */
    static final int UNDELIVERABLE = 131026;
    /** The Cloud API's errors for a number that is outside the re-engagement window or stopped marketing messages. */
    static final Set<Integer> STOPPED_MARKETING = Set.of(131047, 131050);
    /** The Cloud API's error for a template that does not exist in that language. */
    static final int NO_SUCH_TEMPLATE = 132001;

    private final WhatsAppProperties properties;
    private final WhatsAppConsents consents;
    private final TemplateRenderer templates;
    private final ObjectMapper json;
    private final Clock clock;
    private final HttpClient http;

    WhatsAppCloudAdapter(WhatsAppProperties properties, WhatsAppConsents consents, TemplateRenderer templates,
            ObjectMapper json, Clock clock) {
        requireSet(properties.phoneNumberId(), "stageflow.whatsapp.phone-number-id");
        requireSet(properties.accessToken(), "stageflow.whatsapp.access-token");
        requireSet(properties.appSecret(), "stageflow.whatsapp.app-secret");
        this.properties = properties;
        this.consents = consents;
        this.templates = templates;
        this.json = json;
        this.clock = clock;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(properties.connectTimeout()).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    private static void requireSet(String value, String setting) {
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("WhatsApp is on (stageflow.whatsapp.enabled) but " + setting
                    + " is not set");
        }
    }

    @Override
    public Channel channel() {
        return Channel.WHATSAPP;
    }

    @Override
    public boolean keepsQuietHours() {
        return true;
    }

    @Override
    public boolean safeToRepeat() {
        return false;
    }

    /** The step's parameters, one a line, blank lines left out. */
    static List<String> parameters(String raw) {
        List<String> parameters = new ArrayList<>();
        if (raw != null) {
            for (String line : raw.split("\\R")) {
                if (!line.isBlank()) {
                    parameters.add(line.strip());
                }
            }
        }
        return parameters;
    }

    @Override
    public String problemWith(Map<String, String> settings) {
        String name = settings.get(TEMPLATE);
        if (name == null || name.isBlank()) {
            return "has no template: set its 'template' input (the name of a template Meta approved)";
        }
        name = name.strip();
        WhatsAppProperties.Template template = properties.templates().get(name);
        if (template == null) {
            return "names a template ('template') '" + name + "' that is not among the approved ones"
                    + " (stageflow.whatsapp.templates): " + (properties.templates().isEmpty() ? "none are configured"
                            : String.join(", ", new TreeSet<>(properties.templates().keySet())));
        }
        String language = settings.get(LANGUAGE) == null ? "" : settings.get(LANGUAGE).strip();
        if (language.isEmpty()) {
            return "has no language ('language'): set one of " + String.join(", ", template.languages());
        }
        if (!template.languages().contains(language)) {
            return "has a language ('language') '" + language + "' the template '" + name + "' was not approved in: "
                    + (template.languages().isEmpty() ? "it lists none" : String.join(", ", template.languages()));
        }
        List<String> parameters = parameters(settings.get(PARAMETERS));
        if (parameters.size() != template.parameters()) {
            return "has " + parameters.size() + " parameter" + (parameters.size() == 1 ? "" : "s") + " ('parameters')"
                    + " where the template '" + name + "' takes " + template.parameters() + " (one a line)";
        }
        for (int i = 0; i < parameters.size(); i++) {
            String problem = templates.snippetProblem(PARAMETERS, parameters.get(i));
            if (problem != null) {
                return "has a parameter " + (i + 1) + " ('parameters') that cannot be sent: " + problem;
            }
        }
        return null;
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
        String name = message.settings().getOrDefault(TEMPLATE, "").strip();
        String body;
        try {
            body = body(phone, name, message.settings().getOrDefault(LANGUAGE, "").strip(),
                    parameters(message.settings().get(PARAMETERS)), message.model());
            body = json.writerWithDefaultPrettyPrinter().writeValueAsString(json.readTree(body));
        } catch (InvalidSnippetException e) {
            throw new InvalidInputException("settings." + PARAMETERS, e.getMessage());
        } catch (IOException e) {
            throw new IllegalStateException("The WhatsApp request is not JSON", e);
        }
        String blocked = consents.blockingReason(phone, message.category());
        return new ChannelPreview(channel().key(), phone, body, blocked == null, blocked,
                Map.of("template", name, "language", message.settings().getOrDefault(LANGUAGE, "").strip()));
    }

    @Override
    public ChannelResult deliver(ChannelMessage message) {
        String phone = message.customer().traits().get("phone").toString().strip();
        String name = message.settings().getOrDefault(TEMPLATE, "").strip();
        String body;
        try {
            body = body(phone, name, message.settings().getOrDefault(LANGUAGE, "").strip(),
                    parameters(message.settings().get(PARAMETERS)), message.model());
        } catch (InvalidSnippetException e) {
            return new ChannelResult.Failed("A parameter of the WhatsApp template cannot be rendered: "
                    + e.getMessage());
        }
        HttpRequest request = HttpRequest.newBuilder(messagesUri())
                .timeout(properties.readTimeout())
                .header("Authorization", "Bearer " + properties.accessToken())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpConnectTimeoutException | ConnectException e) {
            return new ChannelResult.Retry("The WhatsApp Cloud API cannot be reached: " + e, null);
        } catch (HttpTimeoutException e) {
            return new ChannelResult.Unknown("The WhatsApp Cloud API did not answer within "
                    + properties.readTimeout());
        } catch (IOException e) {
            if (e.getCause() instanceof UnresolvedAddressException || e.getCause() instanceof ConnectException) {
                return new ChannelResult.Retry("The WhatsApp Cloud API cannot be reached: " + e, null);
            }
            return new ChannelResult.Unknown("The connection to the WhatsApp Cloud API broke: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ChannelResult.Unknown("Interrupted while the WhatsApp Cloud API was answering");
        }
        return outcome(response, phone, name, message.category());
    }

    /** The Cloud API's template message, its body parameters rendered for the customer. */
    String body(String phone, String name, String language, List<String> parameters, Map<String, Object> model) {
        ObjectNode root = json.createObjectNode();
        root.put("messaging_product", "whatsapp");
        root.put("recipient_type", "individual");
        root.put("to", phone.startsWith("+") ? phone.substring(1) : phone);
        root.put("type", "template");
        ObjectNode template = root.putObject("template");
        template.put("name", name);
        template.putObject("language").put("code", language);
        if (!parameters.isEmpty()) {
            ObjectNode component = template.putArray("components").addObject();
            component.put("type", "body");
            ArrayNode values = component.putArray("parameters");
            for (String parameter : parameters) {
                values.addObject().put("type", "text").put("text", templates.renderSnippet(PARAMETERS, parameter,
                        model));
            }
        }
        try {
            return json.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private ChannelResult outcome(HttpResponse<String> response, String phone, String name, EmailCategory category) {
        int status = response.statusCode();
        JsonNode body = parse(response.body());
        if (status >= 200 && status < 300) {
            String id = body.path("messages").path(0).path("id").asText(null);
            return new ChannelResult.Delivered(id, phone, "template " + name, Map.of());
        }
        JsonNode error = body.path("error");
        int code = error.path("code").asInt(0);
        String words = error.path("error_data").path("details").asText(error.path("message").asText(""));
        String reason = "The WhatsApp Cloud API answered " + status + (code == 0 ? "" : " (error " + code + ")")
                + (words.isBlank() ? "" : ": " + withoutNumbers(words));
        if (status == 429 || status >= 500) {
            return new ChannelResult.Retry(reason, ChannelResult.Retry.after(response.headers(), clock.instant()));
        }
        if (code == UNDELIVERABLE) {
            consents.markUnreachable(phone, "whatsapp:" + code);
            return new ChannelResult.Unreachable(reason);
        }
        if (STOPPED_MARKETING.contains(code)) {
            if (category == EmailCategory.MARKETING) {
                consents.optOut(phone, "whatsapp:" + code);
            }
            return new ChannelResult.Unreachable(reason);
        }
        return new ChannelResult.Failed(reason);
    }

    /** The Cloud API's words without the phone numbers they may quote: the reason is logged. */
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
        return URI.create(properties.apiBase() + "/"
                + URLEncoder.encode(properties.apiVersion(), StandardCharsets.UTF_8)
                + "/" + URLEncoder.encode(properties.phoneNumberId(), StandardCharsets.UTF_8) + "/messages");
    }
}
