package io.stageflow.events;

import java.util.List;

import org.springframework.stereotype.Component;

/**
 * How other features record an event Stageflow observes itself (a survey answer clicked in an email), with the
 * same guarantees as a posted one: durable when this returns, deduplicated by messageId, routed to journeys.
 */
@Component
public class ObservedEvents {

    private final EventIngestion ingestion;

    ObservedEvents(EventIngestion ingestion) {
        this.ingestion = ingestion;
    }

    /** False when an event with this messageId was recorded before; nothing changes then. */
    public boolean record(IncomingEvent event) {
        return ingestion.record(event);
    }

    /** {@link #record} for several events, with one batch insert; for each, whether it was new. */
    public boolean[] recordAll(List<IncomingEvent> events) {
        return events.isEmpty() ? new boolean[0] : ingestion.recordAll(events);
    }
}
