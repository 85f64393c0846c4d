package io.stageflow.analytics;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;

import io.stageflow.customers.Customer;
import io.stageflow.customers.PersonalData;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The customer's orders and survey scores as analytics recorded them for cohorts, lifetime value and NPS. Erasure
 * deletes the rows: the cohort and NPS figures already counted are tallies that name no customer, so they stay.
 */
@Component
class OrderAndScorePersonalData implements PersonalData {

    private final JdbcClient jdbc;

    OrderAndScorePersonalData(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public String section() {
        return "ordersAndScores";
    }

    @Override
    public Object export(Customer customer) {
        var orders = jdbc.sql("select ordered_at, currency, amount_cents from sf_order where customer_id = ?"
                        + " order by ordered_at")
                .param(customer.id())
                .query((rs, n) -> new RecordedOrder(rs.getTimestamp(1).toInstant(), rs.getString(2),
                        BigDecimal.valueOf(rs.getLong(3), 2)))
                .list();
        var scores = jdbc.sql("select answered_at, survey, score from sf_survey_score where customer_id = ?"
                        + " order by answered_at")
                .param(customer.id())
                .query((rs, n) -> new RecordedScore(rs.getTimestamp(1).toInstant(), rs.getString(2), rs.getInt(3)))
                .list();
        var cohort = jdbc.sql("select cohort_month from sf_order_customer where customer_id = ?")
                .param(customer.id()).query((rs, n) -> rs.getDate(1).toLocalDate().toString().substring(0, 7))
                .optional();
        return Map.of("cohort", cohort.orElse(""), "orders", orders, "surveyScores", scores);
    }

    @Override
    public void erase(Customer customer) {
        for (String table : new String[] {"sf_order", "sf_order_month", "sf_order_customer", "sf_survey_score"}) {
            jdbc.sql("delete from " + table + " where customer_id = ?").param(customer.id()).update();
        }
    }

    /** One order, as exported. */
    record RecordedOrder(Instant orderedAt, String currency, BigDecimal total) {
    }

    /** One survey answer's score, as exported. */
    record RecordedScore(Instant answeredAt, String survey, int score) {
    }
}
