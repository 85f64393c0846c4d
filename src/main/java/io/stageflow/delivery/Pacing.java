package io.stageflow.delivery;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Collection;
import java.util.List;
import java.util.Map;

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
     * The marketing sends that count against these customers' caps now, by customer, read at once. Sends that passed
     * the check but are still in flight count (their {@code sent_at} is stamped when they pass), so read them under
     * the customers' locks and stamp the sends that pass in the same transaction.
     */
    Map<String, List<OutboxStore.MarketingSend>> recentSends(Collection<String> customerIds, Instant now) {
        return outbox.marketingSends(customerIds, PacingRule.countsSince(now));
    }

    /**
     * Now, or when the customer may next receive the marketing email of outbox row {@code outboxId}, and why not
     * before: over the customer's {@code recent} sends ({@link #recentSends}), leaving out the row itself and the
     * sends of less urgent priority bands.
     */
    PacingRule.Decision nextAllowed(List<OutboxStore.MarketingSend> recent, long outboxId, SendPriority priority,
            ZoneId zone, boolean quietHours, Instant now) {
        int upToRank = priority.capCountsUpTo();
        List<Instant> counted = recent.stream().filter(send -> send.outboxId() != outboxId && send.rank() <= upToRank)
                .map(OutboxStore.MarketingSend::sentAt).sorted().toList();
        return rule.nextAllowed(counted, zone, quietHours, now);
    }
}
