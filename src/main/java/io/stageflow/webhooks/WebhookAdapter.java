package io.stageflow.webhooks;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.stageflow.delivery.Channel;
import io.stageflow.delivery.ChannelAdapter;
import io.stageflow.delivery.ChannelConsent;
import io.stageflow.delivery.ChannelMessage;
import io.stageflow.delivery.ChannelPreview;
import io.stageflow.delivery.ChannelResult;
import io.stageflow.templates.InvalidSnippetException;
import io.stageflow.templates.TemplateRenderer;
import io.stageflow.web.InvalidInputException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.springframework.stereotype.Component;

/**
 * Calls a journey's webhook: renders the step's JSON body (a Velocity template in the sandbox) for the customer, checks
 * it is valid JSON, and POSTs it to the configured endpoint, signed as Standard Webhooks says ({@code webhook-id},
 * {@code webhook-timestamp}, {@code webhook-signature}). The id is the message's delivery id, the same on every attempt,
 * so a receiver can deduplicate a repeated call; which is also why a call whose answer was lost is safe to repeat.
 * 2xx is delivered (a chosen field of the answer can be kept as a journey variable); 408, 429, 5xx and network failures
 * are retried; 410 disables the endpoint; any other answer fails at once and becomes an incident. Redirects are not
 * followed.
 */
@Component
class WebhookAdapter implements ChannelAdapter {

    /** The step's settings. */
    static final String ENDPOINT = "endpoint";
    static final String BODY = "body";
    static final String RESPONSE_FIELD = "responseField";
    static final String RESULT_VARIABLE = "resultVariable";

    /** A JSON pointer into the answer ({@code /ticket/id}). */
    static final Pattern POINTER = Pattern.compile("(/[A-Za-z0-9_.~-]+)+");
    static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,59}");

    private static final int MAX_RESPONSE = 64 * 1024;

    private final WebhookEndpoints endpoints;
    private final TemplateRenderer templates;
    private final ObjectMapper json;
    private final Clock clock;
    private final WebhooksProperties settings;
    private final HttpClient http;

    WebhookAdapter(WebhookEndpoints endpoints, TemplateRenderer templates, ObjectMapper json, Clock clock,
            WebhooksProperties settings) {
        this.endpoints = endpoints;
        this.templates = templates;
        this.json = json;
        this.clock = clock;
        this.settings = settings;
        this.http = HttpClient.newBuilder().connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public Channel channel() {
        return Channel.WEBHOOK;
    }

    @Override
    public boolean keepsQuietHours() {
        return false; // a webhook calls a system, not a person
    }

    @Override
    public boolean safeToRepeat() {
        return true; // a repeat carries the same webhook-id
    }

    @Override
    public String problemWith(Map<String, String> step) {
        String problem = endpoints.problemWith(step.get(ENDPOINT));
        if (problem != null) {
            return "'" + ENDPOINT + "' " + problem;
        }
        String body = step.get(BODY);
        if (body == null || body.isBlank()) {
            return "'" + BODY + "' is empty: write the JSON to send, such as {\"email\": \"$customer.email\"}";
        }
        String label = "'" + BODY + "'";
        problem = templates.snippetProblem(label, body, rendered -> {
            String invalid = jsonProblem(rendered);
            return invalid == null ? null : "not valid JSON: " + invalid;
        });
        if (problem != null) {
            return problem;
        }
        String field = step.get(RESPONSE_FIELD);
        String variable = step.get(RESULT_VARIABLE);
        boolean hasField = field != null && !field.isBlank();
        boolean hasVariable = variable != null && !variable.isBlank();
        if (hasField != hasVariable) {
            return "'" + RESPONSE_FIELD + "' and '" + RESULT_VARIABLE + "' go together: set both to keep a field of"
                    + " the answer, or neither";
        }
        if (hasField && !POINTER.matcher(field.strip()).matches()) {
            return "'" + RESPONSE_FIELD + "' is '" + field + "'; write a JSON pointer such as /ticket/id";
        }
        if (hasVariable && !VARIABLE.matcher(variable.strip()).matches()) {
            return "'" + RESULT_VARIABLE + "' is '" + variable + "'; use a variable name: letters, digits and _";
        }
        return null;
    }

    private String jsonProblem(String rendered) {
        try {
            json.readTree(rendered);
            return null;
        } catch (JsonProcessingException e) {
            return e.getOriginalMessage() + " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")";
        }
    }

    @Override
    public ChannelConsent consent(ChannelMessage message) {
        return ChannelConsent.allowed(); // a call to the business's own systems; the step decides who gets one
    }

    @Override
    public ChannelPreview preview(ChannelMessage message) {
        String name = message.settings().get(ENDPOINT);
        WebhooksProperties.Endpoint endpoint = endpoints.find(name)
                .orElseThrow(() -> new InvalidInputException("settings." + ENDPOINT, "names endpoint '" + name
                        + "', which is not configured"));
        String body;
        try {
            body = templates.renderSnippet("'" + BODY + "'", message.settings().get(BODY), message.model());
        } catch (InvalidSnippetException e) {
            throw new InvalidInputException("settings." + BODY, e.getMessage());
        }
        String invalid = jsonProblem(body);
        if (invalid != null) {
            throw new InvalidInputException("settings." + BODY, "does not render valid JSON for this customer: "
                    + invalid);
        }
        String pretty;
        try {
            pretty = json.writerWithDefaultPrettyPrinter().writeValueAsString(json.readTree(body));
        } catch (JsonProcessingException e) {
            pretty = body;
        }
        boolean disabled = endpoints.disabled(name);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("url", endpoint.url().strip());
        details.put("headers", List.of("webhook-id", "webhook-timestamp", "webhook-signature"));
        details.put("signatures", endpoint.secrets().size());
        details.put("waitsForAnswer", message.settings().containsKey(RESULT_VARIABLE));
        return new ChannelPreview(channel().key(), name, pretty, !disabled,
                disabled ? "Endpoint '" + name + "' is disabled: it answered 410 Gone" : null, details);
    }

    @Override
    public ChannelResult deliver(ChannelMessage message) {
        String name = message.settings().get(ENDPOINT);
        WebhooksProperties.Endpoint endpoint = endpoints.find(name).orElse(null);
        if (endpoint == null) {
            return new ChannelResult.Failed("Endpoint '" + name + "' is not configured any more");
        }
        if (endpoints.disabled(name)) {
            return new ChannelResult.Unreachable("Endpoint '" + name + "' is disabled: it answered 410 Gone");
        }
        String body;
        try {
            body = templates.renderSnippet("'" + BODY + "' of step '" + message.stepId() + "'",
                    message.settings().get(BODY), message.model());
        } catch (InvalidSnippetException e) {
            return new ChannelResult.Failed(e.getMessage());
        }
        String invalid = jsonProblem(body);
        if (invalid != null) {
            return new ChannelResult.Failed("The body of step '" + message.stepId() + "' is not valid JSON for this"
                    + " customer: " + invalid);
        }
        URI url = URI.create(endpoint.url().strip());
        String refused = endpoints.addressProblem(url.getHost());
        if (refused != null) {
            return new ChannelResult.Failed("Endpoint '" + name + "' was not called: " + refused);
        }
        long timestamp = clock.instant().getEpochSecond();
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(settings.timeout())
                .header("Content-Type", "application/json")
                .header("User-Agent", "Stageflow-Webhooks")
                .header("webhook-id", message.deliveryId())
                .header("webhook-timestamp", Long.toString(timestamp))
                .header("webhook-signature", StandardWebhooks.signature(endpoint.secrets(), message.deliveryId(),
                        timestamp, body))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpConnectTimeoutException | ConnectException notConnected) {
            return new ChannelResult.Retry("Endpoint '" + name + "' could not be reached: " + notConnected, null);
        } catch (HttpTimeoutException timedOut) {
            return new ChannelResult.Unknown("Endpoint '" + name + "' did not answer within " + settings.timeout());
        } catch (IOException broken) {
            return new ChannelResult.Unknown("The call to endpoint '" + name + "' broke off: " + broken);
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
            return new ChannelResult.Unknown("The node stopped during the call to endpoint '" + name + "'");
        }
        return answer(name, message, response);
    }

    private ChannelResult answer(String name, ChannelMessage message, HttpResponse<String> response) {
        int status = response.statusCode();
        String said = "Endpoint '" + name + "' answered " + status + excerpt(response.body());
        if (status >= 200 && status < 300) {
            return new ChannelResult.Delivered(null, name, "HTTP " + status, kept(message, response.body()));
        }
        if (status == 408 || status == 429 || status >= 500) {
            return new ChannelResult.Retry(said, ChannelResult.Retry.after(response.headers(), clock.instant()));
        }
        if (status == 410) {
            endpoints.disable(name, said);
            return new ChannelResult.Unreachable(said + "; the endpoint is disabled until an operator enables it");
        }
        return new ChannelResult.Failed(said);
    }

    /** What the step keeps of the answer: {@code resultVariable} set to the field at {@code responseField}. */
    private Map<String, Object> kept(ChannelMessage message, String body) {
        String field = message.settings().get(RESPONSE_FIELD);
        String variable = message.settings().get(RESULT_VARIABLE);
        if (field == null || field.isBlank() || variable == null || variable.isBlank()) {
            return Map.of();
        }
        Map<String, Object> kept = new HashMap<>();
        try {
            JsonNode found = json.readTree(body == null || body.length() > MAX_RESPONSE ? "null" : body)
                    .at(field.strip());
            kept.put(variable.strip(), found.isMissingNode() || found.isNull() ? null
                    : found.isNumber() ? found.numberValue() : found.isBoolean() ? found.booleanValue()
                    : found.isTextual() ? found.textValue() : found.toString());
        } catch (JsonProcessingException notJson) {
            kept.put(variable.strip(), null);
        }
        return kept;
    }


    private static String excerpt(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String oneLine = body.strip().replaceAll("\\s+", " ");
        return ": " + (oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "…");
    }
}
