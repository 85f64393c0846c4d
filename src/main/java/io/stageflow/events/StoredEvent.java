package io.stageflow.events;

import java.time.Instant;
import java.util.Map;

/**
 * An accepted event as the router sees it: {@code attempts} counts every routing attempt that ended (held back
 * because no journey waited for it yet, failed, or routed), {@code routingFailures} only the failed ones.
 */
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
        int routingFailures,
        String outcome) {
}
