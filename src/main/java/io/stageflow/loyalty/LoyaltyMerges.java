package io.stageflow.loyalty;

import java.util.Set;

import io.stageflow.events.IntakeEffect;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Moves a visitor's points to the customer a Segment {@code alias} folds them into, in the alias's transaction
 * ({@link Loyalty#merge}). It records no event type of its own.
 */
@Component
class LoyaltyMerges implements IntakeEffect {

    /** Looked up when an alias comes: Loyalty records through ObservedEvents, which needs the intake effects. */
    private final ObjectProvider<Loyalty> loyalty;

    LoyaltyMerges(ObjectProvider<Loyalty> loyalty) {
        this.loyalty = loyalty;
    }

    @Override
    public Set<String> eventTypes() {
        return Set.of();
    }

    @Override
    public void accepted(AcceptedEvent event) {
        // no event type of its own
    }

    @Override
    public void customerMerged(String fromId, String intoId) {
        loyalty.getObject().merge(fromId, intoId);
    }
}
