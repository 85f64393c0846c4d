package io.stageflow.delivery;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

import org.springframework.stereotype.Component;

/**
 * Keeps marketing email humane: at most {@code per-day} in any 24 hours and {@code per-week} in any 7 days per
 * customer, and never in the recipient's quiet hours. Transactional email is exempt. A send that may not go now
 * is deferred to the first moment it may, and then sent once.
 */
@Component
class Pacing {

    private static final Duration DAY = Duration.ofDays(1);
    private static final Duration WEEK = Duration.ofDays(7);

    private final OutboxStore outbox;
    private final SendingWindow window;
    private final DeliveryProperties.Pacing limits;

    Pacing(OutboxStore outbox, SendingWindow window, DeliveryProperties properties) {
        this.outbox = outbox;
        this.window = window;
        this.limits = properties.pacing();
    }

    /**
     * Now, or when this customer may next receive marketing email, and why not before. Sends that passed this check
     * but are still in flight count (their {@code sent_at} is stamped when they pass), so call it under the
     * customer's lock and stamp the send in the same transaction. The cap is applied first:
     * moving later only ever frees it up, so the quiet hours after it cannot make it full again.
     */
    Decision nextAllowed(String customerId, long exceptOutboxId, ZoneId zone, boolean quietHours, Instant now) {
        List<Instant> recent = outbox.marketingSendTimes(customerId, now.minus(WEEK), exceptOutboxId);
        Instant byCap = capAllows(recent, now);
        Instant allowed = quietHours ? window.nextAllowed(byCap, zone) : byCap;
        List<String> reasons = new ArrayList<>();
        if (byCap.isAfter(now)) {
            reasons.add("frequency cap (" + limits.marketingPerDay() + " a day, " + limits.marketingPerWeek() + " a week)");
        }
        if (allowed.isAfter(byCap)) {
            reasons.add(window.describe() + " in " + zone);
        }
        return new Decision(allowed, reasons.isEmpty() ? null : String.join(" and ", reasons));
    }

    /** The first moment at or after {@code at} when neither the daily nor the weekly cap is full. */
    private Instant capAllows(List<Instant> sent, Instant at) {
        Instant allowed = at;
        allowed = later(allowed, freeSlot(sent, at, DAY, limits.marketingPerDay()));
        allowed = later(allowed, freeSlot(sent, at, WEEK, limits.marketingPerWeek()));
        return allowed;
    }

    private static Instant freeSlot(List<Instant> sent, Instant at, Duration window, int limit) {
        // A send stamped a moment after "at" (by another node) counts as well.
        List<Instant> inWindow = sent.stream().filter(s -> s.isAfter(at.minus(window))).toList();
        if (inWindow.size() < limit) {
            return at;
        }
        return inWindow.get(inWindow.size() - limit).plus(window);
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    /** When a marketing email may go, and the rule that held it back (null when it may go now). */
    record Decision(Instant allowedAt, String reason) {
    }
}
