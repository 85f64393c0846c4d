package io.stageflow.journeys;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.stageflow.delivery.DeliveryProperties;
import io.stageflow.delivery.PacingRule;
import io.stageflow.delivery.SendingWindow;

/**
 * The delivery gate's pacing rule ({@link PacingRule}) applied to a simulation's sends, kept in memory instead of
 * the outbox: at most
 * {@code stageflow.delivery.pacing.marketing-per-day} marketing emails in any 24 hours and {@code marketing-per-week}
 * in any 7 days per customer, then the configured {@link SendingWindow} (the quiet hours bean itself) in the
 * customer's time zone; transactional email is exempt, and {@code on-limit} says whether a held-back send is deferred
 * or skipped. Only the simulated journey's own emails count: the emails other journeys would send in the same days
 * are not simulated, so the live cap can only be fuller than this one.
 */
final class SimulatedPacing {

    private final DeliveryProperties.Pacing limits;
    private final PacingRule rule;
    private final Map<String, List<Instant>> sent = new HashMap<>();

    SimulatedPacing(DeliveryProperties.Pacing limits, SendingWindow window) {
        this.limits = limits;
        this.rule = PacingRule.of(limits, window);
    }

    /** What delivery would do with a marketing email queued at {@code at}: send it then or later, or skip it. */
    Decision decide(String customerId, ZoneId zone, boolean quietHours, Instant at) {
        List<Instant> recent = sent.computeIfAbsent(customerId, id -> new ArrayList<>());
        recent.removeIf(time -> time.isBefore(PacingRule.countsSince(at)));
        PacingRule.Decision decision = rule.nextAllowed(recent, zone, quietHours, at);
        if (!decision.allowedAt().isAfter(at)) {
            stamp(recent, at);
            return new Decision("sent", at, null);
        }
        if (limits.onLimit() == DeliveryProperties.Pacing.OnLimit.SKIP) {
            return new Decision("skipped", null, decision.reason());
        }
        stamp(recent, decision.allowedAt());
        return new Decision("deferred", decision.allowedAt(), decision.reason());
    }

    private static void stamp(List<Instant> recent, Instant at) {
        recent.add(at);
        recent.sort(null);
    }

    /** {@code sent}, {@code deferred} or {@code skipped}; when it would arrive (null: never); why not at once. */
    record Decision(String outcome, Instant arrivesAt, String reason) {
    }
}
