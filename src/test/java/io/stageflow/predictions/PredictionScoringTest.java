package io.stageflow.predictions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import io.stageflow.testing.IntegrationTest;

import org.junit.jupiter.api.Test;

/**
 * The scoring job on the real database: it scores every customer with orders in the modelled currency from the
 * order ledger, stores the fitted parameters, leaves other currencies' customers out, and a re-run drops the row of
 * a customer whose orders are gone.
 */
class PredictionScoringTest extends IntegrationTest {

    @Test
    void scoresEveryCustomerWithOrdersAndPrunesTheOnesWithoutAnyMore() {
        String p = "pred" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        Instant now = Instant.now().minus(Duration.ofMinutes(1));
        // A simulated population (so there is something to fit), then customers whose scores are known to order.
        List<Simulation.Customer> population = Simulation.customers(7, 300, ModelRecoveryTest.CDNOW,
                ModelRecoveryTest.CDNOW_SPEND, 27, 78, 0);
        for (int i = 0; i < population.size(); i++) {
            Simulation.Customer c = population.get(i);
            Instant first = now.minus(weeks(c.age()));
            order(p + "-sim" + i, first, c.amounts().get(0), "USD", 0);
            for (int k = 0; k < c.repeats().size(); k++) {
                order(p + "-sim" + i, first.plus(weeks(c.repeats().get(k))), c.amounts().get(k + 1), "USD", k + 1);
            }
        }
        String loyal = p + "-loyal";
        String gone = p + "-gone";
        String once = p + "-once";
        String euro = p + "-euro";
        for (int k = 0; k < 10; k++) {
            order(loyal, now.minus(Duration.ofDays(300 - 30L * k)), 80, "USD", k);
            order(gone, now.minus(Duration.ofDays(400 - 10L * k)), 80, "USD", k);
        }
        order(once, now.minus(Duration.ofDays(100)), 50, "USD", 0);
        order(euro, now.minus(Duration.ofDays(20)), 50, "EUR", 0);
        order(euro, now.minus(Duration.ofDays(10)), 50, "EUR", 1);

        JsonNode done = run();
        assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("COMPLETED");

        Map<String, Object> l = prediction(loyal);
        Map<String, Object> g = prediction(gone);
        Map<String, Object> o = prediction(once);
        assertThat(jdbc.sql("select count(*) from sf_customer_prediction where customer_id like ?").param(p + "-sim%")
                .query(Long.class).single()).isEqualTo(300);
        assertThat(jdbc.sql("select count(*) from sf_customer_prediction where customer_id = ?").param(euro)
                .query(Long.class).single()).as("only the modelled currency's customers").isZero();
        assertThat(number(l, "p_alive")).isGreaterThan(number(g, "p_alive"));
        assertThat(number(g, "churn_risk")).isCloseTo(1 - number(g, "p_alive"), within(1e-9)).isGreaterThan(0.5);
        assertThat(number(l, "expected_orders_90d")).isGreaterThan(number(g, "expected_orders_90d")).isGreaterThan(1);
        assertThat(number(l, "predicted_clv")).isGreaterThan(number(g, "predicted_clv")).isPositive();
        assertThat(number(o, "p_alive")).as("BG/NBD: no repeat purchase, no chance to drop out").isEqualTo(1.0);
        assertThat(l).containsEntry("currency", "USD");
        assertThat(number(l, "rfm_recency")).isEqualTo(5);
        assertThat(number(l, "rfm_frequency")).isEqualTo(5);
        assertThat(number(g, "rfm_recency")).isLessThan(number(l, "rfm_recency"));
        assertThat(number(o, "rfm_frequency")).isEqualTo(1);
        assertThat((String) l.get("rfm_segment")).matches("[1-5]{3}").startsWith("55");
        assertThat(jdbc.sql("select count(*) from sf_prediction_parameter where model in ('bg-nbd', 'gamma-gamma')")
                .query(Long.class).single()).isEqualTo(7);

        jdbc.sql("delete from sf_order where customer_id = ?").param(once).update();
        assertThat(run().path("status").asText()).isEqualTo("COMPLETED");
        assertThat(jdbc.sql("select count(*) from sf_customer_prediction where customer_id = ?").param(once)
                .query(Long.class).single()).as("no orders any more, no scores").isZero();
        assertThat(jdbc.sql("select count(*) from sf_customer_prediction where customer_id = ?").param(loyal)
                .query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void onlyAdminsAndOperatorsStartTheJob() {
        client("nobody", "wrong").post("/api/v1/jobs/prediction-scoring").expectStatus(401);
    }

    private JsonNode run() {
        JsonNode started = client().post("/api/v1/jobs/prediction-scoring").expectStatus(202).json();
        assertThat(started.path("job").asText()).isEqualTo(PredictionJobConfiguration.JOB);
        long id = started.path("id").asLong();
        await().atMost(Duration.ofSeconds(60)).until(() -> Set.of("COMPLETED", "FAILED")
                .contains(client().get("/api/v1/jobs/" + id).expectStatus(200).json().path("status").asText()));
        return client().get("/api/v1/jobs/" + id).expectStatus(200).json();
    }

    private Map<String, Object> prediction(String customer) {
        return jdbc.sql("select * from sf_customer_prediction where customer_id = ?").param(customer).query()
                .listOfRows().stream().findFirst().map(PredictionScoringTest::lowerCase)
                .orElseThrow(() -> new AssertionError("no prediction for " + customer));
    }

    private static Map<String, Object> lowerCase(Map<String, Object> row) {
        Map<String, Object> lower = new java.util.HashMap<>();
        row.forEach((k, v) -> lower.put(k.toLowerCase(java.util.Locale.ROOT), v));
        return lower;
    }

    private static double number(Map<String, Object> row, String column) {
        return ((Number) row.get(column)).doubleValue();
    }

    private void order(String customer, Instant at, double amount, String currency, int n) {
        jdbc.sql("insert into sf_order (order_key, customer_id, ordered_at, currency, amount_cents) values (?, ?, ?, ?, ?)")
                .params(customer + "#" + n, customer, Timestamp.from(at), currency, Math.round(amount * 100)).update();
    }

    private static Duration weeks(double weeks) {
        return Duration.ofMillis(Math.round(weeks * 7 * 86_400_000));
    }
}
