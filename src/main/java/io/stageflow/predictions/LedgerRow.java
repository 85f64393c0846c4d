package io.stageflow.predictions;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;

/**
 * One customer's orders in the modelled currency as the ledger's aggregation gives them: how many, the first and the
 * last, and their total in cents.
 */
record LedgerRow(String customerId, long orders, Instant first, Instant last, long totalCents) {

    /**
     * The orders of {@code sf_order} a run counts: those in the modelled currency (first parameter) up to the scoring
     * instant (second). A customer with none has no scores.
     */
    static final String COUNTED_ORDERS = "currency = ? and ordered_at <= ?";

    /** The ledger's orders grouped by customer, up to the scoring instant, in one streaming query. */
    static final String AGGREGATION = "select customer_id, count(*) as orders, min(ordered_at) as first_at,"
            + " max(ordered_at) as last_at, sum(amount_cents) as total_cents from sf_order"
            + " where " + COUNTED_ORDERS + " group by customer_id order by customer_id";

    private static final double WEEK_MILLIS = Duration.ofDays(7).toMillis();

    static LedgerRow map(ResultSet rs, int row) throws SQLException {
        return new LedgerRow(rs.getString(1), rs.getLong(2), rs.getTimestamp(3).toInstant(),
                rs.getTimestamp(4).toInstant(), rs.getLong(5));
    }

    /** The history as the models read it, as of {@code asOf}: weeks, amounts in the currency's units. */
    CustomerHistory history(Instant asOf) {
        int x = (int) Math.min(Integer.MAX_VALUE, orders - 1);
        double tx = x == 0 ? 0 : weeks(first, last);
        double age = Math.max(tx, weeks(first, asOf));
        return new CustomerHistory(x, tx, age, totalCents / 100.0 / orders);
    }

    /** Days from the last order to {@code asOf}: what RFM's recency ranks (fewer is more recent). */
    double daysSinceLast(Instant asOf) {
        return Math.max(0, Duration.between(last, asOf).toMillis() / 86_400_000.0);
    }

    private static double weeks(Instant from, Instant to) {
        return Math.max(0, (to.toEpochMilli() - from.toEpochMilli()) / WEEK_MILLIS);
    }
}
