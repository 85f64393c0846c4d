package io.stageflow.events;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * A feature's own record of some event types, written when the event is accepted: in the transaction that stores it,
 * so that the API's 2xx means the feature's rows are on disk too (order lines and carts, in orders). Unlike an
 * {@link EventEffect}, which runs later when the router routes the event, an intake effect sees each messageId once:
 * a redelivered event is a duplicate and reaches no intake effect. Intake effects run for events posted to
 * {@code /api/v1/events}, to Segment's tracking API and observed by Stageflow itself, in the order they are accepted
 * and in ascending Spring {@link org.springframework.core.annotation.Order @Order} of their bean class. They must be
 * quick (they run on the request) and must not throw for what an event holds: intake has checked it
 * ({@code StrictIntake}); anything that throws fails the whole request, which stores nothing.
 */
public interface IntakeEffect {

    /** The event types this effect records, by their exact name; fixed for the life of the application. */
    Set<String> eventTypes();

    /** Records one newly accepted event of its types, in the intake transaction. */
    void accepted(AcceptedEvent event);

    /**
     * The profile {@code fromId} (an anonymous visitor) was folded into {@code intoId} by a Segment {@code alias}
     * call, in this transaction; the events went with it, and the feature's rows should too. Nothing by default.
     */
    default void customerMerged(String fromId, String intoId) {
    }

    /** An event as it was accepted; {@code occurredAt} is its timestamp, or when it was received. */
    record AcceptedEvent(String messageId, String type, String customerId, Instant occurredAt,
            Map<String, Object> properties) {

        /** The order this event is about: its {@code orderId} property, or Segment's {@code order_id}, or its messageId. */
        public String orderId() {
            return EventProperties.orderId(properties, messageId);
        }
    }
}
