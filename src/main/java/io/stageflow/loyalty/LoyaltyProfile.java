package io.stageflow.loyalty;

import java.util.ArrayList;
import java.util.List;

import io.stageflow.customers.ProfileSection;

import org.springframework.stereotype.Component;

/**
 * The customer's loyalty on their console page: balance, tier (and since when), what the next tier takes, and the
 * latest changes of points with what caused them. Nothing for a customer who never had points.
 */
@Component
class LoyaltyProfile implements ProfileSection {

    private static final int LATEST = 10;

    private final Loyalty loyalty;
    private final PointsLedger ledger;

    LoyaltyProfile(Loyalty loyalty, PointsLedger ledger) {
        this.loyalty = loyalty;
        this.ledger = ledger;
    }

    @Override
    public String title() {
        return "Loyalty";
    }

    @Override
    public int order() {
        return 30;
    }

    @Override
    public List<Line> linesOf(String customerId) {
        List<Line> lines = new ArrayList<>();
        ledger.account(customerId).ifPresent(account -> {
            Loyalty.Status status = loyalty.status(customerId);
            lines.add(new Line("Balance", status.balance() + " points"));
            lines.add(new Line("Tier", status.tier() + " since " + account.tierSince() + ", " + status.windowPoints()
                    + " points in the tier window"));
            if (status.nextTier() != null) {
                lines.add(new Line("Next tier", status.nextTier() + ", " + status.pointsToNextTier()
                        + " points to go"));
            }
            for (PointsLedger.Entry row : ledger.page(customerId, 0, LATEST)) {
                lines.add(new Line((row.points() > 0 ? "+" : "") + row.points() + " points", row.kind() + ", "
                        + row.causeType() + " " + row.causeId() + (row.reason() == null ? "" : " (" + row.reason() + ")")
                        + ", " + row.occurredAt()));
            }
        });
        return lines;
    }
}
