package io.stageflow.bench;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.stageflow.journeys.JourneySimulations;
import io.stageflow.testing.IntegrationTest;

import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The simulation scenario of the benchmark runner ({@code ./mvnw -Pbench verify}, docs/benchmarks.md): the live
 * trigger router's rate on sign-ups that start the welcome journey (the baseline, measured in this run), then a
 * simulation of the welcome journey over 30 days of stored events of {@code stageflow.bench.simulation.customers}
 * customers (a sign-up each, an order within two days for a third of them), loaded straight into the tables. Reports
 * the events simulated per second against the router's, and the whole simulation's seconds. The default is a cheap
 * short variant (2,000 customers); the figure is {@code -Dstageflow.bench.simulation.customers=100000}, which
 * must finish within 5 minutes on 2 cores. It measures and records; it asserts nothing about speed.
 */
class SimulationBenchmark extends IntegrationTest {

    private static final int CUSTOMERS = Integer.getInteger("stageflow.bench.simulation.customers", 2_000);
    private static final int ROUTED_SIGNUPS = Integer.getInteger("stageflow.bench.simulation.router-signups", 500);
    private static final Results RESULTS = new Results();

    @Autowired
    JourneySimulations simulations;

    @Test
    void simulationReplaysEventsFasterThanTheLiveRouterRoutesThem() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        // The baseline: the live router starting the welcome journey for fresh sign-ups.
        List<String> batch = new ArrayList<>();
        for (int i = 0; i < ROUTED_SIGNUPS; i++) {
            String id = "benchsim-live-" + run + "-" + i;
            client().putCustomer(id, "{\"email\":\"" + id + "@example.com\"}").expectStatus(201);
            batch.add("{\"messageId\":\"signup-" + id + "\",\"type\":\"signed_up\",\"customerId\":\"" + id + "\"}");
        }
        long start = System.nanoTime();
        for (int i = 0; i < batch.size(); i += 100) {
            client().postEvents("[" + String.join(",", batch.subList(i, Math.min(batch.size(), i + 100))) + "]")
                    .expectStatus(202);
        }
        await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(200)).until(() -> jdbc.sql(
                "select count(*) from sf_event where status = 'PENDING' and customer_id like ?")
                .param("benchsim-live-" + run + "-%").query(Long.class).single() == 0);
        double routerRate = ROUTED_SIGNUPS / seconds(start);
        RESULTS.add("simulation", "live_router_signups", routerRate, "events/s", null, null);

        // The history: CUSTOMERS sign-ups over 30 days, a third of them ordering within two days; already routed.
        Instant now = ClockUtil.getCurrentTime().toInstant();
        long loadStart = System.nanoTime();
        List<Object[]> customers = new ArrayList<>();
        List<Object[]> events = new ArrayList<>();
        for (int i = 0; i < CUSTOMERS; i++) {
            String id = "benchsim-" + run + "-" + i;
            Timestamp created = Timestamp.from(now.minus(Duration.ofDays(40)));
            customers.add(new Object[] {id, id + "@example.com", created, created});
            Instant signup = now.minus(Duration.ofDays(30)).plusSeconds((long) i * 29L * 24 * 3600 / CUSTOMERS);
            events.add(event(id, "signed_up", signup));
            if (i % 3 == 0) {
                events.add(event(id, "order_completed", signup.plus(Duration.ofHours(1 + i % 47))));
            }
            if (customers.size() == 5_000 || i == CUSTOMERS - 1) {
                jdbcTemplate().batchUpdate("""
                        insert into sf_customer (id, email, first_name, locale, time_zone, created_at, updated_at,
                                                 stage, stage_since, order_count, order_total, marketing_consent)
                        values (?, ?, 'Bench', 'en', 'UTC', ?, ?, 'AWARENESS', null, 0, 0, true)""", customers);
                jdbcTemplate().batchUpdate("""
                        insert into sf_event (message_id, type, customer_id, occurred_at, received_at, properties,
                                              status, attempts, next_attempt_at, routed_at, outcome)
                        values (?, ?, ?, ?, ?, '{}', 'ROUTED', 1, ?, ?, 'loaded by the benchmark')""", events);
                customers.clear();
                events.clear();
            }
        }
        RESULTS.add("simulation", "load_" + CUSTOMERS + "_customers", CUSTOMERS / seconds(loadStart), "customers/s",
                null, null);

        long simulationStart = System.nanoTime();
        JourneySimulations.Simulation started = simulations.start("welcome",
                new JourneySimulations.Request(null, null, null, 30, null), "benchmark");
        await().atMost(Duration.ofMinutes(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> simulations.find("welcome", started.id()).orElseThrow().finished());
        double took = seconds(simulationStart);
        JourneySimulations.Simulation done = simulations.find("welcome", started.id()).orElseThrow();
        long replayed = done.report() == null ? 0 : done.report().eventsReplayed();
        RESULTS.add("simulation", "welcome_30_days_" + CUSTOMERS + "_customers_seconds", took, "s", null, null);
        RESULTS.add("simulation", "welcome_30_days_" + CUSTOMERS + "_customers", replayed / took, "events/s",
                "simulation.live_router_signups", routerRate);
        System.out.println("simulation status " + done.status() + ", entered " + (done.report() == null ? "-"
                : done.report().entered()) + ", events " + replayed + ", problem " + done.problem());
    }

    private static Object[] event(String customer, String type, Instant at) {
        Timestamp time = Timestamp.from(at);
        return new Object[] {"benchsim-" + UUID.randomUUID(), type, customer, time, time, time, time};
    }

    private org.springframework.jdbc.core.JdbcTemplate jdbcTemplate() {
        return new org.springframework.jdbc.core.JdbcTemplate(dataSource);
    }

    @Autowired
    javax.sql.DataSource dataSource;

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    @AfterAll
    static void report() throws IOException {
        Path out = Path.of("target", "bench", "simulation-results.json");
        Files.createDirectories(out.getParent());
        Files.writeString(out, RESULTS.json(java.util.Map.of("customers", String.valueOf(CUSTOMERS))));
    }
}
