package io.stageflow.loyalty;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * What time does to points and tiers, run on {@code stageflow.loyalty.cron}: takes the points that have expired out of
 * the balances (and evaluates those customers' tiers again), then evaluates again the tier of the customers whose
 * ledger rows left the rolling window since the previous run, whom it may move down (or, for a refund that left it,
 * up). The first run after a start (or after the clock went back) evaluates every customer above the lowest tier
 * instead, as it does not know what the previous run saw. Each customer in a transaction of their own; running it
 * twice, or on two nodes at once, changes nothing more.
 */
@Component
class LoyaltyUpkeep {

    private static final Logger log = LoggerFactory.getLogger(LoyaltyUpkeep.class);
    private static final int BATCH = 500;

    private final Loyalty loyalty;
    private final PointsLedger ledger;
    private final LoyaltyProperties settings;
    private final Clock clock;
    /** The window start of the previous run on this node; null before the first. */
    private final AtomicReference<Instant> previousWindowStart = new AtomicReference<>();

    LoyaltyUpkeep(Loyalty loyalty, PointsLedger ledger, LoyaltyProperties settings, Clock clock) {
        this.loyalty = loyalty;
        this.ledger = ledger;
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * The number of customers whose points expired, of customers whose tier was looked at again (those, and those
     * whose rows left the window), and whether that was every customer above the lowest tier (no previous run to start from).
     */
    Result run() {
        Instant now = clock.instant();
        int expired = 0;
        if (!settings.pointsExpireAfter().isZero()) {
            List<String> due;
            do {
                due = ledger.customersWithPointsDue(now, BATCH);
                due.forEach(loyalty::reevaluate); // takes the expired points out, then looks at the tier
                expired += due.size();
            } while (due.size() == BATCH);
        }
        Instant windowStart = now.minus(settings.tierWindow());
        Instant previous = previousWindowStart.get();
        boolean everyone = previous == null || previous.isAfter(windowStart);
        String lowest = loyalty.tiers().lowest().name();
        int evaluated = expired; // their tiers were evaluated after their points expired
        String after = "";
        for (List<String> page = page(everyone, lowest, previous, windowStart, after); !page.isEmpty();
                page = page(everyone, lowest, previous, windowStart, after)) {
            page.forEach(loyalty::reevaluate);
            evaluated += page.size();
            after = page.get(page.size() - 1);
        }
        previousWindowStart.set(windowStart);
        return new Result(expired, evaluated, everyone);
    }

    private List<String> page(boolean everyone, String lowest, Instant previous, Instant windowStart, String after) {
        return everyone ? ledger.customersAbove(lowest, after, BATCH)
                : ledger.customersLeavingWindow(lowest, previous, windowStart, after, BATCH);
    }

    /** For the schedule: logs what it did, and a failure instead of throwing it at the scheduler. */
    void runScheduled() {
        try {
            Result result = run();
            log.info("Loyalty upkeep: points expired for {} customers, tiers evaluated for {}{}", result.expired(),
                    result.evaluated(), result.everyone() ? " (everyone above the lowest tier)" : "");
        } catch (RuntimeException e) {
            log.error("Loyalty upkeep failed; it runs again at the next time of stageflow.loyalty.cron", e);
        }
    }

    record Result(int expired, int evaluated, boolean everyone) {
    }
}
