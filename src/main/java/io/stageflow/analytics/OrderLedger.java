package io.stageflow.analytics;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.stageflow.events.EventEffect;
import io.stageflow.support.Tallies;

import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Records each {@code order_completed} once in {@code sf_order}, for retention cohorts and lifetime value
 * (docs/analytics.md, "Cohorts and lifetime value"), and keeps the cohort tallies ({@link CohortFigures}) in step:
 * a customer's cohort is the month, in the reporting time zone, of their first order. The order's key is the
 * customer and the event's {@code orderId} (its messageId when it has none), so an event routed or posted again,
 * or a second event for the same order, counts once. Events of a customer are routed one at a time, in the order
 * they were accepted, but not necessarily in the order they happened: an order older than the customer's first moves
 * the customer, with every month they ordered in and all their revenue, to the earlier cohort. Amounts are kept per
 * currency and never added across currencies.
 */
@Component
@Order(EventEffect.ORDER_LEDGER)
class OrderLedger implements EventEffect {

    private final JdbcClient jdbc;
    private final Tallies tallies;
    private final AnalyticsProperties settings;

    OrderLedger(JdbcClient jdbc, Tallies tallies, AnalyticsProperties settings) {
        this.jdbc = jdbc;
        this.tallies = tallies;
        this.settings = settings;
    }

    @Override
    public Set<String> eventTypes() {
        return Set.of("order_completed");
    }

    @Override
    public void apply(RoutedEvent routed) {
        String customer = routed.customerId();
        String key = routed.orderKey();
        boolean recorded = jdbc.sql("select count(*) from sf_order where order_key = ?").param(key)
                .query(Long.class).single() > 0;
        if (recorded) {
            return;
        }
        Instant orderedAt = routed.event().occurredAt();
        YearMonth month = YearMonth.from(orderedAt.atZone(settings.timeZone()));
        String currency = routed.orderCurrency(settings.attribution().defaultCurrency());
        long cents = routed.orderAmount().movePointRight(2).longValueExact();

        YearMonth cohort = cohortAfter(customer, orderedAt, month);
        boolean newMonth = jdbc.sql("select count(*) from sf_order_month where customer_id = ? and order_month = ?")
                .params(customer, Date.valueOf(month.atDay(1))).query(Long.class).single() == 0;
        if (newMonth) {
            jdbc.sql("insert into sf_order_month (customer_id, order_month) values (?, ?)")
                    .params(customer, Date.valueOf(month.atDay(1))).update();
            tallies.add(CohortFigures.customers(cohort, month), CohortFigures.hour(cohort));
        }
        jdbc.sql("insert into sf_order (order_key, customer_id, ordered_at, currency, amount_cents)"
                        + " values (?, ?, ?, ?, ?)")
                .params(key, customer, Timestamp.from(orderedAt), currency, cents).update();
        tallies.add(CohortFigures.orders(cohort, currency), CohortFigures.hour(cohort));
        tallies.add(CohortFigures.revenue(cohort, currency), CohortFigures.hour(cohort), cents);
    }

    /**
     * The customer's cohort with this order counted: the order's month for a first order; for an order earlier
     * than the customer's first, its month, and the customer's figures so far move there from the old cohort.
     */
    private YearMonth cohortAfter(String customer, Instant orderedAt, YearMonth month) {
        Optional<First> first = jdbc.sql("select first_ordered_at, cohort_month from sf_order_customer"
                        + " where customer_id = ? for update")
                .param(customer)
                .query((rs, n) -> new First(rs.getTimestamp(1).toInstant(),
                        YearMonth.from(rs.getDate(2).toLocalDate())))
                .optional();
        if (first.isEmpty()) {
            jdbc.sql("insert into sf_order_customer (customer_id, first_ordered_at, cohort_month) values (?, ?, ?)")
                    .params(customer, Timestamp.from(orderedAt), Date.valueOf(month.atDay(1))).update();
            return month;
        }
        YearMonth cohort = first.get().cohort();
        if (!orderedAt.isBefore(first.get().orderedAt())) {
            return cohort;
        }
        jdbc.sql("update sf_order_customer set first_ordered_at = ?, cohort_month = ? where customer_id = ?")
                .params(Timestamp.from(orderedAt), Date.valueOf(month.atDay(1)), customer).update();
        if (!month.equals(cohort)) {
            move(customer, cohort, month);
        }
        return month;
    }

    /** Takes the customer's months and revenue so far out of one cohort's tallies and adds them to another's. */
    private void move(String customer, YearMonth from, YearMonth to) {
        List<YearMonth> months = jdbc.sql("select order_month from sf_order_month where customer_id = ?")
                .param(customer).query((rs, n) -> YearMonth.from(rs.getDate(1).toLocalDate())).list();
        for (YearMonth month : months) {
            tallies.add(CohortFigures.customers(from, month), CohortFigures.hour(from), -1);
            tallies.add(CohortFigures.customers(to, month), CohortFigures.hour(to));
        }
        List<Spent> spent = jdbc.sql("select currency, count(*), sum(amount_cents) from sf_order"
                        + " where customer_id = ? group by currency")
                .param(customer).query((rs, n) -> new Spent(rs.getString(1), rs.getLong(2), rs.getLong(3))).list();
        for (Spent sum : spent) {
            tallies.add(CohortFigures.orders(from, sum.currency()), CohortFigures.hour(from), -sum.orders());
            tallies.add(CohortFigures.orders(to, sum.currency()), CohortFigures.hour(to), sum.orders());
            tallies.add(CohortFigures.revenue(from, sum.currency()), CohortFigures.hour(from), -sum.cents());
            tallies.add(CohortFigures.revenue(to, sum.currency()), CohortFigures.hour(to), sum.cents());
        }
    }

    private record First(Instant orderedAt, YearMonth cohort) {
    }

    private record Spent(String currency, long orders, long cents) {
    }
}
