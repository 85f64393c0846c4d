package io.stageflow.journeys;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.stageflow.delivery.DeliveryProperties;
import io.stageflow.delivery.SendingWindow;

/**
 * The delivery gate's pacing rules ({@code io.stageflow.delivery.Pacing}, package-private there) ported for a
 * simulation, over simulated send times kept in memory instead of the outbox: at most
 * {@code stageflow.delivery.pacing.marketing-per-day} marketing emails in any 24 hours and {@code marketing-per-week}
 * in any 7 days per customer, then the configured {@link SendingWindow} (the quiet hours bean itself) in the
 * customer's time zone; transactional email is exempt, and {@code on-limit} says whether a held-back send is deferred
 * or skipped. Only the simulated journey's own emails count: the emails other journeys would send in the same days
 * are not simulated, so the live cap can only be fuller than this one.
 */
final class SimulatedPacing {

    private static final Duration DAY = Duration.ofDays(1);
    private static final Duration WEEK = Duration.ofDays(7);

    private final DeliveryProperties.Pacing limits;
    private final SendingWindow window;
    private final Map<String, List<Instant>> sent = new HashMap<>();

    SimulatedPacing(DeliveryProperties.Pacing limits, SendingWindow window) {
        this.limits = limits;
        this.window = window;
    }

    /** What delivery would do with a marketing email queued at {@code at}: send it then or later, or skip it. */
    Decision decide(String customerId, ZoneId zone, boolean quietHours, Instant at) {
        List<Instant> recent = sent.computeIfAbsent(customerId, id -> new ArrayList<>());
        recent.removeIf(time -> time.isBefore(at.minus(WEEK)));
        Instant byCap = later(at, later(freeSlot(recent, at, DAY, limits.marketingPerDay()),
                freeSlot(recent, at, WEEK, limits.marketingPerWeek())));
        Instant allowed = quietHours ? window.nextAllowed(byCap, zone) : byCap;
        List<String> reasons = new ArrayList<>();
        if (byCap.isAfter(at)) {
            reasons.add("frequency cap (" + limits.marketingPerDay() + " a day, " + limits.marketingPerWeek() + " a week)");
        }
        if (allowed.isAfter(byCap)) {
            reasons.add(window.describe() + " in " + zone);
        }
        String reason = reasons.isEmpty() ? null : String.join(" and ", reasons);
        if (!allowed.isAfter(at)) {
            stamp(recent, at);
            return new Decision("sent", at, null);
        }
        if (limits.onLimit() == DeliveryProperties.Pacing.OnLimit.SKIP) {
            return new Decision("skipped", null, reason);
        }
        stamp(recent, allowed);
        return new Decision("deferred", allowed, reason);
    }

    private static void stamp(List<Instant> recent, Instant at) {
        recent.add(at);
        recent.sort(null);
    }

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

    /** {@code sent}, {@code deferred} or {@code skipped}; when it would arrive (null: never); why not at once. */
    record Decision(String outcome, Instant arrivesAt, String reason) {
    }
}
