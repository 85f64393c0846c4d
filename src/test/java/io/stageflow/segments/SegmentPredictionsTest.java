package io.stageflow.segments;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.Timestamp;

import org.junit.jupiter.api.Test;

/**
 * The acceptance check of issue 21 for segments by predicted scores: on a fixed set of customers with known rows in
 * {@code sf_customer_prediction} (and one without), {@code predicted.*} and {@code rfm.*} conditions count exactly
 * the expected customers; a customer without a score matches no comparison, and {@code not} includes them.
 */
class SegmentPredictionsTest extends SegmentTesting {

    @Test
    void segmentsByChurnRiskAndRfmCountExactly() {
        score(customer("a", ""), 0.95, 0.0, "12.50", 1, 1, 2);
        score(customer("b", ""), 0.71, 0.4, "80.00", 2, 3, 3);
        score(customer("c", ""), 0.70, 0.9, "150.00", 3, 3, 4);
        score(customer("d", ""), 0.20, 2.5, "900.00", 5, 5, 5);
        score(customer("e", ""), 0.05, 3.1, null, 5, 4, 5);
        customer("none", ""); // never scored

        assertThat(members(condition("predicted.churnRisk", "gt", 0.7))).containsExactly("a", "b");
        assertThat(members(condition("predicted.churnRisk", "gte", 0.7))).containsExactly("a", "b", "c");
        assertThat(members(condition("predicted.churnRisk", "lt", 0.7))).containsExactly("d", "e");
        assertThat(members(not(condition("predicted.churnRisk", "gt", 0.7)))).containsExactly("c", "d", "e", "none");
        assertThat(members(condition("predicted.churnRisk", "exists", false))).containsExactly("none");
        assertThat(members(condition("predicted.aliveProbability", "gte", 0.8))).containsExactly("d", "e");
        assertThat(members(condition("predicted.expectedOrders90d", "gt", 1))).containsExactly("d", "e");
        assertThat(members(condition("predicted.clv", "gte", 100))).containsExactly("c", "d");
        assertThat(members(condition("predicted.clv", "exists"))).containsExactly("a", "b", "c", "d");
        assertThat(members(condition("rfm.recency", "eq", 5))).containsExactly("d", "e");
        assertThat(members(condition("rfm.frequency", "in", array(3, 4)))).containsExactly("b", "c", "e");
        assertThat(members(condition("rfm.monetary", "lte", 2))).containsExactly("a");
        assertThat(members(all(condition("predicted.churnRisk", "gt", 0.5), condition("rfm.monetary", "gte", 3))))
                .containsExactly("b", "c");
    }

    @Test
    void badValuesNameTheField() {
        var rfm = post("t-" + run + "-bad", condition("rfm.recency", "eq", 6)).expectStatus(400);
        assertThat(rfm.contentType()).startsWith("application/problem+json");
        assertThat(rfm.body()).contains("rule.all[1].value").contains("1 to 5");
        assertThat(post("t-" + run + "-bad2", condition("predicted.churnRisk", "gt", "high")).expectStatus(400).body())
                .contains("rule.all[1].value").contains("must be a number");
        assertThat(post("t-" + run + "-bad3", condition("predicted.nextOrder", "gt", 1)).expectStatus(400).body())
                .contains("rule.all[1].field").contains("predicted.churnRisk");
    }

    private void score(String id, double churn, double expected, String clv, int r, int f, int m) {
        jdbc.sql("insert into sf_customer_prediction (customer_id, p_alive, churn_risk, expected_orders_90d,"
                + " predicted_clv, currency, rfm_recency, rfm_frequency, rfm_monetary, rfm_segment, scored_at)"
                + " values (?, ?, ?, ?, ?, 'USD', ?, ?, ?, ?, ?)")
                .params(id, 1 - churn, churn, expected, clv == null ? null : new BigDecimal(clv), r, f, m,
                        "" + r + f + m, Timestamp.from(clock.instant()))
                .update();
    }
}
