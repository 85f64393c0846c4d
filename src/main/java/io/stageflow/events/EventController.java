package io.stageflow.events;

import java.net.URI;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.stageflow.events.EventIngestion.IngestReport;
import io.stageflow.events.EventIngestion.ItemResult;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * Where the business's systems post what their customers did. 202 means every accepted event is committed;
 * a 400 lists each bad field and still reports which events of the batch were accepted.
 */
@RestController
@RequestMapping("/api/v1/events")
class EventController {

    private final EventIngestion ingestion;
    private final EventStore store;

    EventController(EventIngestion ingestion, EventStore store) {
        this.ingestion = ingestion;
        this.store = store;
    }

    @PostMapping
    ResponseEntity<?> post(@RequestBody JsonNode body) {
        IngestReport report = ingestion.ingest(body);
        long accepted = report.count(ItemResult.Status.ACCEPTED);
        long duplicates = report.count(ItemResult.Status.DUPLICATE);
        List<Map<String, Object>> results = report.results().stream().map(EventController::describe).toList();
        if (report.violations().isEmpty()) {
            return ResponseEntity.accepted()
                    .body(Map.of("accepted", accepted, "duplicates", duplicates, "results", results));
        }
        long rejected = report.count(ItemResult.Status.REJECTED);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                rejected + " of " + results.size() + " events rejected; " + accepted + " accepted, "
                        + duplicates + " duplicates. Fix the fields listed in errors and post the rejected events again.");
        problem.setTitle("Invalid events");
        problem.setInstance(URI.create("/api/v1/events"));
        problem.setProperty("errors", report.violations());
        problem.setProperty("results", results);
        return ResponseEntity.badRequest().body(problem);
    }

    @GetMapping("/{messageId}")
    Map<String, Object> get(@PathVariable String messageId) {
        StoredEvent event = store.findByMessageId(messageId)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "No event with this messageId"));
        return Map.of(
                "messageId", event.messageId(),
                "type", event.type(),
                "customerId", event.customerId(),
                "timestamp", event.occurredAt(),
                "receivedAt", event.receivedAt(),
                "status", event.status().name().toLowerCase(),
                "attempts", event.attempts(),
                "outcome", event.outcome() == null ? "" : event.outcome());
    }

    private static Map<String, Object> describe(ItemResult result) {
        return result.messageId() == null
                ? Map.of("index", result.index(), "status", result.status().name().toLowerCase())
                : Map.of("index", result.index(), "messageId", result.messageId(),
                        "status", result.status().name().toLowerCase());
    }
}
