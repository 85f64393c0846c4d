package io.stageflow.delivery;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

import io.stageflow.events.IncomingEvent;
import io.stageflow.events.ObservedEvents;

import org.springframework.stereotype.Component;

/**
 * Puts what became of an email into the customer's event stream, in the transaction of the outbox row's change:
 * {@code email_delivered} when the mail server accepted it, {@code email_bounced} when the recipient's server
 * refused it for good. Each is recorded once per email (its messageId names the row), so journeys and segments can
 * use them as they use posted events. Rows of erased customers record nothing.
 */
@Component
class DeliveryEvents {

    static final String EMAIL_DELIVERED = "email_delivered";
    static final String EMAIL_BOUNCED = "email_bounced";

    private final ObservedEvents events;

    DeliveryEvents(ObservedEvents events) {
        this.events = events;
    }

    /** Records the event of this change of the row, if it has one; in the caller's transaction. */
    void record(OutboxEntry entry, MessageFigure figure, Instant at) {
        String type = switch (figure) {
            case SENT -> EMAIL_DELIVERED;
            case BOUNCED -> EMAIL_BOUNCED;
            default -> null;
        };
        if (type == null || entry.customerId().startsWith("erased:")) {
            return;
        }
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("outboxId", entry.id());
        properties.put("template", entry.templateKey());
        if (entry.journeyKey() != null) {
            properties.put("journey", entry.journeyKey());
        }
        if (entry.stepId() != null) {
            properties.put("step", entry.stepId());
        }
        events.record(new IncomingEvent(type.replace('_', '-') + "-" + entry.id(), type, entry.customerId(),
                at.atOffset(ZoneOffset.UTC), properties));
    }
}
