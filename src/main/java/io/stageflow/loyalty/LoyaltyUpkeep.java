package io.stageflow.loyalty;

import java.time.Clock;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * What time does to points and tiers, run on {@code stageflow.loyalty.cron}: takes the points that have expired out of
 * the balances, then evaluates again the tier of every customer above the lowest, whom the rolling window may move
 * down. Each customer in a transaction of their own; running it twice, or on two nodes at once, changes nothing more.
 */
@Component
class LoyaltyUpkeep {

    private static final Logger log = LoggerFactory.getLogger(LoyaltyUpkeep.class);
    private static final int BATCH = 500;

    private final Loyalty loyalty;
    private final PointsLedger ledger;
    private final LoyaltyProperties settings;
    private final Clock clock;

    LoyaltyUpkeep(Loyalty loyalty, PointsLedger ledger, LoyaltyProperties settings, Clock clock) {
        this.loyalty = loyalty;
        this.ledger = ledger;
        this.settings = settings;
        this.clock = clock;
    }

    /** The number of customers whose points expired, and of customers whose tier was looked at again. */
    Result run() {
        int expired = 0;
        if (!settings.pointsExpireAfter().isZero()) {
            List<String> due;
            do {
                due = ledger.customersWithPointsDue(clock.instant(), BATCH);
                due.forEach(loyalty::expireDue);
                expired += due.size();
            } while (due.size() == BATCH);
        }
        int evaluated = 0;
        String after = "";
        String lowest = loyalty.tiers().lowest().name();
        for (List<String> page = ledger.customersAbove(lowest, after, BATCH); !page.isEmpty();
                page = ledger.customersAbove(lowest, after, BATCH)) {
            page.forEach(loyalty::reevaluate);
            evaluated += page.size();
            after = page.get(page.size() - 1);
        }
        return new Result(expired, evaluated);
    }

    /** For the schedule: logs what it did, and a failure instead of throwing it at the scheduler. */
    void runScheduled() {
        try {
            Result result = run();
            log.info("Loyalty upkeep: points expired for {} customers, tiers evaluated for {}", result.expired(),
                    result.evaluated());
        } catch (RuntimeException e) {
            log.error("Loyalty upkeep failed; it runs again at the next time of stageflow.loyalty.cron", e);
        }
    }

    record Result(int expired, int evaluated) {
    }
}
