package io.stageflow.events;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/** The {@link IntakeEffect}s, by the event type they record, applied to each newly accepted event. */
@Component
class IntakeEffects {

    private final List<IntakeEffect> all;
    private final Map<String, List<IntakeEffect>> byType = new HashMap<>();

    IntakeEffects(ObjectProvider<IntakeEffect> effects) {
        this.all = effects.orderedStream().toList();
        for (IntakeEffect effect : all) {
            effect.eventTypes().forEach(type -> byType.computeIfAbsent(type, t -> new ArrayList<>()).add(effect));
        }
    }

    /** Applies the effects of the event's type to an event just stored, in the caller's transaction. */
    void accepted(IncomingEvent event, Instant receivedAt) {
        List<IntakeEffect> effects = byType.get(event.type());
        if (effects == null) {
            return;
        }
        Instant occurredAt = event.timestamp() == null ? receivedAt : event.timestamp().toInstant();
        IntakeEffect.AcceptedEvent accepted = new IntakeEffect.AcceptedEvent(event.messageId(), event.type(),
                event.customerId(), occurredAt, event.properties() == null ? Map.of() : event.properties());
        effects.forEach(effect -> effect.accepted(accepted));
    }

    /** {@link #accepted(IncomingEvent, Instant)} for those of the events that {@code accepted} says are new. */
    void acceptedAll(List<IncomingEvent> events, boolean[] accepted, Instant receivedAt) {
        for (int i = 0; i < events.size(); i++) {
            if (accepted[i]) {
                accepted(events.get(i), receivedAt);
            }
        }
    }

    /** Tells every effect that a profile was folded into another. */
    void customerMerged(String fromId, String intoId) {
        all.forEach(effect -> effect.customerMerged(fromId, intoId));
    }
}
