package io.stageflow.events;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.stageflow.events.EventIngestion.IngestReport;
import io.stageflow.events.EventIngestion.ItemResult;
import io.stageflow.security.IngestionRateLimiter;
import io.stageflow.security.WriteKey;
import io.stageflow.security.WriteKeys;
import io.stageflow.web.FieldViolation;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Segment's HTTP tracking API ({@code /v1/identify}, {@code track}, {@code page}, {@code screen}, {@code group},
 * {@code alias}, {@code batch}, and the one-letter paths analytics.js posts to: {@code /v1/i}, {@code t}, {@code p},
 * {@code s}, {@code g}, {@code a}, {@code b}), so an integration that already uses a Segment or RudderStack library
 * only changes its host. The body is JSON whatever its {@code Content-Type} (analytics.js sends {@code text/plain}),
 * gzip-compressed or not (RudderStack's default). Authenticated by a write key, as HTTP Basic user with an empty
 * password or as {@code writeKey} in the body. As Segment does, it answers {@code 200} once every valid message is
 * stored, listing the invalid ones by field; {@code 400} only for a body that is not JSON, too large, or not a
 * message or batch at all. A browser key may not alias ({@code 403}); its identify and group calls for known
 * customers are answered {@code 200} but listed as ignored; its answers carry CORS headers for the configured
 * origins ({@link TrackingApiCors}), a server key's never do.
 */
@RestController
@RequestMapping("/v1")
class TrackingApiController {

    /** Segment's limit of messages in one batch request. */
    static final int MAX_BATCH_MESSAGES = 2500;

    private final TrackingApiIngestion ingestion;
    private final WriteKeys writeKeys;
    private final IngestionRateLimiter rateLimiter;
    private final ObjectMapper objectMapper;
    private final TrackingApiCors cors;

    TrackingApiController(TrackingApiIngestion ingestion, WriteKeys writeKeys, IngestionRateLimiter rateLimiter,
            ObjectMapper objectMapper, TrackingApiCors cors) {
        this.ingestion = ingestion;
        this.writeKeys = writeKeys;
        this.rateLimiter = rateLimiter;
        this.objectMapper = objectMapper;
        this.cors = cors;
    }

    @PostMapping("/{type:identify|track|page|screen|group|alias|i|t|p|s|g|a}")
    ResponseEntity<?> single(@PathVariable String type, HttpServletRequest request) {
        JsonNode message = json(request);
        if (!message.isObject()) {
            return ResponseEntity.badRequest().body(invalidBody("", "must be one message object", request));
        }
        return handle(List.of(message), typeOf(type), message, request);
    }

    @PostMapping({"/batch", "/b"})
    ResponseEntity<?> batch(HttpServletRequest request) {
        JsonNode envelope = json(request);
        JsonNode batch = envelope.path("batch");
        if (!batch.isArray() || batch.isEmpty()) {
            return ResponseEntity.badRequest().body(invalidBody("batch", "must be a non-empty array of messages",
                    request));
        }
        if (batch.size() > MAX_BATCH_MESSAGES) {
            return ResponseEntity.badRequest().body(invalidBody("batch", "holds " + batch.size()
                    + " messages; a batch may hold at most " + MAX_BATCH_MESSAGES + " (Segment's limit)", request));
        }
        List<JsonNode> calls = new ArrayList<>();
        batch.forEach(calls::add);
        return handle(calls, null, envelope, request);
    }

    /** analytics.js posts each call to the first letter of its type. */
    private static String typeOf(String path) {
        return switch (path) {
            case "i" -> "identify";
            case "t" -> "track";
            case "p" -> "page";
            case "s" -> "screen";
            case "g" -> "group";
            case "a" -> "alias";
            default -> path;
        };
    }

    /**
     * The body, read as JSON whatever its {@code Content-Type}: analytics.js sends {@code text/plain} (no CORS
     * preflight for it), RudderStack's Node SDK {@code application/x-www-form-urlencoded} (axios's default for its
     * gzip bytes), so it is read from the stream as it is, never as form parameters.
     */
    private JsonNode json(HttpServletRequest request) {
        try {
            byte[] body = request.getInputStream().readAllBytes();
            if (body.length == 0) {
                throw new HttpMessageNotReadableException("The body is missing", new ServletServerHttpRequest(request));
            }
            return objectMapper.readTree(body);
        } catch (JsonProcessingException e) {
            throw new HttpMessageNotReadableException("The body is not valid JSON", e,
                    new ServletServerHttpRequest(request));
        } catch (IOException e) {
            throw new HttpMessageNotReadableException("The body cannot be read", e,
                    new ServletServerHttpRequest(request));
        }
    }

    private ResponseEntity<?> handle(List<JsonNode> calls, String type, JsonNode envelope, HttpServletRequest request) {
        Optional<WriteKey> key = writeKey(request, envelope, calls).flatMap(writeKeys::authenticate);
        if (key.isEmpty()) {
            return ResponseEntity.status(HttpStatus.UNAUTHORIZED)
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"Stageflow ingestion\"")
                    .body(problem(HttpStatus.UNAUTHORIZED, "Write key required",
                            "Send a valid write key as the HTTP Basic user name (empty password) or as writeKey in the body",
                            request));
        }
        WriteKey.Kind kind = key.get().kind();
        HttpHeaders headers = cors.headersFor(kind, request);
        if ("alias".equals(type) && kind == WriteKey.Kind.BROWSER) {
            return ResponseEntity.status(HttpStatus.FORBIDDEN).headers(headers).body(problem(HttpStatus.FORBIDDEN,
                    "Forbidden", "A browser write key cannot alias: merging profiles needs a server write key", request));
        }
        IngestionRateLimiter.Decision decision = rateLimiter.tryAcquire(key.get().id(), calls.size());
        if (!decision.allowed()) {
            ResponseEntity<ProblemDetail> refused = decision.tooManyRequests();
            return ResponseEntity.status(refused.getStatusCode()).headers(refused.getHeaders()).headers(headers)
                    .body(refused.getBody());
        }
        IngestReport report = ingestion.ingest(calls, type, envelope, kind);
        long ignored = report.count(ItemResult.Status.IGNORED);
        long rejected = report.count(ItemResult.Status.REJECTED);
        if (rejected == 0 && ignored == 0) {
            return ResponseEntity.ok().headers(headers).body(Map.of("success", true));
        }
        // 200 even so, as Segment answers: its libraries retry a batch answered 400 forever, and nothing in a resend
        // would be better. The valid messages are stored; the answer says which were not and why.
        List<EventController.ItemView> results = report.results().stream().map(EventController.ItemView::of).toList();
        String detail = rejected == 0
                ? "A browser write key cannot change a known customer; the ignored calls changed nothing"
                : rejected + " of " + calls.size() + " messages rejected (see errors); the others were stored"
                        + (ignored == 0 ? "" : ", or ignored: a browser write key cannot change a known customer");
        return ResponseEntity.ok().headers(headers).body(new Outcome(rejected == 0, rejected == 0 ? null : rejected,
                ignored == 0 ? null : ignored, detail, rejected == 0 ? null : report.violations(), results));
    }

    /**
     * The answer when a message was rejected or ignored: {@code success} is false when any was rejected;
     * {@code errors} names each invalid field, {@code results} says what became of each message.
     */
    record Outcome(boolean success, Long rejected, Long ignored, String detail, List<FieldViolation> errors,
            List<EventController.ItemView> results) {
    }

    private static Optional<String> writeKey(HttpServletRequest request, JsonNode envelope, List<JsonNode> calls) {
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String credentials = new String(Base64.getDecoder().decode(authorization.substring(6).strip()),
                        StandardCharsets.UTF_8);
                int colon = credentials.indexOf(':');
                return Optional.of(colon < 0 ? credentials : credentials.substring(0, colon));
            } catch (IllegalArgumentException notBase64) {
                return Optional.empty();
            }
        }
        JsonNode writeKey = envelope.path("writeKey");
        if (!writeKey.isTextual() && !calls.isEmpty()) {
            writeKey = calls.get(0).path("writeKey"); // analytics.js puts it in each message of its batches
        }
        return writeKey.isTextual() ? Optional.of(writeKey.asText()) : Optional.empty();
    }

    private static ProblemDetail invalidBody(String field, String message, HttpServletRequest request) {
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "Invalid request",
                "The body is not a message or a batch of messages; see errors.", request);
        problem.setProperty("errors", List.of(new FieldViolation(field, message)));
        return problem;
    }

    private static ProblemDetail problem(HttpStatus status, String title, String detail, HttpServletRequest request) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        problem.setInstance(URI.create(request.getRequestURI()));
        return problem;
    }
}
