package io.stageflow.events;

import java.time.Clock;
import java.util.List;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * What operators do about events that failed routing for good: see how many there are (the gauge
 * {@code stageflow.events.dead_lettered}), list them, and send one back to the router once its cause is fixed.
 */
@Service
class DeadLetters {

    static final String GAUGE = "stageflow.events.dead_lettered";

    private final EventStore store;
    private final ApplicationEventPublisher publisher;
    private final Clock clock;

    DeadLetters(EventStore store, ApplicationEventPublisher publisher, Clock clock, MeterRegistry meters) {
        this.store = store;
        this.publisher = publisher;
        this.clock = clock;
        Gauge.builder(GAUGE, store, EventStore::countDeadLettered)
                .description("Events whose routing failed for good and that wait for an operator")
                .register(meters);
    }

    List<StoredEvent> list(long afterId, int limit) {
        return store.findDeadLettered(afterId, limit);
    }

    /** Routes the event again, as soon as this transaction commits; false when it is not dead-lettered. */
    @Transactional
    boolean retry(String messageId, String operator) {
        boolean requeued = store.requeueDeadLettered(messageId, clock.instant(), "Retry requested by " + operator);
        if (requeued) {
            publisher.publishEvent(new EventsAccepted(1)); // wakes the router after commit
        }
        return requeued;
    }
}
