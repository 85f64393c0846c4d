package io.stageflow.delivery;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.stageflow.events.IncomingEvent;
import io.stageflow.events.ObservedEvents;

import org.springframework.stereotype.Component;

/**
 * Puts what became of an email into the customer's event stream, in the transaction of the outbox row's change:
 * {@code email_delivered} when the mail server accepted it, {@code email_bounced} when the recipient's server
 * refused it for good, at sending or in a report that came back later ({@link DeliveryReports}); {@code email_unsubscribed} when the recipient unsubscribed by its link, and
 * {@code email_complained} when a feedback loop reported it as spam ({@link UnsubscribeCredit}). Each is recorded once per email (its messageId names the row), so journeys and segments can
 * use them as they use posted events. Rows of erased customers record nothing.
 */
@Component
class DeliveryEvents {

    static final String EMAIL_DELIVERED = "email_delivered";
    static final String EMAIL_BOUNCED = "email_bounced";
    static final String EMAIL_UNSUBSCRIBED = "email_unsubscribed";
    static final String EMAIL_COMPLAINED = "email_complained";

    private final ObservedEvents events;

    DeliveryEvents(ObservedEvents events) {
        this.events = events;
    }

    /** Records the event of this change of the row, if it has one; in the caller's transaction. */
    void record(OutboxEntry entry, MessageFigure figure, Instant at) {
        String type = typeOf(figure);
        if (type == null || entry.customerId().startsWith("erased:")) {
            return;
        }
        record(entry, type, at);
    }

    /** A change of an outbox row, to record as {@link #record} would. */
    record Change(OutboxEntry entry, MessageFigure figure, Instant at) {
    }

    /** Records the events of these changes (those that have one) at once, in the caller's transaction. */
    void recordAll(List<Change> changes) {
        List<IncomingEvent> recorded = new ArrayList<>();
        for (Change change : changes) {
            String type = typeOf(change.figure());
            if (type != null && !change.entry().customerId().startsWith("erased:")) {
                recorded.add(event(change.entry(), type, change.at(), Map.of()));
            }
        }
        events.recordAll(recorded);
    }

    /** Records {@code email_unsubscribed} for the email whose link was used; false when it was recorded before. */
    boolean recordUnsubscribed(OutboxEntry entry, Instant at) {
        return record(entry, EMAIL_UNSUBSCRIBED, at);
    }

    /** Records {@code email_complained} for the email reported as spam; false when it was recorded before. */
    boolean recordComplained(OutboxEntry entry, Instant at) {
        return record(entry, EMAIL_COMPLAINED, at);
    }

    /**
     * Records {@code email_bounced} for a sent email reported undeliverable later, with {@code bounce} {@code hard}
     * or {@code soft}; false when the email's bounce was recorded before (at sending, or by an earlier report).
     */
    boolean recordLateBounce(OutboxEntry entry, Instant at, boolean permanent) {
        return record(entry, EMAIL_BOUNCED, at, Map.of("bounce", permanent ? "hard" : "soft"));
    }

    private boolean record(OutboxEntry entry, String type, Instant at) {
        return record(entry, type, at, Map.of());
    }

    private static String typeOf(MessageFigure figure) {
        return switch (figure) {
            case SENT -> EMAIL_DELIVERED;
            case BOUNCED -> EMAIL_BOUNCED;
            default -> null;
        };
    }

    private boolean record(OutboxEntry entry, String type, Instant at, Map<String, Object> more) {
        return events.record(event(entry, type, at, more));
    }

    private static IncomingEvent event(OutboxEntry entry, String type, Instant at, Map<String, Object> more) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("outboxId", entry.id());
        properties.put("template", entry.templateKey());
        if (entry.journeyKey() != null) {
            properties.put("journey", entry.journeyKey());
        }
        if (entry.stepId() != null) {
            properties.put("step", entry.stepId());
        }
        properties.putAll(more);
        return new IncomingEvent(type.replace('_', '-') + "-" + entry.id(), type, entry.customerId(),
                at.atOffset(ZoneOffset.UTC), properties);
    }
}
