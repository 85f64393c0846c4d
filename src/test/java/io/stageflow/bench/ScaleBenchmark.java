package io.stageflow.bench;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.sql.DataSource;

import io.stageflow.delivery.DeliveryProperties;
import io.stageflow.support.PollingWorker;
import io.stageflow.testing.CountingSmtpSink;
import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.TestDatabase;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;

/**
 * The scale scenario of the benchmark runner ({@code ./mvnw -Pbench verify}, docs/benchmarks.md, issue 20): customer
 * imports through the API of 10,000, 100,000 and 1,000,000 rows, with the cost per customer at each size beside the
 * database's own rate for the same rows (a batched insert into a copy of the customer table, in the same run); then,
 * over all the customers that makes, a segment count through the API beside a plain {@code count(*)} of the table;
 * and a broadcast to 100,000 of them queued with delivery stopped, then delivered for a while at that depth. It measures and records; it
 * asserts nothing about speed. Afterwards it removes what it added, so the scenarios after it start as without it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScaleBenchmark extends IntegrationTest {

    /** The import sizes, smallest first; the largest makes the population the later figures run over. */
    private static final List<Integer> SIZES = Arrays.stream(System.getProperty("stageflow.bench.scale.sizes",
            "10000,100000,1000000").split(",")).map(String::strip).map(Integer::valueOf).sorted().toList();
    /** The broadcast's recipients: the customers of the import of this size. */
    private static final int BROADCAST = Integer.getInteger("stageflow.bench.scale.broadcast", 100_000);
    /** How long delivery is watched once the broadcast is queued. */
    private static final int DELIVERY_SECONDS = Integer.getInteger("stageflow.bench.scale.delivery-seconds", 60);
    /** Timed segment counts per segment, after two unmeasured. */
    private static final int COUNTS = Integer.getInteger("stageflow.bench.scale.counts", 5);
    /** Rows per JDBC batch and per commit in the database baseline, as the import's chunk. */
    private static final int BATCH = 1_000;
    /** The size of the import that measures what every import costs beside its rows. */
    private static final int FIXED_COST_ROWS = 100;
    /** Every import this scenario runs: the fixed-cost one, then {@link #SIZES}. */
    private static final List<Integer> IMPORTS = java.util.stream.Stream.concat(
            java.util.stream.Stream.of(FIXED_COST_ROWS), SIZES.stream()).toList();
    private static final String PREFIX = "scale-";
    private static final String BASELINE_TABLE = "bench_scale_customer";

    private static final Results RESULTS = new Results();
    private static final Map<String, String> SETTINGS = new LinkedHashMap<>();

    static {
        BenchDatabase.recreateIfMariaDb();
    }

    @Autowired
    DataSource dataSource;

    @Autowired
    @Qualifier("outboxDispatcherWorker")
    PollingWorker dispatcher;

    @Autowired
    DeliveryProperties delivery;

    @Test
    @Order(1)
    void databaseBaseline() throws Exception {
        SETTINGS.put("database", TestDatabase.isMariaDb() ? "mariadb" : "h2");
        SETTINGS.put("sizes", SIZES.toString());
        SETTINGS.put("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
        int rows = baselineRows();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("drop table if exists " + BASELINE_TABLE);
            s.execute(TestDatabase.isMariaDb() ? "create table " + BASELINE_TABLE + " like sf_customer"
                    : "create table " + BASELINE_TABLE + " as select * from sf_customer where 1 = 0");
        }
        long start = System.nanoTime();
        try (Connection c = dataSource.getConnection(); PreparedStatement insert = c.prepareStatement("""
                insert into %s (id, email, first_name, locale, time_zone, traits, marketing_consent,
                                created_at, updated_at, stage, stage_since)
                values (?, ?, ?, 'en', 'UTC', ?, ?, ?, ?, 'AWARENESS', ?)""".formatted(BASELINE_TABLE))) {
            c.setAutoCommit(false);
            Timestamp now = Timestamp.from(Instant.now());
            for (int i = 0; i < rows; i++) {
                String id = "baseline-" + i;
                insert.setString(1, id);
                insert.setString(2, id + "@" + CountingSmtpSink.DOMAIN);
                insert.setString(3, "Ada");
                insert.setString(4, "{\"plan\":\"" + plan(i) + "\",\"cohort\":\"baseline\"}");
                insert.setNull(5, Types.BOOLEAN);
                insert.setTimestamp(6, now);
                insert.setTimestamp(7, now);
                insert.setTimestamp(8, now);
                insert.addBatch();
                if ((i + 1) % BATCH == 0 || i == rows - 1) {
                    insert.executeBatch();
                    c.commit();
                }
            }
        } finally {
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                s.execute("drop table if exists " + BASELINE_TABLE);
            }
        }
        RESULTS.add("scale", "db_customer_rows_batched_" + rows, rows / seconds(start), "rows/s", null, null);
    }

    @Test
    @Order(2)
    void imports() throws Exception {
        Double baseline = baseline();
        // What any import costs whatever its size (the upload, the job's launch and end, this client's polling):
        // a 100-row file, timed the same way, so that the cost per customer below is the cost of the rows alone.
        double fixed = importSeconds(FIXED_COST_ROWS);
        RESULTS.add("scale", "import_fixed_seconds", fixed, "s", null, null);
        for (int size : SIZES) {
            double seconds = importSeconds(size);
            RESULTS.add("scale", "import_" + size + "_rows", size / seconds, "rows/s", baselineKey(), baseline);
            RESULTS.add("scale", "import_" + size + "_us_per_customer", (seconds - fixed) * 1e6 / size, "µs", null,
                    null);
        }
    }

    /** Imports {@code size} new customers through the API and waits for the job; the seconds it took. */
    private double importSeconds(int size) throws Exception {
        Path csv = Files.createTempFile("bench-scale", ".csv");
        try {
            try (Writer out = Files.newBufferedWriter(csv)) {
                out.write("id,email,firstName,plan,cohort\n");
                for (int i = 0; i < size; i++) {
                    String id = customer(size, i);
                    out.write("%s,%s@%s,Ada,%s,%s\n".formatted(id, id, CountingSmtpSink.DOMAIN, plan(i),
                            cohort(size)));
                }
            }
            long start = System.nanoTime();
            long job = client().postFile("/api/v1/imports", "file", csv).expectStatus(202).json().path("id")
                    .asLong();
            String status = awaitJobEnd(job, Duration.ofMinutes(30), Duration.ofMillis(100)).path("status").asText();
            double seconds = seconds(start);
            if (!"COMPLETED".equals(status)) {
                throw new AssertionError("Import " + job + " did not complete: " + status);
            }
            long stored = jdbc.sql("select count(*) from sf_customer where id like ?")
                    .param(PREFIX + size + "-%").query(Long.class).single();
            if (stored != size) {
                throw new AssertionError("Import " + job + " stored " + stored + " of " + size + " customers");
            }
            return seconds;
        } finally {
            Files.deleteIfExists(csv);
        }
    }

    @Test
    @Order(3)
    void segmentCounts() {
        long customers = jdbc.sql("select count(*) from sf_customer").query(Long.class).single();
        SETTINGS.put("customers_counted_over", Long.toString(customers));
        double plain = timedCounts(() -> jdbc.sql("select count(*) from sf_customer").query(Long.class).single(),
                customers);
        RESULTS.add("scale", "count_star_ms", plain, "ms", null, null);
        // A trait every imported customer has (a quarter of them match), and the stage column.
        long pro = IMPORTS.stream().mapToLong(size -> (size + 3) / 4).sum();
        segment("plan", "{\"field\": \"traits.plan\", \"op\": \"eq\", \"value\": \"pro\"}", pro, plain);
        long awareness = jdbc.sql("select count(*) from sf_customer where stage = 'AWARENESS'").query(Long.class)
                .single();
        segment("stage", "{\"field\": \"stage\", \"op\": \"eq\", \"value\": \"AWARENESS\"}", awareness, plain);
    }

    private void segment(String name, String rule, long expected, double baseline) {
        String key = "bench-scale-" + name;
        client().post("/api/v1/segments", """
                {"key": "%s", "name": "Scale %s", "rule": %s}""".formatted(key, name, rule)).expectStatus(201);
        double median = timedCounts(() -> client().get("/api/v1/segments/" + key + "/count").expectStatus(200).json()
                .path("count").asLong(), expected);
        RESULTS.add("scale", "segment_count_" + name + "_ms", median, "ms", "scale.count_star_ms", baseline);
    }

    /** The median of {@link #COUNTS} timed runs after two unmeasured, each checked against the expected count. */
    private static double timedCounts(CountCall count, long expected) {
        double[] ms = new double[COUNTS];
        for (int i = -2; i < COUNTS; i++) {
            long start = System.nanoTime();
            long counted = count.call();
            double elapsed = (System.nanoTime() - start) / 1e6;
            if (counted != expected) {
                throw new AssertionError("Counted " + counted + ", expected " + expected);
            }
            if (i >= 0) {
                ms[i] = elapsed;
            }
        }
        Arrays.sort(ms);
        return ms[COUNTS / 2];
    }

    @Test
    @Order(4)
    void broadcastAtDepth() throws Exception {
        int connections = delivery.dispatcher().connections();
        int size = SIZES.stream().filter(s -> s >= BROADCAST).findFirst().orElseThrow(() ->
                new IllegalStateException("No import of " + BROADCAST + " or more customers to broadcast to"));
        String segment = "bench-scale-broadcast";
        client().post("/api/v1/segments", """
                {"key": "%s", "name": "Scale broadcast", "rule": {"all": [
                  {"field": "traits.cohort", "op": "eq", "value": "%s"},
                  {"field": "traits.slice", "op": "exists"}]}}""".formatted(segment, cohort(size)))
                .expectStatus(201);
        // The recipients: the first BROADCAST customers of that import, marked with a trait.
        jdbc.sql(TestDatabase.isMariaDb()
                        ? "update sf_customer set traits = json_set(traits, '$.slice', 'yes') where id like ? and id < ?"
                        : "update sf_customer set traits = replace(traits, '}', ',\"slice\":\"yes\"}') where id like ? and id < ?")
                .params(PREFIX + size + "-%", customer(size, BROADCAST)).update();
        long recipients = client().get("/api/v1/segments/" + segment + "/count").expectStatus(200).json()
                .path("count").asLong();
        SETTINGS.put("broadcast_recipients", Long.toString(recipients));
        // Queueing alone, as the database baseline runs alone: the dispatcher would take most of the 2 cores.
        dispatcher.stop();
        double queueSeconds;
        try {
            long start = System.nanoTime();
            long id = client().post("/api/v1/broadcasts", """
                    {"id": "%1$s", "segment": "%1$s", "template": "win-back-offer", "category": "marketing", "name": "Scale"}"""
                    .formatted(segment)).expectStatus(202).json().path("id").asLong();
            awaitJobEnd(id, Duration.ofMinutes(30), Duration.ofMillis(100));
            queueSeconds = seconds(start);
        } finally {
            dispatcher.start();
        }
        long queued = outboxRows(null);
        if (queued != recipients) {
            throw new AssertionError("The broadcast queued " + queued + " emails for " + recipients + " recipients");
        }
        RESULTS.add("scale", "broadcast_queue_" + recipients + "_delivery_stopped", recipients / queueSeconds,
                "rows/s", baselineKey(), baseline());
        // Delivery is counted in the database three times: at the start, half way and at the end. In between, the
        // sink's count says when all have gone: a count of the outbox every 200 ms would take the database's time
        // from delivery (tens of milliseconds each at 100,000 rows).
        long sentAtQueued = outboxRows("SENT");
        long sinkAtQueued = CountingSmtpSink.total();
        long watch = System.nanoTime();
        // Half way is half the watch or half the emails, whichever comes first: a queue sent in less than half the
        // watch still has a second half to measure.
        await().atMost(Duration.ofSeconds(DELIVERY_SECONDS / 2 + 30)).pollInterval(Duration.ofMillis(200))
                .until(() -> seconds(watch) >= DELIVERY_SECONDS / 2.0
                        || CountingSmtpSink.total() - sinkAtQueued >= (recipients - sentAtQueued) / 2);
        long sentAtHalf = outboxRows("SENT");
        long half = System.nanoTime();
        await().atMost(Duration.ofSeconds(DELIVERY_SECONDS + 30)).pollInterval(Duration.ofMillis(200))
                .until(() -> seconds(watch) >= DELIVERY_SECONDS
                        || CountingSmtpSink.total() - sinkAtQueued >= recipients - sentAtQueued);
        long sent = outboxRows("SENT");
        double delivered = (sent - sentAtQueued) / seconds(watch);
        // The second half alone: the JIT compiler has warmed the delivery path up by then.
        double deliveredLater = (sent - sentAtHalf) / seconds(half);
        SETTINGS.put("broadcast_sent", Long.toString(sent));
        SETTINGS.put("delivery_connections", Integer.toString(connections));
        // The rest is not sent: what is still waiting is set aside, so the later scenarios start with an empty queue.
        jdbc.sql("update sf_outbox set status = 'SKIPPED', last_error = 'Set aside by the benchmark'"
                + " where idempotency_key like ? and status in ('PENDING', 'DEFERRED')")
                .param("broadcast:" + segment + ":%").update();
        await().atMost(Duration.ofMinutes(2)).until(() -> outboxRows("SENDING") == 0);
        // Delivery's physical baseline, in this run: copies of the last email over as many plain SMTP connections.
        int copies = (int) Math.min(sent - sentAtQueued, 20_000);
        double plain = PlainSmtpBaseline.rate(CountingSmtpSink.lastMessage(), copies, connections, PREFIX + "plain-");
        String plainKey = "smtp_plain_" + connections + "_connections";
        RESULTS.add("scale", plainKey, plain, "emails/s", null, null);
        RESULTS.add("scale", "broadcast_delivery_" + recipients + "_queued", delivered, "emails/s", "scale." + plainKey,
                plain);
        RESULTS.add("scale", "broadcast_delivery_" + recipients + "_queued_second_half", deliveredLater, "emails/s",
                "scale." + plainKey, plain);
    }

    private long outboxRows(String status) {
        return jdbc.sql("select count(*) from sf_outbox where idempotency_key like ?"
                        + (status == null ? "" : " and status = ?"))
                .params(status == null ? new Object[] {"broadcast:bench-scale-broadcast:%"}
                        : new Object[] {"broadcast:bench-scale-broadcast:%", status})
                .query(Long.class).single();
    }

    @AfterAll
    static void report() throws IOException {
        RESULTS.write("scale-results.json", SETTINGS);
    }

    /** Removes the imported customers, a slice at a time, so the later scenarios' segments scan what they did. */
    @AfterAll
    static void removeWhatWasAdded(@Autowired DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            for (int size : IMPORTS) {
                for (int from = 0; from < size; from += 100_000) {
                    s.executeUpdate("delete from sf_customer where id >= '%s' and id < '%s'".formatted(
                            customer(size, from), customer(size, Math.min(size, from + 100_000))));
                }
            }
            s.executeUpdate("delete from sf_segment where segment_key like 'bench-scale-%'");
        }
    }

    private static Double baseline() {
        return RESULTS.value(baselineKey());
    }

    /** The database baseline's figure: a batched insert of as many rows as the second import size. */
    private static String baselineKey() {
        return "scale.db_customer_rows_batched_" + baselineRows();
    }

    private static int baselineRows() {
        return SIZES.get(Math.min(1, SIZES.size() - 1));
    }

    /** Ids sort in row order within an import: {@code scale-<size>-<row, zero-padded>}. */
    private static String customer(int size, int row) {
        return PREFIX + size + "-" + String.format(Locale.ROOT, "%07d", row);
    }

    private static String cohort(int size) {
        return "import-" + size;
    }

    private static String plan(int row) {
        return row % 4 == 0 ? "pro" : row % 4 == 1 ? "team" : "free";
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private interface CountCall {
        long call();
    }
}
