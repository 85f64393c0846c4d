package io.stageflow.journeys;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import io.stageflow.events.EventStore;
import io.stageflow.events.StoredEvent;
import io.stageflow.support.Redaction;

import io.micrometer.core.instrument.MeterRegistry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Moves stored events into the engine, asynchronously and in batches, so ingestion never waits for journeys.
 * Each event is routed in one transaction together with its engine work: the event is marked routed exactly
 * when the journeys it started or advanced are committed. Transient failures are retried with backoff; an event
 * that fails for good is dead-lettered with the error, never silently dropped, and never blocks the customer's
 * later events for longer than its transient retries. A pass holds at most one event per customer (the oldest
 * pending), so its events are routed by {@code threads} threads at once: a journey start waits mostly on the
 * database, and one thread at a time fell behind 20 sign-ups a second on 2 cores.
 */
@Component
class TriggerRouter implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(TriggerRouter.class);

    private final EventStore events;
    private final EventRouting routing;
    private final JourneyModels models;
    private final TransactionTemplate transactions;
    private final JourneysProperties.Router settings;
    private final Clock clock;
    private final MeterRegistry meters;
    private final ExecutorService routers;

    TriggerRouter(EventStore events, EventRouting routing, JourneyModels models, TransactionTemplate transactions,
            JourneysProperties properties, Clock clock, MeterRegistry meters) {
        this.events = events;
        this.routing = routing;
        this.models = models;
        this.transactions = transactions;
        this.settings = properties.router();
        this.clock = clock;
        this.meters = meters;
        AtomicInteger number = new AtomicInteger();
        this.routers = settings.threads() == 1 ? null : Executors.newFixedThreadPool(settings.threads(), task -> {
            Thread thread = new Thread(task, "trigger-router-" + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Routes one batch of due events; how many there were (a full batch: more may be due). */
    int routeDueEvents() {
        List<EventStore.DueEvent> due = events.findDue(clock.instant(), settings.batchSize());
        if (!due.isEmpty()) {
            // Read after the batch was found: a journey deployed before its events were posted is in it.
            JourneyModels.Listening journeys = models.listening();
            Map<Boolean, List<Long>> actedOn = due.stream().collect(Collectors.partitioningBy(
                    event -> routing.actsOn(event.type(), journeys),
                    Collectors.mapping(EventStore.DueEvent::id, Collectors.toList())));
            routeInert(actedOn.get(false), journeys);
            routeAll(actedOn.get(true), journeys);
        }
        return due.size();
    }

    /** Routes each event in its own transaction, several at once; returns when all are done. */
    private void routeAll(List<Long> eventIds, JourneyModels.Listening journeys) {
        if (routers == null || eventIds.size() < 2) {
            eventIds.forEach(eventId -> routeOne(eventId, journeys));
            return;
        }
        List<Callable<Void>> routings = eventIds.stream().<Callable<Void>>map(eventId -> () -> {
            routeOne(eventId, journeys);
            return null;
        }).toList();
        try {
            for (Future<Void> routing : routers.invokeAll(routings)) {
                routing.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // stopping: what was not routed is still pending
        } catch (ExecutionException e) {
            throw new IllegalStateException("Routing failed outside its transaction", e.getCause());
        }
    }

    @Override
    public void destroy() {
        if (routers != null) {
            routers.shutdownNow();
        }
    }

    /**
     * Events nothing acts on are marked routed together, one statement for the batch instead of three and a
     * commit each. Should that fail (a deadlock with another node's router), they are routed one by one.
     */
    private void routeInert(List<Long> eventIds, JourneyModels.Listening journeys) {
        if (eventIds.isEmpty()) {
            return;
        }
        try {
            Integer marked = transactions.execute(tx -> events.markRoutedUnclaimed(eventIds, clock.instant(),
                    EventRouting.Result.NOTHING_ACTS_ON_IT.describe()));
            count("routed", marked);
        } catch (RuntimeException e) {
            log.debug("Marking {} events routed together failed; routing them one by one", eventIds.size(), e);
            eventIds.forEach(eventId -> routeOne(eventId, journeys));
        }
    }

    private void routeOne(long eventId, JourneyModels.Listening journeys) {
        try {
            transactions.executeWithoutResult(tx -> {
                Instant now = clock.instant();
                events.claim(eventId, now).ifPresent(event -> record(event, routing.route(event,
                        now.isBefore(event.receivedAt().plus(settings.awaitCatchFor())), journeys), now));
            });
        } catch (RuntimeException e) {
            transactions.executeWithoutResult(tx -> {
                Instant now = clock.instant();
                events.claim(eventId, now).ifPresent(event -> recordFailure(event, e, now));
            });
        }
    }

    /**
     * An event a journey is about to wait for is held back, for {@code await-catch-for} at most; after that it is
     * routed anyway (it may still start journeys), and marked unmatched for the wait it missed.
     */
    private void record(StoredEvent event, EventRouting.Result result, Instant now) {
        if (result.waitForCatch()) {
            events.holdUntil(event.id(), now.plus(settings.backoff(event.attempts() + 1)), result.describe());
            count("not_waiting_yet");
        } else if (result.missedCatch()) {
            count("unmatched");
            log.warn("Event {} ({}) unmatched: no journey reached its wait for it within {}", event.id(),
                    event.type(), settings.awaitCatchFor());
            events.markUnmatched(event.id(), now, result.describe() + " within " + settings.awaitCatchFor());
        } else {
            events.markRouted(event.id(), now, result.describe());
            count("routed");
            log.debug("Event {} ({}, customer {}) routed: {}", event.id(), event.type(), event.customerId(),
                    result.describe());
        }
    }

    /** Counts routing attempts by outcome (a rolled-back attempt is counted under its retry). */
    private void count(String outcome) {
        count(outcome, 1);
    }

    private void count(String outcome, int events) {
        meters.counter("stageflow.router.events", "outcome", outcome).increment(events);
    }

    /**
     * A failure that may pass by itself (a deadlock, a lost connection: {@link RoutingFailures}) is retried with
     * backoff, keeping the customer's order, until {@code max-attempts}. Anything else fails again the same way:
     * the event is dead-lettered at once, so the customer's later events are routed without waiting for it.
     */
    private void recordFailure(StoredEvent event, RuntimeException error, Instant now) {
        String reason = error.getClass().getSimpleName() + ": " + Redaction.redact(error.getMessage());
        int failures = event.routingFailures() + 1;
        boolean transientFailure = RoutingFailures.isTransient(error);
        if (transientFailure && failures < settings.maxAttempts()) {
            count("error_retried");
            log.warn("Event {} ({}) failed routing (failure {}); retrying: {}", event.id(), event.type(), failures,
                    reason);
            events.retryAfterFailureAt(event.id(), now.plus(settings.backoff(failures)), reason);
            return;
        }
        log.error("Event {} ({}) dead-lettered after {} failed attempt(s), {}: {}", event.id(), event.type(), failures,
                transientFailure ? "the last of its retries" : "a failure retrying cannot cure", reason);
        log.debug("Last routing failure of event {}", event.id(), error); // may quote data: debug only
        events.markDeadLettered(event.id(), now, reason);
        count("dead_lettered");
    }
}
