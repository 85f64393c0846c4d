package io.stageflow.events;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import io.stageflow.events.EventIngestion.IngestReport;
import io.stageflow.events.EventIngestion.ItemResult;
import io.stageflow.security.IngestionRateLimiter;
import io.stageflow.security.WriteKey;
import io.stageflow.security.WriteKeys;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Segment's HTTP tracking API ({@code /v1/identify}, {@code track}, {@code page}, {@code screen}, {@code alias},
 * {@code batch}), so an integration that already uses a Segment library only changes its host. Authenticated by
 * a write key, as HTTP Basic user with an empty password or as {@code writeKey} in the body. A browser key may not
 * alias ({@code 403}); its identify calls for known customers are answered {@code 200} but listed as ignored.
 */
@RestController
@RequestMapping("/v1")
class TrackingApiController {

    private final TrackingApiIngestion ingestion;
    private final WriteKeys writeKeys;
    private final IngestionRateLimiter rateLimiter;

    TrackingApiController(TrackingApiIngestion ingestion, WriteKeys writeKeys, IngestionRateLimiter rateLimiter) {
        this.ingestion = ingestion;
        this.writeKeys = writeKeys;
        this.rateLimiter = rateLimiter;
    }

    @PostMapping("/{type:identify|track|page|screen|alias}")
    ResponseEntity<?> single(@PathVariable String type, @RequestBody JsonNode body, HttpServletRequest request) {
        return handle(List.of(body), type, null, body, request);
    }

    @PostMapping("/batch")
    ResponseEntity<?> batch(@RequestBody JsonNode body, HttpServletRequest request) {
        JsonNode batch = body.path("batch");
        if (!batch.isArray() || batch.isEmpty()) {
            return ResponseEntity.badRequest().body(problem(HttpStatus.BAD_REQUEST, "Invalid batch",
                    "The body must hold a non-empty batch array", request));
        }
        List<JsonNode> calls = new ArrayList<>();
        batch.forEach(calls::add);
        return handle(calls, null, body.get("context"), body, request);
    }

    private ResponseEntity<?> handle(List<JsonNode> calls, String type, JsonNode sharedContext, JsonNode body,
            HttpServletRequest request) {
        Optional<WriteKey> key = writeKey(request, body).flatMap(writeKeys::authenticate);
        if (key.isEmpty()) {
            return ResponseEntity.status(HttpStatus.UNAUTHORIZED)
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"Stageflow ingestion\"")
                    .body(problem(HttpStatus.UNAUTHORIZED, "Write key required",
                            "Send a valid write key as the HTTP Basic user name (empty password) or as writeKey in the body",
                            request));
        }
        WriteKey.Kind kind = key.get().kind();
        if ("alias".equals(type) && kind == WriteKey.Kind.BROWSER) {
            return ResponseEntity.status(HttpStatus.FORBIDDEN).body(problem(HttpStatus.FORBIDDEN, "Forbidden",
                    "A browser write key cannot alias: merging profiles needs a server write key", request));
        }
        IngestionRateLimiter.Decision decision = rateLimiter.tryAcquire(key.get().id(), calls.size());
        if (!decision.allowed()) {
            return decision.tooManyRequests();
        }
        IngestReport report = ingestion.ingest(calls, type, sharedContext, kind);
        long ignored = report.count(ItemResult.Status.IGNORED);
        if (report.violations().isEmpty() && ignored == 0) {
            return ResponseEntity.ok(Map.of("success", true));
        }
        if (report.violations().isEmpty()) {
            // Still a success for Segment libraries, which retry a batch answered otherwise: nothing here can improve.
            return ResponseEntity.ok(new SuccessWithIgnored(true, ignored,
                    "A browser write key cannot change a known customer; the ignored identify calls changed nothing",
                    report.results().stream().map(EventController.ItemView::of).toList()));
        }
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "Invalid messages",
                report.count(ItemResult.Status.REJECTED) + " of " + calls.size()
                        + " messages rejected; the others were accepted. Fix the fields listed in errors.", request);
        problem.setProperty("errors", report.violations());
        problem.setProperty("results", report.results().stream().map(EventController.ItemView::of).toList());
        return ResponseEntity.badRequest().body(problem);
    }

    /** Segment's success answer, with the messages a browser key could not apply listed as {@code ignored}. */
    record SuccessWithIgnored(boolean success, long ignored, String detail, List<EventController.ItemView> results) {
    }

    private static Optional<String> writeKey(HttpServletRequest request, JsonNode body) {
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
        JsonNode writeKey = body.path("writeKey");
        return writeKey.isTextual() ? Optional.of(writeKey.asText()) : Optional.empty();
    }

    private static ProblemDetail problem(HttpStatus status, String title, String detail, HttpServletRequest request) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        problem.setInstance(URI.create(request.getRequestURI()));
        return problem;
    }
}
