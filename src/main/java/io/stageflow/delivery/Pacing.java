package io.stageflow.delivery;

import java.time.Instant;
import java.time.ZoneId;

import org.springframework.stereotype.Component;

/**
 * Keeps marketing email humane: at most {@code per-day} in any 24 hours and {@code per-week} in any 7 days per
 * customer, and never in the recipient's quiet hours. Transactional email is exempt. A send that may not go now
 * is deferred to the first moment it may, and then sent once. The cap counts only sends of the email's own priority
 * band or a more urgent one ({@link SendPriority}): a broadcast never holds back a journey's email.
 */
@Component
class Pacing {

    private final OutboxStore outbox;
    private final PacingRule rule;

    Pacing(OutboxStore outbox, SendingWindow window, DeliveryProperties properties) {
        this.outbox = outbox;
        this.rule = PacingRule.of(properties.pacing(), window);
    }

    /**
     * Now, or when this customer may next receive marketing email, and why not before. Sends that passed this check
     * but are still in flight count (their {@code sent_at} is stamped when they pass), so call it under the
     * customer's lock and stamp the send in the same transaction.
     */
    PacingRule.Decision nextAllowed(String customerId, long exceptOutboxId, SendPriority priority, ZoneId zone,
            boolean quietHours, Instant now) {
        return rule.nextAllowed(outbox.marketingSendTimes(customerId, PacingRule.countsSince(now), exceptOutboxId,
                priority.capCountsUpTo()), zone, quietHours, now);
    }
}
