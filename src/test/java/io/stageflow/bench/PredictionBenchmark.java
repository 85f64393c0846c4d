package io.stageflow.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.TestDatabase;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The scoring job of issue 21 at scale ({@code ./mvnw -Pbench verify}, docs/benchmarks.md): loads
 * {@code stageflow.bench.predictions.customers} customers (1,000,000 by default) with five times as many orders into
 * the order ledger (every customer one first order, the rest spread unevenly over 700 days, so frequencies range
 * from one order to dozens), runs the job through the jobs API and times it (fit and scoring), then runs it once more
 * and times that too (the next night's run, which replaces every customer's row). It measures and records; the only
 * assertions are that the jobs completed and scored every customer. Afterwards it empties what it loaded.
 */
class PredictionBenchmark extends IntegrationTest {

    private static final int CUSTOMERS = Integer.getInteger("stageflow.bench.predictions.customers", 1_000_000);
    private static final int ORDERS = Integer.getInteger("stageflow.bench.predictions.orders", 5 * CUSTOMERS);
    private static final int CHUNK = 250_000;
    private static final String START = "2025-01-01 00:00:00";
    private static final int SPAN_SECONDS = 700 * 24 * 3600;

    private static final Results RESULTS = new Results();
    private static final Map<String, String> SETTINGS = new LinkedHashMap<>();

    static {
        BenchDatabase.recreateIfMariaDb();
    }

    @Autowired
    DataSource dataSource;

    @Test
    void scoresAMillionCustomersFromFiveMillionOrders() throws Exception {
        SETTINGS.put("database", TestDatabase.isMariaDb() ? "mariadb" : "h2");
        SETTINGS.put("customers", Integer.toString(CUSTOMERS));
        SETTINGS.put("orders", Integer.toString(ORDERS));
        long load = System.nanoTime();
        // Order n: the first CUSTOMERS orders give each customer one; the others go to customer
        // 1 + floor(CUSTOMERS * u^2) with u a spread of n in [0, 1), so low numbers buy far more often.
        for (int from = 1; from <= ORDERS; from += CHUNK) {
            execute("""
                    insert into sf_order (order_key, customer_id, ordered_at, currency, amount_cents)
                    select concat('bench-order-', n),
                           concat('pb', case when n <= %1$d then n
                                             else 1 + floor(%1$d * power(mod(n * 7919, 1000003) / 1000003.0, 2)) end),
                           %2$s, 'USD', 1000 + mod(n * 37, 9000)
                    from %3$s""".formatted(CUSTOMERS, at("n * 104729"), sequence(from, Math.min(ORDERS,
                    from + CHUNK - 1))));
        }
        RESULTS.add("predictions", "load_orders_seconds", (System.nanoTime() - load) / 1e9, "s", null, null);

        double seconds = runTheJob();
        long scored = jdbc.sql("select count(*) from sf_customer_prediction where customer_id like 'pb%'")
                .query(Long.class).single();
        RESULTS.add("predictions", "scoring_job_seconds", seconds, "s", null, null);
        RESULTS.add("predictions", "customers_scored", scored, "rows", null, null);
        RESULTS.add("predictions", "customers_per_second", scored / seconds, "rows/s", null, null);
        assertThat(scored).isGreaterThan(CUSTOMERS * 99L / 100);

        // The next night's run: every customer has a row already, which the job replaces.
        double again = runTheJob();
        RESULTS.add("predictions", "rescoring_job_seconds", again, "s", null, null);
        assertThat(jdbc.sql("select count(*) from sf_customer_prediction where customer_id like 'pb%'")
                .query(Long.class).single()).isEqualTo(scored);
    }

    /** Starts the job through the jobs API, waits for it to end and requires COMPLETED: the seconds it took. */
    private double runTheJob() {
        long start = System.nanoTime();
        JsonNode started = client().post("/api/v1/jobs/prediction-scoring").expectStatus(202).json();
        long id = started.path("id").asLong();
        await().atMost(Duration.ofMinutes(60)).pollInterval(Duration.ofSeconds(2)).until(() -> Set.of("COMPLETED",
                "FAILED").contains(client().get("/api/v1/jobs/" + id).expectStatus(200).json().path("status").asText()));
        double seconds = (System.nanoTime() - start) / 1e9;
        JsonNode done = client().get("/api/v1/jobs/" + id).expectStatus(200).json();
        assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("COMPLETED");
        return seconds;
    }

    @AfterAll
    static void report() throws IOException {
        RESULTS.write("predictions-results.json", SETTINGS);
    }

    @AfterAll
    static void emptyWhatWasLoaded(@Autowired DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("delete from sf_customer_prediction where customer_id like 'pb%'");
            s.executeUpdate("delete from sf_order where order_key like 'bench-order-%'");
        }
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate(sql);
        }
    }

    private static String sequence(int from, int to) {
        return TestDatabase.isMariaDb() ? "(select seq as n from seq_%d_to_%d) numbers".formatted(from, to)
                : "(select x as n from system_range(%d, %d)) numbers".formatted(from, to);
    }

    private static String at(String secondsExpression) {
        String seconds = "mod(" + secondsExpression + ", " + SPAN_SECONDS + ")";
        return TestDatabase.isMariaDb() ? "timestamp'" + START + "' + interval " + seconds + " second"
                : "dateadd(second, " + seconds + ", timestamp '" + START + "')";
    }
}
