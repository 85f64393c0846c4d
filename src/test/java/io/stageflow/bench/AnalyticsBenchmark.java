package io.stageflow.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.sql.DataSource;

import io.stageflow.customers.StageTimes;
import io.stageflow.security.LinkSigner;
import io.stageflow.support.Tallies;
import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.TestDatabase;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The analytics scenarios of the benchmark runner ({@code ./mvnw -Pbench verify}, docs/benchmarks.md): loads a
 * year of a large business straight into the tables (1,000,000 customers, 5,000,000 emails, 10,000,000 tracking
 * hits, their tallies, stage history, orders and survey answers; each table's load timed), then times every
 * analytics endpoint over real HTTP for a month and for a year (p50, p95, p99 of sequential requests, against the
 * same run's baseline: reading one customer by id, the cheapest authenticated API call), and the open pixel and click redirect under load from
 * several client threads. It measures and records; it asserts nothing about speed. Afterwards it empties what it
 * loaded, so the other scenarios start from the same database as without it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AnalyticsBenchmark extends IntegrationTest {

    private static final int CUSTOMERS = Integer.getInteger("stageflow.bench.analytics.customers", 1_000_000);
    private static final int EMAILS = Integer.getInteger("stageflow.bench.analytics.emails", 5_000_000);
    private static final int HITS = Integer.getInteger("stageflow.bench.analytics.tracking-rows", 10_000_000);
    /** Seconds each throughput loop is measured, after its warm-up, and the client threads that drive it. */
    private static final int SECONDS = Integer.getInteger("stageflow.bench.seconds", 10);
    private static final int WARMUP_SECONDS = Integer.getInteger("stageflow.bench.warmup-seconds", 5);
    private static final int THREADS = Integer.getInteger("stageflow.bench.analytics.threads", 16);
    /** Timed requests per endpoint and period, after as many again unmeasured. */
    private static final int REQUESTS = Integer.getInteger("stageflow.bench.analytics.requests", 100);
    /** Rows per INSERT … SELECT, so no one statement holds a huge transaction. */
    private static final int CHUNK = 250_000;
    /** The loaded year: every row's time falls in it. */
    private static final String YEAR_START = "2026-01-01 00:00:00";
    private static final int YEAR_SECONDS = 365 * 24 * 3600;

    /** Every table the load writes to, emptied afterwards. */
    private static final List<String> LOADED_TABLES = List.of("sf_stage_snapshot", "sf_stage_snapshot_day",
            "sf_stage_change", "sf_tracking_hit", "sf_tracked_link",
            "sf_tracked_email", "sf_attribution", "sf_journey_conversion",
            "sf_tally_hourly", "sf_tally_daily", "sf_tally_monthly", "sf_outbox", "sf_customer");

    /** A person's browser, as the pixel and the redirect see it. */
    private static final String BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"
            + " Chrome/126.0 Safari/537.36";

    private static final Results RESULTS = new Results();
    /** Whether the load finished: without it the timings would measure empty tables, so they are skipped. */
    private static final java.util.concurrent.atomic.AtomicBoolean LOADED = new java.util.concurrent.atomic.AtomicBoolean();
    private static final Map<String, String> SETTINGS = new LinkedHashMap<>();

    static {
        BenchDatabase.recreateIfMariaDb();
    }

    @Autowired
    DataSource dataSource;

    @Autowired
    Tallies tallies;

    @Autowired
    LinkSigner signer;

    @Test
    @Order(1)
    void load() throws Exception {
        SETTINGS.put("database", TestDatabase.isMariaDb() ? "mariadb" : "h2");
        SETTINGS.put("customers", Integer.toString(CUSTOMERS));
        SETTINGS.put("emails", Integer.toString(EMAILS));
        SETTINGS.put("tracking_rows", Integer.toString(HITS));
        long all = System.nanoTime();
        loaded("customers", CUSTOMERS, """
                insert into sf_customer (id, email, first_name, locale, time_zone, created_at, updated_at, stage,
                                         stage_since, order_count, order_total, marketing_consent)
                select concat('bc', n), concat('bc', n, '@example.com'), 'Bench', 'en', 'UTC', %1$s, %1$s,
                       case mod(n, 8) when 0 then 'AWARENESS' when 1 then 'ENGAGEMENT' when 2 then 'CONVERSION'
                                      when 3 then 'ONBOARDING' when 4 then 'RETENTION' when 5 then 'EXPANSION'
                                      when 6 then 'ADVOCACY' else 'LAPSED' end, %1$s, 0, 0, true
                from %2$s""".formatted(at("n * 31"), "%s"));
        loaded("emails", EMAILS, """
                insert into sf_outbox (idempotency_key, customer_id, template_key, category, journey_key, step_id,
                                       status, attempts, next_attempt_at, created_at, sent_at, respect_quiet_hours,
                                       ambiguous_deliveries)
                select concat('bench-', n), concat('bc', mod(n, %3$d) + 1), concat('template-', mod(n, 20)),
                       'MARKETING', %4$s, concat('Send', mod(n, 20)), 'SENT', 1, %1$s,
                       %1$s, %1$s, true, 0
                from %2$s""".formatted(at("n * 6"), "%s", CUSTOMERS, journey()));
        timed("message_tallies", () -> execute("""
                insert into sf_tally_hourly (series, subject, version, element, figure, hour_utc, amount)
                select 'message', template_key, 0, concat(journey_key, '/', step_id), figure, hour_utc, count(*)
                from (select template_key, journey_key, step_id, %s as hour_utc, f.figure
                      from sf_outbox cross join (select 'QUEUED' as figure union all select 'SENT') f
                      where idempotency_key like 'bench-%%') e
                group by template_key, journey_key, step_id, figure, hour_utc""".formatted(hour("sent_at"))));
        timed("journey_tallies", () -> execute("""
                insert into sf_tally_hourly (series, subject, version, element, figure, hour_utc, amount)
                select 'journey', 'welcome', 1, s.element, s.figure, %s, 10 + mod(n, 7)
                from %s cross join (select '' as element, 'ENTERED' as figure
                          union all select 'SendWelcomeEmail', 'REACHED' union all select 'SendWelcomeEmail', 'COMPLETED'
                          union all select 'WaitForFirstOrder', 'REACHED'
                          union all select 'WaitForFirstOrder', 'COMPLETED'
                          union all select 'SendReminderEmail', 'REACHED'
                          union all select 'Converted', 'ENDED' union all select 'Converted', 'CONVERTED'
                          union all select 'NotConverted', 'ENDED') s""".formatted(at("(n - 1) * 3600"),
                sequence(1, 8760))));
        loaded("journey_conversions", EMAILS / 25, """
                insert into sf_journey_conversion (journey_key, journey_version, converted_at, duration_ms)
                select %3$s, 1, %1$s, mod(n * 7919, 259200000)
                from %2$s""".formatted(at("n * 157"), "%s", journey()));
        for (LoadStep step : extraLoads()) {
            timed(step.name(), step.load());
        }
        // The hourly totals were loaded without the fold: the fold rebuilds the daily and monthly ones from them, as
        // after an upgrade or a change of the reports' time zone.
        execute("update sf_tally_fold_lock set day_zone = null");
        timed("daily_totals_rebuild", tallies::foldAll);
        LOADED.set(true);
        RESULTS.add("analytics", "load_seconds", (System.nanoTime() - all) / 1e9, "s", null, null);
    }

    @Test
    @Order(2)
    void endpoints() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(LOADED.get(), "the load did not finish");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        double baseline = p95(http, "baseline_customer", "/api/v1/customers/bc1");
        RESULTS.add("analytics", "baseline_customer_p95", baseline, "ms", null, null);
        for (String path : endpointPaths()) {
            for (String[] period : new String[][] {{"month", "from=2026-06-01&to=2026-06-30"},
                    {"year", "from=2026-01-01&to=2026-12-31"}}) {
                String url = path + (path.contains("?") ? "&" : "?") + period[1];
                double p95 = p95(http, name(path) + "_" + period[0], url);
                RESULTS.add("analytics", name(path) + "_" + period[0] + "_p95", p95, "ms", "baseline_customer_p95",
                        baseline);
                target("p95 < 300 ms: " + path + " (" + period[0] + ")", p95);
            }
        }
    }

    /**
     * The open pixel and the click redirect under load from {@code THREADS} client threads, over 1,000 of the loaded
     * emails round-robin, a minute after they were "sent" by the clock (so people's, not machines'), against the
     * same load on {@code /actuator/health} (an unauthenticated request that asks the database too).
     */
    @Test
    @Order(3)
    void pixelAndClick() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(LOADED.get(), "the load did not finish");
        org.camunda.bpm.engine.impl.util.ClockUtil.setCurrentTime(java.util.Date.from(
                java.time.Instant.parse("2027-01-01T00:00:00Z")));
        long first = jdbcMin("select min(outbox_id) from sf_tracked_email");
        // GET / without a session: the console's security chain refuses it (401 to a client that does not ask for HTML)
        // and asks nothing of the database: the floor of any request here.
        double floor = throughput("root_floor_baseline", List.of("/"), 401, null, null);
        double baseline = throughput("health_baseline", List.of("/actuator/health"), 200, null, null);
        List<String> opens = new ArrayList<>();
        List<String> clicks = new ArrayList<>();
        opens.addAll(pixels(first, first + 1_000));
        for (long id = first; id < first + 1_000; id++) {
            // The tokens as TrackingTokens signs them: c<row>-<link>, in base 36.
            clicks.add("/c/" + signer.sign("c" + Long.toString(id, 36) + "-0"));
        }
        double open = throughput("open_pixel", opens, 200, "tracking.health_baseline_per_second", baseline);
        double click = throughput("click_redirect", clicks, 302, "tracking.health_baseline_per_second", baseline);
        // As after a broadcast: every request the first open or click of another email, so each one claims a
        // first, adds a tally and an event, and each click reads a link no node has in memory yet.
        List<String> firstOpens = new ArrayList<>();
        List<String> firstClicks = new ArrayList<>();
        for (long id = first + 1_000; id < first + Math.min(EMAILS, 101_000); id++) {
            firstClicks.add("/c/" + signer.sign("c" + Long.toString(id, 36) + "-0"));
        }
        firstOpens.addAll(pixels(first + 101_000, first + Math.min(EMAILS, 201_000)));
        double firstOpen = throughput("open_pixel_first", firstOpens, 200, "tracking.health_baseline_per_second",
                baseline);
        double coldClick = throughput("click_redirect_cold", firstClicks, 302, "tracking.health_baseline_per_second",
                baseline);
        RESULTS.add("tracking", "open_pixel_over_root_floor", open / floor, "ratio", null, null);
        RESULTS.add("tracking", "click_redirect_over_root_floor", click / floor, "ratio", null, null);
        for (String[] figure : new String[][] {{"open_pixel", Double.toString(open)},
                {"click_redirect", Double.toString(click)}, {"open_pixel_first", Double.toString(firstOpen)},
                {"click_redirect_cold", Double.toString(coldClick)}}) {
            double rate = Double.parseDouble(figure[1]);
            Double p99 = RESULTS.value("tracking." + figure[0] + "_p99");
            String line = String.format(Locale.ROOT, "target %s >= 2000 requests/s with p99 < 50 ms: %s (%.0f/s,"
                    + " p99 %.1f ms)", figure[0], rate >= 2000 && p99 != null && p99 < 50 ? "PASS" : "MISS", rate, p99);
            System.out.println(line);
            SETTINGS.put("target " + figure[0], line);
        }
        long recorded = jdbcMin("select count(*) from sf_tracking_hit where hit_at >= '2027-01-01'");
        long answered = Math.round(RESULTS.value("tracking.open_pixel_answered")
                + RESULTS.value("tracking.click_redirect_answered")
                + RESULTS.value("tracking.click_redirect_cold_answered")
                + RESULTS.value("tracking.open_pixel_first_answered"));
        RESULTS.add("tracking", "hits_recorded", recorded, "rows", null, null);
        String line = String.format(Locale.ROOT, "target every answered open and click recorded: %s (%d answered,"
                + " %d recorded)", recorded == answered ? "PASS" : "MISS", answered, recorded);
        System.out.println(line);
        SETTINGS.put("target no hit lost", line);
    }

    /**
     * The open pixels of the emails {@code from} (included) to {@code to}, as TrackingTokens signs them:
     * {@code o<row>.<sent at, epoch ms>}, in base 36.
     */
    private List<String> pixels(long from, long to) throws SQLException {
        List<String> pixels = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                java.sql.ResultSet rs = s.executeQuery("select outbox_id, sent_at from sf_tracked_email"
                        + " where outbox_id >= " + from + " and outbox_id < " + to + " order by outbox_id")) {
            while (rs.next()) {
                pixels.add("/o/" + signer.sign("o" + Long.toString(rs.getLong(1), 36) + "."
                        + Long.toString(rs.getTimestamp(2).getTime(), 36)));
            }
        }
        return pixels;
    }

    private long jdbcMin(String sql) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                java.sql.ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The analytics endpoints timed; each gets {@code from} and {@code to} added. */
    private static List<String> endpointPaths() {
        return List.of("/api/v1/analytics/journeys/welcome", "/api/v1/analytics/messages",
                "/api/v1/analytics/messages?template=template-7", "/api/v1/analytics/revenue",
                "/api/v1/analytics/cohorts", "/api/v1/analytics/lifetime-value", "/api/v1/analytics/nps",
                "/api/v1/analytics/nps?survey=onboarding-survey", "/api/v1/analytics/stages",
                "/api/v1/analytics/stages/flows", "/api/v1/analytics/stages/time-in-stage", "/api/v1/analytics/churn");
    }

    /** Loads of the tables other features added, after the core ones. */
    private List<LoadStep> extraLoads() {
        List<LoadStep> steps = new ArrayList<>();
        steps.add(new LoadStep("attribution", () -> execute(chunked(EMAILS / 25, """
                insert into sf_attribution (order_hash, customer_id, ordered_at, currency, amount_cents,
                                            attribution_rule, outbox_id, journey_key, step_id, template_key)
                select concat('bench', n), concat('bc', mod(n, %2$d) + 1), %1$s,
                       case mod(n, 3) when 0 then 'EUR' else 'USD' end, 1000 + mod(n, 20000),
                       case mod(n, 4) when 0 then 'clicked' when 1 then 'opened' when 2 then 'received'
                                      else 'coupon' end, n, %4$s, concat('Send', mod(n, 20)),
                       concat('template-', mod(n, 20))
                from %3$s""".formatted(at("n * 150"), CUSTOMERS, "%s", journey())))));
        steps.add(new LoadStep("revenue_tallies", () -> execute("""
                insert into sf_tally_hourly (series, subject, version, element, figure, hour_utc, amount)
                select 'revenue', journey_key, 0, concat(step_id, '/', template_key),
                       concat(currency, ':', attribution_rule, ':', m.measure), hour_utc,
                       sum(case m.measure when 'ORDERS' then 1 else amount_cents end)
                from (select journey_key, step_id, template_key, currency, attribution_rule, amount_cents,
                             %s as hour_utc from sf_attribution) a
                cross join (select 'ORDERS' as measure union all select 'CENTS') m
                group by journey_key, step_id, template_key, currency, attribution_rule, m.measure, hour_utc"""
                .formatted(hour("ordered_at")))));
        // Survey answers as NPS tallies: every hour of the year, each score, for one survey and for all.
        steps.add(new LoadStep("nps_tallies", () -> execute("""
                insert into sf_tally_hourly (series, subject, version, element, figure, hour_utc, amount)
                select s.series, s.subject, 0, '', concat('SCORE_', mod(n, 11)), %s, 1 + mod(n, 3)
                from %s cross join (select 'nps' as series, 'onboarding-survey' as subject
                                    union all select 'nps-all', '') s""".formatted(
                at("(floor((n - 1) / 11)) * 3600"), sequence(1, 8760 * 11)))));
        // Cohorts of the loaded year: each month's first-time buyers and who of them ordered in each later month.
        steps.add(new LoadStep("cohort_tallies", () -> execute("""
                insert into sf_tally_hourly (series, subject, version, element, figure, hour_utc, amount)
                select 'cohort', concat('2026-', lpad(c.m, 2, '0')), 0, concat('2026-', lpad(k.m, 2, '0')),
                       'CUSTOMERS', timestamp '2026-01-01 00:00:00' + interval (c.m - 1) month, 40000 / (k.m - c.m + 1)
                from (select n as m from %1$s) c join (select n as m from %1$s) k on k.m >= c.m"""
                .formatted(sequence(1, 12)).replace("timestamp '2026-01-01 00:00:00' + interval (c.m - 1) month",
                        monthStart("c.m")))));
        // Three stage moves per customer over the year, their flow tallies, and a snapshot of every day.
        steps.add(new LoadStep("stage_changes", () -> execute(chunked(3 * CUSTOMERS, """
                insert into sf_stage_change (customer_id, from_stage, to_stage, changed_at, cause, from_stage_seconds)
                select concat('bc', mod(n, %2$d) + 1), %3$s, %4$s, %1$s, 'bench', mod(n * 7919, 2592000)
                from %5$s""".formatted(at("n * 10"), CUSTOMERS, stage("mod(n, 8)"), stage("mod(n + 1, 8)"), "%s")))));
        steps.add(new LoadStep("stage_flow_tallies", () -> execute("""
                insert into sf_tally_hourly (series, subject, version, element, figure, hour_utc, amount)
                select 'stage', from_stage, 0, to_stage, 'MOVED', hour_utc, count(*)
                from (select from_stage, to_stage, %s as hour_utc from sf_stage_change where cause = 'bench') m
                group by from_stage, to_stage, hour_utc""".formatted(hour("changed_at")))));
        // Their time-in-stage roll-up (customers/StageTimes), as each move adds it: a range, a slice and a part tally.
        String moves = stageTimes();
        steps.add(new LoadStep("stage_time_tallies", () -> execute("""
                insert into sf_tally_hourly (series, subject, version, element, figure, hour_utc, amount)
                select '%s', from_stage, 0, cast(r as char(8)), '%s', hour_utc, count(*) from %s
                group by from_stage, r, hour_utc""".formatted(StageTimes.RANGE_SERIES, StageTimes.FIGURE, moves), """
                insert into sf_tally_hourly (series, subject, version, element, figure, hour_utc, amount)
                select '%s', concat(from_stage, '/', r), 0, cast(s as char(8)), '%s', hour_utc, count(*) from %s
                group by from_stage, r, s, hour_utc""".formatted(StageTimes.SLICE_SERIES, StageTimes.FIGURE, moves),
                """
                insert into sf_tally_hourly (series, subject, version, element, figure, hour_utc, amount)
                select '%s', concat(from_stage, '/', r, '/', s), 0, cast(p as char(8)), '%s', hour_utc, count(*)
                from %s group by from_stage, r, s, p, hour_utc""".formatted(StageTimes.PART_SERIES,
                StageTimes.FIGURE, moves))));
        steps.add(new LoadStep("stage_snapshots", () -> execute(
                // The snapshot worker may have taken yesterday's already: the loaded year replaces it.
                "delete from sf_stage_snapshot", "delete from sf_stage_snapshot_day",
                "insert into sf_stage_snapshot_day (snapshot_day, taken_at) select %s, %s from %s".formatted(
                        day("n"), at("n * 86400"), sequence(0, 364)),
                ("insert into sf_stage_snapshot (snapshot_day, stage, customers) select %s, %s, 125000 + mod(n * 37, 999)"
                        + " from %s").formatted(day("floor(n / 8)"), stage("mod(n, 8)"), sequence(0, 365 * 8 - 1)))));
        // Every email tracked, with its one link; then the hits: two per email, a tenth of them clicks.
        steps.add(new LoadStep("tracked_emails", () -> execute(chunked(EMAILS, """
                insert into sf_tracked_email (outbox_id, customer_id, template_key, journey_key, step_id, sent_at)
                select id, customer_id, template_key, journey_key, step_id, sent_at
                from sf_outbox join %s on id = n"""))));
        steps.add(new LoadStep("tracked_links", () -> execute(chunked(EMAILS, """
                insert into sf_tracked_link (outbox_id, link_index, url)
                select n, 0, 'https://shop.example.com/new-in' from %s"""))));
        steps.add(new LoadStep("tracking_hits", () -> execute(chunked(HITS, """
                insert into sf_tracking_hit (outbox_id, kind, link_index, hit_at, machine, reason)
                select mod(n, %2$d) + 1, case mod(n, 10) when 0 then 'CLICK' else 'OPEN' end,
                       case mod(n, 10) when 0 then 0 end, %1$s, mod(n, 2) = 0,
                       case mod(n, 2) when 0 then 'apple-proxy' else 'person' end
                from %3$s""".formatted(at("n * 3"), EMAILS, "%s")))));
        return steps;
    }

    @AfterAll
    static void report() throws IOException {
        RESULTS.write("analytics-results.json", SETTINGS);
    }

    /** Empties the tables it loaded (nothing else wrote to them yet: this runs before the other scenarios). */
    @AfterAll
    static void emptyWhatWasLoaded(@Autowired DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            for (String table : LOADED_TABLES) {
                s.execute("truncate table " + table);
            }
        }
    }

    // --- measuring

    /** Times {@code REQUESTS} sequential GETs after as many unmeasured; records the p50 and p99, returns the p95. */
    private double p95(HttpClient http, String label, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(client().uri(path))
                .header("Authorization", basicAdmin()).header("Accept", "application/json")
                .timeout(Duration.ofSeconds(60)).GET().build();
        for (int i = 0; i < REQUESTS; i++) {
            check(http.send(request, HttpResponse.BodyHandlers.ofString()), path);
        }
        double[] millis = new double[REQUESTS];
        for (int i = 0; i < REQUESTS; i++) {
            long start = System.nanoTime();
            check(http.send(request, HttpResponse.BodyHandlers.ofString()), path);
            millis[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(millis);
        RESULTS.add("analytics", label + "_p50", millis[REQUESTS / 2], "ms", null, null);
        RESULTS.add("analytics", label + "_p99", millis[(int) Math.ceil(REQUESTS * 0.99) - 1], "ms", null, null);
        return millis[(int) Math.ceil(REQUESTS * 0.95) - 1];
    }

    /**
     * Requests the paths round-robin from {@code THREADS} client threads, each on its own kept-alive connection
     * ({@link KeepAliveLoad}), for the warm-up and then for the measured seconds, each thread waiting for its answer
     * before the next; records requests per second and the p50 and p99 latency of the measured part, against the
     * baseline figure when one is given.
     */
    private double throughput(String label, List<String> paths, int expectedStatus, String baseline,
            Double baselineValue) throws Exception {
        System.out.println("load " + label + " from " + java.time.Instant.now());
        KeepAliveLoad.Outcome outcome = new KeepAliveLoad(client().uri("/"), THREADS, BROWSER)
                .run("GET", paths, expectedStatus, Duration.ofSeconds(WARMUP_SECONDS), Duration.ofSeconds(SECONDS));
        System.out.println("load " + label + " until " + java.time.Instant.now());
        double rate = outcome.perSecond();
        RESULTS.add("tracking", label + "_per_second", rate, "requests/s", baseline, baselineValue);
        RESULTS.add("tracking", label + "_p50", outcome.percentile(0.5), "ms", null, null);
        RESULTS.add("tracking", label + "_p99", outcome.percentile(0.99), "ms", null, null);
        RESULTS.add("tracking", label + "_unexpected_answers", outcome.unexpected(), "requests", null, null);
        RESULTS.add("tracking", label + "_answered", outcome.answered(), "requests", null, null);
        return rate;
    }

    private static void check(HttpResponse<String> response, String path) {
        if (response.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
        }
    }

    private static String basicAdmin() {
        return "Basic " + java.util.Base64.getEncoder().encodeToString(("admin:" + ADMIN_PASSWORD).getBytes());
    }

    private static String name(String path) {
        return path.replace("/api/v1/analytics/", "").replace("/api/v1/", "").replaceAll("[^A-Za-z0-9]+", "_")
                .replaceAll("_+$", "");
    }

    private static void target(String what, double p95) {
        String line = String.format(Locale.ROOT, "target %s: %s (%.1f ms)", what, p95 < 300 ? "PASS" : "MISS", p95);
        System.out.println(line);
        SETTINGS.put("target " + what, line);
    }

    // --- loading

    /** Loads {@code rows} rows with the statement, whose {@code %s} is a sequence of numbers n, chunk by chunk. */
    private void loaded(String table, int rows, String insert) throws Exception {
        timed(table, () -> execute(chunked(rows, insert)));
        RESULTS.add("analytics", "load_" + table + "_rows", rows, "rows", null, null);
    }

    private List<String> chunked(int rows, String insert) {
        List<String> statements = new ArrayList<>();
        for (int from = 1; from <= rows; from += CHUNK) {
            statements.add(insert.formatted(sequence(from, Math.min(rows, from + CHUNK - 1))));
        }
        return statements;
    }

    private void timed(String what, Loader load) throws Exception {
        long start = System.nanoTime();
        load.run();
        double seconds = (System.nanoTime() - start) / 1e9;
        RESULTS.add("analytics", "load_" + what + "_seconds", seconds, "s", null, null);
    }

    private void execute(String... statements) throws SQLException {
        execute(List.of(statements));
    }

    private void execute(List<String> statements) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.executeUpdate(sql);
            }
        }
    }

    /** The numbers {@code from} to {@code to} as a table with one column, n. */
    private static String sequence(int from, int to) {
        return TestDatabase.isMariaDb() ? "(select seq as n from seq_%d_to_%d) numbers".formatted(from, to)
                : "(select x as n from system_range(%d, %d)) numbers".formatted(from, to);
    }

    /** One of eight journeys, the first of them the real welcome journey, whose report is timed. */
    private static String journey() {
        return "case mod(n, 8) when 0 then 'welcome' else concat('journey-', mod(n, 8)) end";
    }

    /** A time in the loaded year: {@code secondsExpression} seconds after its start, wrapped around the year. */
    private static String at(String secondsExpression) {
        String seconds = "mod(" + secondsExpression + ", " + YEAR_SECONDS + ")";
        return TestDatabase.isMariaDb() ? "timestamp'" + YEAR_START + "' + interval " + seconds + " second"
                : "dateadd(second, " + seconds + ", timestamp '" + YEAR_START + "')";
    }

    /** The first instant of month {@code monthExpression} (1 to 12) of the loaded year. */
    private static String monthStart(String monthExpression) {
        return TestDatabase.isMariaDb() ? "timestamp'" + YEAR_START + "' + interval (" + monthExpression + " - 1) month"
                : "dateadd(month, " + monthExpression + " - 1, timestamp '" + YEAR_START + "')";
    }

    /**
     * The loaded moves with the range {@code r}, slice {@code s} and part {@code p} of their time in stage, as SQL
     * that computes them as {@link StageTimes} does: the range from its bounds, then which of the range's
     * {@code SLICES * PARTS} equal parts the time is in, by integer division.
     */
    private static String stageTimes() {
        int fine = StageTimes.SLICES * StageTimes.PARTS;
        StringBuilder range = new StringBuilder("case");
        StringBuilder start = new StringBuilder("case r");
        StringBuilder width = new StringBuilder("case r");
        for (int r = 0; r < StageTimes.RANGES; r++) {
            long first = StageTimes.sliceStart(r, 0);
            long next = r + 1 < StageTimes.RANGES ? StageTimes.sliceStart(r + 1, 0) : Long.MAX_VALUE;
            range.append(" when from_stage_seconds < ").append(next).append(" then ").append(r);
            start.append(" when ").append(r).append(" then ").append(first);
            width.append(" when ").append(r).append(" then ").append(r == 0 ? next : first);
        }
        String divide = TestDatabase.isMariaDb() ? " div " : " / ";
        return """
                (select from_stage, r, hour_utc, fine%2$s%3$d as s, mod(fine, %3$d) as p
                 from (select from_stage, r, hour_utc, (from_stage_seconds - (%4$s end)) * %5$d%2$s(%6$s end) as fine
                       from (select from_stage, from_stage_seconds, %7$s end as r, %1$s as hour_utc
                             from sf_stage_change where cause = 'bench') ranged) parted) m""".formatted(
                hour("changed_at"), divide, StageTimes.PARTS, start, fine, width, range);
    }

    /** The stage numbered {@code expression} (0 to 7), in lifecycle order. */
    private static String stage(String expression) {
        return "case " + expression + " when 0 then 'AWARENESS' when 1 then 'ENGAGEMENT' when 2 then 'CONVERSION'"
                + " when 3 then 'ONBOARDING' when 4 then 'RETENTION' when 5 then 'EXPANSION' when 6 then 'ADVOCACY'"
                + " else 'LAPSED' end";
    }

    /** Day {@code expression} (0 to 364) of the loaded year, as a date. */
    private static String day(String expression) {
        return TestDatabase.isMariaDb() ? "date'2026-01-01' + interval " + expression + " day"
                : "dateadd(day, " + expression + ", date '2026-01-01')";
    }

    /** The start of the hour of a time column. */
    private static String hour(String column) {
        return TestDatabase.isMariaDb() ? "date_format(" + column + ", '%Y-%m-%d %H:00:00')"
                : "date_trunc('hour', " + column + ")";
    }

    private record LoadStep(String name, Loader load) {
    }

    @FunctionalInterface
    private interface Loader {
        void run() throws Exception;
    }
}
