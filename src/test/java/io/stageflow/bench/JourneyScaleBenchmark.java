package io.stageflow.bench;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import javax.sql.DataSource;

import io.stageflow.testing.CountingSmtpSink;
import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.StageflowClient;
import io.stageflow.testing.TestDatabase;

import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.runtime.Job;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The journey-at-scale scenario of the benchmark runner ({@code ./mvnw -Pbench verify}, docs/benchmarks.md, issue 20):
 * for each size in {@code stageflow.bench.journey.sizes} (smallest first), that many new customers sign up through
 * {@code POST /api/v1/events} and go through the whole welcome journey (the welcome email, the 3-day timer, the
 * reminder, the end), and then Camunda's history cleanup removes their journeys' history once its time to live has
 * passed (the engine clock is moved, never slept). It exists to show whether the cost per customer stays flat as the
 * number of customers grows (each size's figure against the smallest size's), and whether the Camunda history tables
 * stay bounded with cleanup on: it records every history and runtime table's rows before each size, after its
 * journeys ended and after the cleanup. It measures and records; it asserts nothing about speed, only that every
 * customer got exactly one welcome and one reminder, that every journey ended, and that the cleanup removed their
 * history. Afterwards it removes the customers it added and their rows.
 */
class JourneyScaleBenchmark extends IntegrationTest {

    /** The numbers of sign-ups, smallest first; the first is every later size's baseline. */
    private static final List<Integer> SIZES = Arrays.stream(System.getProperty("stageflow.bench.journey.sizes",
            "1000,10000").split(",")).map(String::strip).map(Integer::valueOf).sorted().toList();
    /** Unique per run, so that a second run on the same database never meets the first one's ids. */
    private static final String RUN = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);
    private static final String PREFIX = "js" + RUN + "-";
    /** The welcome journey's timer (P3D) and its history time to live (P180D), from bpmn/welcome.bpmn. */
    private static final Duration TIMER = Duration.ofDays(3);
    private static final Duration HISTORY_TIME_TO_LIVE = Duration.ofDays(180);
    /** Tables whose rows are recorded in the figures whether or not they changed. */
    private static final List<String> NAMED_TABLES = List.of("ACT_HI_PROCINST", "ACT_HI_ACTINST", "ACT_HI_VARINST",
            "ACT_HI_DETAIL", "ACT_HI_JOB_LOG", "ACT_HI_INCIDENT", "ACT_HI_IDENTITYLINK", "ACT_HI_TASKINST",
            "ACT_GE_BYTEARRAY", "ACT_RU_JOB", "ACT_RU_EXECUTION", "sf_customer", "sf_event", "sf_outbox");

    private static final Results RESULTS = new Results();
    private static final Map<String, String> SETTINGS = new LinkedHashMap<>();
    /** The customers of every attempt so far (surefire runs a failed test once more, in the same JVM). */
    private static final List<Signups> ADDED = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * One size's customers: ids {@code js<run>-<size>-<row, zero-padded>} ({@code <size>r<attempt>} for a rerun), so
     * that within a size they sort in row order and a range of ids is a range of rows.
     */
    record Signups(String base, int size) {

        static Signups next(int size) {
            long earlier = ADDED.stream().filter(added -> added.size() == size).count();
            Signups signups = new Signups(PREFIX + size + (earlier == 0 ? "" : "r" + earlier) + "-", size);
            ADDED.add(signups);
            return signups;
        }

        String customer(int row) {
            return base + String.format(Locale.ROOT, "%07d", row);
        }

        String email(int row) {
            return (customer(row) + "@" + CountingSmtpSink.DOMAIN).toLowerCase(Locale.ROOT);
        }

        /** The first id, and the first beyond the last. */
        String from() {
            return customer(0);
        }

        String to() {
            return customer(size);
        }
    }

    static {
        BenchDatabase.recreateIfMariaDb();
    }

    @Autowired
    HistoryService historyService;

    @Autowired
    ProcessEngine processEngine;

    static Stream<Integer> sizes() {
        return SIZES.stream();
    }

    @ParameterizedTest(name = "{0} sign-ups")
    @MethodSource("sizes")
    void signupsThroughTheWelcomeJourneyWithHistoryCleanup(int size) throws Exception {
        SETTINGS.put("database", TestDatabase.isMariaDb() ? "mariadb" : "h2");
        SETTINGS.put("sizes", SIZES.toString());
        SETTINGS.put("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
        SETTINGS.put("run", RUN);
        Signups signups = Signups.next(size);
        Map<String, Long> before = tableRows();
        long welcomeHistoryBefore = welcomeHistoryRows();

        importCustomers(signups);

        // 1. The sign-ups, 100 a request, timed from the first post to the last welcome email the SMTP sink accepted.
        StageflowClient client = client(client().newWriteKey("bench-journey-scale-" + RUN + "-" + size), "");
        long start = System.nanoTime();
        for (int first = 0; first < size; first += 100) {
            client.postSignups(IntStream.range(first, Math.min(first + 100, size)).mapToObj(signups::customer).toList())
                    .expectStatus(202);
        }
        double postSeconds = seconds(start);
        await().atMost(patience(size)).pollInterval(Duration.ofMillis(50)).until(() -> {
            for (int i = size - 1; i >= 0; i--) {
                if (CountingSmtpSink.firstAcceptedNanos(signups.email(i)) == null) {
                    return false;
                }
            }
            return true;
        });
        long last = 0;
        for (int i = 0; i < size; i++) {
            last = Math.max(last, CountingSmtpSink.firstAcceptedNanos(signups.email(i)));
        }
        double signupSeconds = (last - start) / 1e9;
        // The welcome email is queued in the transaction that reaches the wait, so every instance now waits.
        long waiting = welcomeJourneys(signups, " and END_TIME_ is null");
        check(waiting == size, waiting + " of " + size + " welcome journeys wait for the first order");
        add("signup_post_" + size, size / postSeconds, "events/s", "signup_post_");
        add("signups_to_smtp_" + size, size / signupSeconds, "signups/s", "signups_to_smtp_");
        add("us_per_signup_" + size, signupSeconds * 1e6 / size, "µs", "us_per_signup_");

        // 2. Past the 3-day timer, into the day (the reminder keeps quiet hours, 21:00-08:00 in the customers' UTC):
        // timed from the move to the last reminder the sink accepted.
        long sinkBefore = CountingSmtpSink.total();
        Duration toDaytime = afterTimerInDaytime(ClockUtil.getCurrentTime().toInstant());
        long timerStart = System.nanoTime();
        advanceClock(toDaytime);
        jobExecutorHint();
        await().atMost(patience(size)).pollInterval(Duration.ofMillis(50))
                .until(() -> CountingSmtpSink.total() - sinkBefore >= size);
        double timerSeconds = seconds(timerStart);
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                .until(() -> welcomeJourneys(signups, " and END_TIME_ is null") == 0);
        awaitQuiet();
        add("timer_to_reminders_" + size, size / timerSeconds, "customers/s", "timer_to_reminders_");
        add("us_per_reminder_" + size, timerSeconds * 1e6 / size, "µs", "us_per_reminder_");
        checkEveryCustomerGotTwoEmails(signups);
        long notConverted = welcomeJourneys(signups, " and END_ACT_ID_ = 'NotConverted'");
        check(notConverted == size, notConverted + " of " + size + " welcome journeys ended at NotConverted");
        Map<String, Long> ended = tableRows();
        Map<String, Long> events = new TreeMap<>();
        jdbc.sql("select type, count(*) from sf_event where customer_id >= ? and customer_id < ? group by type")
                .params(signups.from(), signups.to()).query((rs, row) -> events.put(rs.getString(1), rs.getLong(2))).list();
        SETTINGS.put("events_of_the_customers_" + size, events.toString());
        System.out.println("journey_scale events_of_the_customers_" + size + " " + events);

        // 3. Past the history's time to live, then Camunda's history cleanup, started at once (no batch window).
        advanceClock(HISTORY_TIME_TO_LIVE.plusDays(1));
        long cleanupStart = System.nanoTime();
        historyService.cleanUpHistoryAsync(true);
        awaitHistoryCleanup(size);
        double cleanupSeconds = seconds(cleanupStart);
        awaitQuiet();
        Map<String, Long> cleaned = tableRows();
        long left = welcomeJourneys(signups, "");
        check(left == 0, "the history cleanup left " + left + " of " + size + " welcome journeys' instances");
        long welcomeHistoryAfter = welcomeHistoryRows();
        check(welcomeHistoryAfter <= welcomeHistoryBefore, "the welcome journey's activity and variable history has "
                + welcomeHistoryAfter + " rows after the cleanup, " + welcomeHistoryBefore + " before the sign-ups");
        long expired = expiredHistoryRows();
        check(expired == 0, expired + " history rows past their removal time are left after the cleanup");
        long removed = 0;
        for (Map.Entry<String, Long> table : ended.entrySet()) {
            if (isCamundaHistory(table.getKey())) {
                removed += table.getValue() - cleaned.getOrDefault(table.getKey(), 0L);
            }
        }
        add("history_cleanup_seconds_" + size, cleanupSeconds, "s", "history_cleanup_seconds_");
        add("history_cleanup_" + size, removed / cleanupSeconds, "rows/s", "history_cleanup_");
        add("history_cleanup_us_per_customer_" + size, cleanupSeconds * 1e6 / size, "µs",
                "history_cleanup_us_per_customer_");
        SETTINGS.put("history_rows_removed_" + size, Long.toString(removed));
        recordTables(size, before, ended, cleaned);
    }

    /** The welcome journeys of these customers in the history, those that meet {@code condition} ({@code and …}). */
    private long welcomeJourneys(Signups signups, String condition) {
        return jdbc.sql("select count(*) from ACT_HI_PROCINST where PROC_DEF_KEY_ = 'welcome'"
                + " and BUSINESS_KEY_ >= ? and BUSINESS_KEY_ < ?" + condition).params(signups.from(), signups.to())
                .query(Long.class).single();
    }

    /** Imports the size's customers (time zone UTC) through the API, untimed: the sign-ups need them to exist. */
    private void importCustomers(Signups signups) throws IOException {
        int size = signups.size();
        Path csv = Files.createTempFile("bench-journey-scale", ".csv");
        try {
            try (Writer out = Files.newBufferedWriter(csv)) {
                out.write("id,email,firstName,timeZone\n");
                for (int i = 0; i < size; i++) {
                    String id = signups.customer(i);
                    out.write("%s,%s@%s,Ada,UTC\n".formatted(id, id, CountingSmtpSink.DOMAIN));
                }
            }
            long job = client().postFile("/api/v1/imports", "file", csv).expectStatus(202).json().path("id")
                    .asLong();
            String status = awaitJobEnd(job, patience(size), Duration.ofMillis(200)).path("status").asText();
            check("COMPLETED".equals(status), "import " + job + " ended " + status);
            long stored = jdbc.sql("select count(*) from sf_customer where id >= ? and id < ?")
                    .params(signups.from(), signups.to()).query(Long.class).single();
            check(stored == size, "the import stored " + stored + " of " + size + " customers");
        } finally {
            Files.deleteIfExists(csv);
        }
    }

    /** How far to move the clock: past the timer, and on to 09:00 UTC should that fall in the quiet hours. */
    static Duration afterTimerInDaytime(Instant now) {
        ZonedDateTime due = now.plus(TIMER).plus(Duration.ofMinutes(1)).atZone(ZoneOffset.UTC);
        LocalTime time = due.toLocalTime();
        if (time.isBefore(LocalTime.of(9, 0))) {
            due = due.with(LocalTime.of(9, 0));
        } else if (!time.isBefore(LocalTime.of(19, 0))) {
            due = due.plusDays(1).with(LocalTime.of(9, 0));
        }
        return Duration.between(now, due.toInstant());
    }

    /**
     * Tells the job executor that jobs are due, as a node does when it creates one: moving the clock creates none, and
     * with the application's own polling the acquisition may sleep up to its maximum wait (60 s) after idle times.
     */
    private void jobExecutorHint() {
        ((ProcessEngineConfigurationImpl) processEngine.getProcessEngineConfiguration()).getJobExecutor().jobWasAdded();
    }

    /**
     * Waits until the history cleanup is done. With the removal-time strategy each run of the cleanup job deletes
     * up to {@code historyCleanupBatchSize} (500) rows per history table whose removal time has passed; if any table
     * gave a full batch the job is rescheduled at once, otherwise it is suspended (no batch window is configured) or
     * moved to the next window (one is), in a transaction after the one that deleted. So it is done when every
     * history cleanup job is suspended or due later (its lock owner is not cleared when it is suspended, so the lock
     * says nothing). Camunda 7.24: HistoryCleanupJobHandler, HistoryCleanupRemovalTime, HistoryCleanupSchedulerCmd.
     */
    private void awaitHistoryCleanup(int size) {
        await().atMost(patience(size).multipliedBy(2)).pollInterval(Duration.ofMillis(100)).until(() -> {
            List<Job> jobs = historyService.findHistoryCleanupJobs();
            check(!jobs.isEmpty(), "no history cleanup job");
            for (Job job : jobs) {
                check(job.getRetries() > 0, "the history cleanup job failed: " + job.getExceptionMessage());
            }
            long busy = jdbc.sql("select count(*) from ACT_RU_JOB where HANDLER_TYPE_ = 'history-cleanup'"
                    + " and SUSPENSION_STATE_ = 1 and (DUEDATE_ is null or DUEDATE_ <= ?)")
                    .param(Timestamp.from(ClockUtil.getCurrentTime().toInstant())).query(Long.class).single();
            return busy == 0;
        });
    }

    /**
     * Waits until nothing is in flight that moving the clock back could strand: no engine job locked (a lock taken
     * at the moved time would look held for months once the clock is back; a suspended history cleanup job keeps its
     * lock owner, and taking it up again resets it), no email being sent (the same for its
     * lease), no event of this run's customers waiting to be routed.
     */
    private void awaitQuiet() {
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(200)).until(() ->
                jdbc.sql("select count(*) from ACT_RU_JOB where LOCK_OWNER_ is not null and SUSPENSION_STATE_ = 1")
                        .query(Long.class).single() == 0
                && jdbc.sql("select count(*) from sf_outbox where status = 'SENDING'"
                        + " or (status = 'PENDING' and customer_id like ?)").param(PREFIX + "%").query(Long.class)
                        .single() == 0
                && jdbc.sql("select count(*) from sf_event where status = 'PENDING' and customer_id like ?")
                        .param(PREFIX + "%").query(Long.class).single() == 0);
    }

    /** Exactly one welcome email and one reminder per customer: at the SMTP sink, and sent in the outbox. */
    private void checkEveryCustomerGotTwoEmails(Signups signups) {
        int size = signups.size();
        Map<String, Long> received = CountingSmtpSink.countsByRecipient(signups.base().toLowerCase(Locale.ROOT));
        check(received.size() == size, received.size() + " of " + size + " customers received email");
        long notTwo = received.values().stream().filter(count -> count != 2).count();
        check(notTwo == 0, notTwo + " customers did not receive exactly two emails");
        Map<String, Long> rows = new TreeMap<>();
        jdbc.sql("select template_key, status, count(*) from sf_outbox where customer_id >= ? and customer_id < ?"
                + " group by template_key, status").params(signups.from(), signups.to())
                .query((rs, row) -> rows.put(rs.getString(1) + "/" + rs.getString(2), rs.getLong(3))).list();
        check(rows.equals(Map.of("welcome/SENT", (long) size, "welcome-reminder/SENT", (long) size)),
                "outbox rows of the customers: " + rows);
    }

    /** Rows of every Camunda history and runtime table, the byte arrays, and every Stageflow table. */
    private Map<String, Long> tableRows() {
        Map<String, Long> rows = new TreeMap<>();
        for (String table : tables()) {
            String upper = table.toUpperCase(Locale.ROOT);
            if (upper.startsWith("ACT_HI_") || upper.startsWith("ACT_RU_") || upper.equals("ACT_GE_BYTEARRAY")
                    || upper.startsWith("SF_")) {
                rows.put(display(table), jdbc.sql("select count(*) from " + table).query(Long.class).single());
            }
        }
        return rows;
    }

    private List<String> tables() {
        return tables(jdbc);
    }

    private static List<String> tables(JdbcClient jdbc) {
        return jdbc.sql("select table_name from information_schema.tables where table_type = 'BASE TABLE' and "
                + (TestDatabase.isMariaDb() ? "table_schema = database()" : "table_schema = 'PUBLIC'"))
                .query(String.class).list();
    }

    /** Camunda's tables as Camunda names them, Stageflow's in lower case, whatever the database reports. */
    private static String display(String table) {
        String upper = table.toUpperCase(Locale.ROOT);
        return upper.startsWith("SF_") ? table.toLowerCase(Locale.ROOT) : upper;
    }

    private static boolean isCamundaHistory(String table) {
        return table.startsWith("ACT_HI_") || table.equals("ACT_GE_BYTEARRAY");
    }

    /** The welcome journey's rows in the activity and variable history (the bulk of an instance's history). */
    private long welcomeHistoryRows() {
        return jdbc.sql("select count(*) from ACT_HI_ACTINST where PROC_DEF_KEY_ = 'welcome'").query(Long.class).single()
                + jdbc.sql("select count(*) from ACT_HI_VARINST where PROC_DEF_KEY_ = 'welcome'").query(Long.class)
                        .single();
    }

    /** History rows whose removal time has passed: none once the cleanup is done. */
    private long expiredHistoryRows() {
        Timestamp now = Timestamp.from(ClockUtil.getCurrentTime().toInstant());
        long rows = 0;
        for (String table : List.of("ACT_HI_PROCINST", "ACT_HI_ACTINST", "ACT_HI_VARINST", "ACT_HI_DETAIL",
                "ACT_HI_JOB_LOG", "ACT_HI_INCIDENT", "ACT_HI_IDENTITYLINK", "ACT_HI_TASKINST", "ACT_GE_BYTEARRAY")) {
            rows += jdbc.sql("select count(*) from " + table + " where REMOVAL_TIME_ <= ?").param(now)
                    .query(Long.class).single();
        }
        return rows;
    }

    /**
     * Each named table's rows, and every other table's that changed, before the sign-ups, after the journeys ended
     * and after the cleanup; and which Camunda tables came back to where they were (bounded).
     */
    private static void recordTables(int size, Map<String, Long> before, Map<String, Long> ended,
            Map<String, Long> cleaned) {
        List<String> bounded = new ArrayList<>();
        List<String> grown = new ArrayList<>();
        List<String> stageflow = new ArrayList<>();
        for (String table : ended.keySet()) {
            long b = before.getOrDefault(table, 0L);
            long e = ended.get(table);
            long c = cleaned.getOrDefault(table, 0L);
            if (!NAMED_TABLES.contains(table) && b == e && e == c) {
                continue;
            }
            RESULTS.add("journey_scale", "rows_" + table + "_" + size + "_before", b, "rows", null, null);
            RESULTS.add("journey_scale", "rows_" + table + "_" + size + "_ended", e, "rows", null, null);
            RESULTS.add("journey_scale", "rows_" + table + "_" + size + "_cleaned", c, "rows", null, null);
            String change = c == b ? "" : " (" + (c > b ? "+" : "") + (c - b) + ")";
            if (table.startsWith("ACT_")) {
                (c <= b ? bounded : grown).add(table + change);
            } else if (c != b) {
                stageflow.add(table + change);
            }
        }
        String summary = "Camunda tables bounded (back to the rows before the sign-ups or fewer): " + bounded
                + "; Camunda tables grown: " + grown + "; Stageflow's own tables changed (not Camunda's cleanup to"
                + " remove): " + stageflow;
        SETTINGS.put("tables_" + size, summary);
        System.out.println("journey_scale tables_" + size + " " + summary);
    }

    /** A figure, against the smallest size's figure of the same kind (the baseline) for every larger size. */
    private static void add(String figure, double value, String unit, String kind) {
        int smallest = SIZES.get(0);
        String baseline = figure.equals(kind + smallest) ? null : "journey_scale." + kind + smallest;
        RESULTS.add("journey_scale", figure, value, unit, baseline, baseline == null ? null : RESULTS.value(baseline));
    }

    private static Duration patience(int size) {
        return Duration.ofMinutes(5).plusMillis(size * 100L);
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new AssertionError(message);
        }
    }

    @AfterAll
    static void report() throws IOException {
        RESULTS.write("journey-scale-results.json", SETTINGS);
    }

    /**
     * Removes what the scenario added, a range of ids at a time: its customers, and their rows in every Stageflow
     * table keyed by customer (events, outbox, stage changes, coupons, sent copies, ...) and their emails' tracked
     * links. The engine's history of
     * their journeys is gone already (the cleanup); Stageflow's tallies, which hold no customer, stay.
     */
    @AfterAll
    static void removeWhatWasAdded(@Autowired DataSource dataSource, @Autowired JdbcClient jdbc) throws SQLException {
        List<String> byCustomer = new ArrayList<>();
        for (String table : tables(jdbc)) {
            boolean hasCustomerId = !jdbc.sql("select column_name from information_schema.columns where table_name = ?"
                    + " and lower(column_name) = 'customer_id' and "
                    + (TestDatabase.isMariaDb() ? "table_schema = database()" : "table_schema = 'PUBLIC'"))
                    .param(table).query(String.class).list().isEmpty();
            if (hasCustomerId && table.toUpperCase(Locale.ROOT).startsWith("SF_")) {
                byCustomer.add(table);
            }
        }
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            for (Signups signups : ADDED) {
                for (int from = 0; from < signups.size(); from += 100_000) {
                    String low = signups.customer(from);
                    String high = signups.customer(Math.min(signups.size(), from + 100_000));
                    // The links of their emails are keyed by outbox row, not by customer.
                    s.executeUpdate(("delete from sf_tracked_link where outbox_id in (select id from sf_outbox"
                            + " where customer_id >= '%s' and customer_id < '%s')").formatted(low, high));
                    for (String table : byCustomer) {
                        s.executeUpdate("delete from %s where customer_id >= '%s' and customer_id < '%s'"
                                .formatted(table, low, high));
                    }
                    s.executeUpdate("delete from sf_customer where id >= '%s' and id < '%s'".formatted(low, high));
                }
            }
        }
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
