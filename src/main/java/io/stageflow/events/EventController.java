package io.stageflow.events;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;

import io.stageflow.events.EventIngestion.IngestReport;
import io.stageflow.events.EventIngestion.ItemResult;
import io.stageflow.security.IngestionRateLimiter;
import io.stageflow.security.WriteKey;
import io.stageflow.web.InvalidInputException;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * Where the business's systems post what their customers did. 202 means every accepted event is committed;
 * a 400 lists each bad field and still reports which events of the batch were accepted.
 */
@RestController
@RequestMapping("/api/v1/events")
class EventController {

    private static final String DEAD_LETTERED = "dead_lettered";
    private static final int MAX_PAGE = 1000;

    private final EventIngestion ingestion;
    private final EventStore store;
    private final IngestionRateLimiter rateLimiter;
    private final DeadLetters deadLetters;

    EventController(EventIngestion ingestion, EventStore store, IngestionRateLimiter rateLimiter,
            DeadLetters deadLetters) {
        this.ingestion = ingestion;
        this.store = store;
        this.rateLimiter = rateLimiter;
        this.deadLetters = deadLetters;
    }

    @PostMapping
    ResponseEntity<?> post(@RequestBody JsonNode body, Authentication caller) {
        if (caller != null && caller.getPrincipal() instanceof WriteKey key) {
            IngestionRateLimiter.Decision decision = rateLimiter.tryAcquire(key.id(), body.isArray() ? body.size() : 1);
            if (!decision.allowed()) {
                return decision.tooManyRequests();
            }
        }
        IngestReport report = ingestion.ingest(body);
        long accepted = report.count(ItemResult.Status.ACCEPTED);
        long duplicates = report.count(ItemResult.Status.DUPLICATE);
        List<ItemView> results = report.results().stream().map(ItemView::of).toList();
        if (report.violations().isEmpty()) {
            return ResponseEntity.accepted().body(new Accepted(accepted, duplicates, results));
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

    /** Where an event stands: lets an integrator see that it was routed, and what it started. */
    @GetMapping("/{messageId}")
    EventView get(@PathVariable String messageId) {
        return EventView.of(find(messageId));
    }

    /**
     * Operators: the dead-lettered events, oldest first, {@code limit} at a time; {@code after} is the previous
     * page's {@code nextAfter}.
     */
    @GetMapping
    DeadLetterPage list(@RequestParam(required = false) String status,
            @RequestParam(defaultValue = "0") long after, @RequestParam(defaultValue = "100") int limit) {
        if (!DEAD_LETTERED.equals(status)) {
            throw new InvalidInputException("status", "must be dead_lettered: only dead-lettered events are listed");
        }
        if (limit < 1 || limit > MAX_PAGE) {
            throw new InvalidInputException("limit", "must be from 1 to " + MAX_PAGE);
        }
        List<StoredEvent> page = deadLetters.list(after, limit);
        return new DeadLetterPage(page.stream().map(EventView::of).toList(),
                page.size() < limit ? null : page.get(page.size() - 1).id());
    }

    /** Operators: routes a dead-lettered event again, after the cause of its failure was fixed. */
    @PostMapping("/{messageId}/retry")
    ResponseEntity<EventView> retry(@PathVariable String messageId, Authentication caller) {
        StoredEvent event = find(messageId);
        if (!deadLetters.retry(messageId, caller.getName())) {
            throw new ResponseStatusException(HttpStatus.CONFLICT, "The event is "
                    + event.status().name().toLowerCase(Locale.ROOT) + ", not dead_lettered; only those are retried");
        }
        return ResponseEntity.accepted().body(EventView.of(find(messageId)));
    }

    private StoredEvent find(String messageId) {
        return store.findByMessageId(messageId)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "No event with this messageId"));
    }

    record Accepted(long accepted, long duplicates, List<ItemView> results) {
    }

    record ItemView(int index, String messageId, String status) {

        static ItemView of(ItemResult result) {
            return new ItemView(result.index(), result.messageId(), result.status().name().toLowerCase(Locale.ROOT));
        }
    }

    record EventView(String messageId, String type, String customerId, Instant timestamp, Instant receivedAt,
            String status, int attempts, String outcome) {

        static EventView of(StoredEvent event) {
            return new EventView(event.messageId(), event.type(), event.customerId(), event.occurredAt(),
                    event.receivedAt(), event.status().name().toLowerCase(Locale.ROOT), event.attempts(),
                    event.outcome());
        }
    }

    /** One page of dead-lettered events; {@code nextAfter} is null on the last page. */
    record DeadLetterPage(List<EventView> events, Long nextAfter) {
    }
}
