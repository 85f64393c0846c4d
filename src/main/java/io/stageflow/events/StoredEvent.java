package io.stageflow.events;

import java.time.Instant;
import java.util.Map;

/** An accepted event as the router sees it. */
public record StoredEvent(
        long id,
        String messageId,
        String type,
        String customerId,
        Instant occurredAt,
        Instant receivedAt,
        Map<String, Object> properties,
        EventStatus status,
        int attempts,
        String outcome) {
}
