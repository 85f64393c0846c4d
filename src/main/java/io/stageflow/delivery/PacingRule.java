package io.stageflow.delivery;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * The pacing rule itself, over one customer's recent marketing sends: at most {@code perDay} in any 24 hours and
 * {@code perWeek} in any 7 days, then the sending window (quiet hours) in the customer's time zone. The cap is applied
 * first: moving later only ever frees it up, so the quiet hours after it cannot make it full again. The delivery gate
 * applies it to the outbox's sends ({@link Pacing}); a journey simulation to the sends it simulates.
 */
public record PacingRule(int perDay, int perWeek, SendingWindow window) {

    private static final Duration DAY = Duration.ofDays(1);
    private static final Duration WEEK = Duration.ofDays(7);

    /** The rule as configured ({@code stageflow.delivery.pacing.*}) with this sending window. */
    public static PacingRule of(DeliveryProperties.Pacing limits, SendingWindow window) {
        return new PacingRule(limits.marketingPerDay(), limits.marketingPerWeek(), window);
    }

    /**
     * Now, or when the customer may next receive marketing email, and why not before.
     *
     * @param recent the customer's marketing sends of the last 7 days (a send stamped a moment after {@code now}, by
     *               another node, counts as well), oldest first
     */
    public Decision nextAllowed(List<Instant> recent, ZoneId zone, boolean quietHours, Instant now) {
        Instant byCap = later(now, later(freeSlot(recent, now, DAY, perDay), freeSlot(recent, now, WEEK, perWeek)));
        Instant allowed = quietHours ? window.nextAllowed(byCap, zone) : byCap;
        List<String> reasons = new ArrayList<>();
        if (byCap.isAfter(now)) {
            reasons.add("frequency cap (" + perDay + " a day, " + perWeek + " a week)");
        }
        if (allowed.isAfter(byCap)) {
            reasons.add(window.describe() + " in " + zone);
        }
        return new Decision(allowed, reasons.isEmpty() ? null : String.join(" and ", reasons));
    }

    /** Sends older than this no longer count. */
    public static Instant countsSince(Instant now) {
        return now.minus(WEEK);
    }

    /** The first moment at or after {@code at} when fewer than {@code limit} sends fall in the window before it. */
    private static Instant freeSlot(List<Instant> sent, Instant at, Duration window, int limit) {
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
    public record Decision(Instant allowedAt, String reason) {
    }
}
