package io.stageflow.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Talks to the running application over real HTTP, as an integrating system would. */
public final class StageflowClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newHttpClient();
    private final String baseUrl;
    private final String authorization;

    /** A client that sends these HTTP Basic credentials with every call, or none when {@code user} is null. */
    public StageflowClient(int port, String user, String password) {
        this.baseUrl = "http://127.0.0.1:" + port;
        this.authorization = user == null ? null : basic(user, password);
    }

    public static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    public Response putCustomer(String id, String json) {
        return send(request("/api/v1/customers/" + id).PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    public Response postEvents(String json) {
        return send(request("/api/v1/events").POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** Posts a body of unknown length (chunked transfer encoding), so no Content-Length check can refuse it early. */
    public Response postEventsChunked(Supplier<InputStream> body) {
        return send(request("/api/v1/events").POST(HttpRequest.BodyPublishers.ofInputStream(body)));
    }

    /** Posts to the Segment tracking API ({@code /v1/...}) with the write key as HTTP Basic user. */
    public Response postSegment(String path, String writeKey, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        if (writeKey != null) {
            request.header("Authorization", basic(writeKey, ""));
        }
        return send(request);
    }

    /** Issues a write key through the API and returns its secret. */
    public String newWriteKey(String name) {
        return issueWriteKey(name).path("key").asText();
    }

    /** Issues a write key through the API: {@code {"id", "key", "name"}}. */
    public JsonNode issueWriteKey(String name) {
        return send(request("/api/v1/write-keys").POST(HttpRequest.BodyPublishers.ofString(
                "{\"name\":\"" + name + "\"}"))).expectStatus(201).json();
    }

    /**
     * Posts a {@code multipart/form-data} request with one file part, streamed from disk; a null {@code file}
     * sends a form without a file part.
     */
    public Response postFile(String path, String partName, Path file) {
        String boundary = "----StageflowTestBoundary" + System.nanoTime();
        List<HttpRequest.BodyPublisher> parts = new ArrayList<>();
        if (file != null) {
            parts.add(HttpRequest.BodyPublishers.ofString("--" + boundary + "\r\n"
                    + "Content-Disposition: form-data; name=\"" + partName + "\"; filename=\"" + file.getFileName()
                    + "\"\r\nContent-Type: text/csv\r\n\r\n"));
            try {
                parts.add(HttpRequest.BodyPublishers.ofFile(file));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            parts.add(HttpRequest.BodyPublishers.ofString("\r\n"));
        } else {
            parts.add(HttpRequest.BodyPublishers.ofString("--" + boundary + "\r\n"
                    + "Content-Disposition: form-data; name=\"note\"\r\n\r\nno file\r\n"));
        }
        parts.add(HttpRequest.BodyPublishers.ofString("--" + boundary + "--\r\n"));
        return send(authorized(HttpRequest.newBuilder(URI.create(baseUrl + path)))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.concat(parts.toArray(HttpRequest.BodyPublisher[]::new))));
    }

    public Response post(String path) {
        return send(authorized(HttpRequest.newBuilder(URI.create(baseUrl + path))).POST(HttpRequest.BodyPublishers.noBody()));
    }

    public Response post(String path, String json) {
        return send(request(path).POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    public Response delete(String path) {
        return send(authorized(HttpRequest.newBuilder(URI.create(baseUrl + path))).DELETE());
    }

    public Response put(String path, String json) {
        return send(request(path).PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    public Response get(String path) {
        return send(authorized(HttpRequest.newBuilder(URI.create(baseUrl + path))).GET());
    }

    /** Sends any request with this client's credentials. */
    public Response send(HttpRequest.Builder request, boolean withCredentials) {
        return send(withCredentials ? authorized(request) : request);
    }

    public Response signUp(String customerId, String email, String firstName) {
        putCustomer(customerId, "{\"email\":\"%s\",\"firstName\":%s}".formatted(email, quoted(firstName)))
                .expectStatus(201);
        return postEvents(signupEvent(customerId)).expectStatus(202);
    }

    /**
     * Posts one batch of {@code signed_up} events, one for each customer, each with the message id
     * {@code signup-<customer id>} (so posting it again is a duplicate): what starts their welcome journey.
     */
    public Response postSignups(List<String> customerIds) {
        return postEvents(customerIds.stream().map(StageflowClient::signupEvent)
                .collect(java.util.stream.Collectors.joining(",", "[", "]")));
    }

    /** The customer's {@code signed_up} event, with the message id {@code signup-<customer id>}. */
    public static String signupEvent(String customerId) {
        return "{\"messageId\":\"signup-%s\",\"type\":\"signed_up\",\"customerId\":\"%s\"}"
                .formatted(customerId, customerId);
    }

    private static String quoted(String value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public URI uri(String path) {
        return URI.create(baseUrl + path);
    }

    private HttpRequest.Builder request(String path) {
        return authorized(HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Content-Type", "application/json"));
    }

    private HttpRequest.Builder authorized(HttpRequest.Builder request) {
        return authorization == null ? request : request.header("Authorization", authorization);
    }

    private Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse(""), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Status, content type and body of an answer. */
    public record Response(int status, String contentType, String body) {

        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("Not JSON: " + body, e);
            }
        }

        public Response expectStatus(int expected) {
            if (status != expected) {
                throw new AssertionError("Expected HTTP " + expected + " but got " + status + ": " + body);
            }
            return this;
        }
    }
}
