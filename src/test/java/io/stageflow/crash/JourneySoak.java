package io.stageflow.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.stageflow.testing.MimeParts;
import io.stageflow.testing.StageflowClient;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.store.StoredMessage;
import com.icegreen.greenmail.util.GreenMail;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.util.FileSystemUtils;

/**
 * The soak of issue 20, scenario 9: the packaged jar as its own process (its heap and threads are the application's,
 * not the load generator's), on MariaDB, sending over SMTP to GreenMail, under a steady mixed load for
 * {@code stageflow.soak.minutes} (30 by default): sign-ups that start the welcome journey, orders from a third of
 * them within the welcome window, page views, opens of received emails and one-click unsubscribes. The journeys'
 * timers are shortened (one day becomes {@code stageflow.soak.day}, a minute by default), so reminders, coupons and
 * the later journeys fire during the run (the frequency cap, whose windows are not shortened, is lifted). Every {@code stageflow.soak.sample-seconds} it samples the jar's heap and
 * live threads, the overdue jobs, the outbox and router backlogs and the load client's ingest latency, prints a
 * {@code SOAK} line and writes them all to {@code target/bench/soak.csv}. It asserts only what must hold (no 5xx,
 * every accepted event stored, no incident, the backlogs drained soon after the load stops), never a speed.
 * Runs in {@code ./mvnw -Pbench verify} (failsafe includes {@code *Soak} there), never in the default build.
 */
@ExtendWith(PrintLogsOnFailure.class)
class JourneySoak implements PrintLogsOnFailure.RunsTheJar {

    private static final int MINUTES = Integer.getInteger("stageflow.soak.minutes", 30);
    private static final Duration SAMPLE = Duration.ofSeconds(Integer.getInteger("stageflow.soak.sample-seconds", 30));
    /**
     * 10 sign-ups and 100 page views a second: what one 2-core machine (jar, MariaDB and this client) holds steadily.
     * At 20 and 200 the node falls behind once the shortened timers fire (its router by some 40 events a second,
     * its outbox too: benchmarks.md), and a growing backlog says nothing of a leak.
     */
    private static final int SIGNUPS_PER_SECOND = Integer.getInteger("stageflow.soak.signups-per-second", 10);
    private static final int EVENTS_PER_SECOND = Integer.getInteger("stageflow.soak.events-per-second", 100);
    /** What one day of a journey's timers lasts in the soak: P3D becomes three of these. */
    private static final Duration DAY = Duration.parse(System.getProperty("stageflow.soak.day", "PT1M"));
    private static final Duration DRAIN_PATIENCE = Duration.ofMinutes(Integer.getInteger("stageflow.soak.drain-minutes", 5));
    private static final int SIGNUP_BATCH = 10;
    private static final int EVENT_BATCH = 50;
    /** One customer in this many converts (orders within the welcome window), unsubscribes, opens an email. */
    private static final int CONVERTS = 3;
    private static final int UNSUBSCRIBES = 20;
    private static final int OPENS = 4;
    private static final Pattern TIMER = Pattern.compile("(<bpmn:timeDuration[^>]*>)([^<]+)(</bpmn:timeDuration>)");
    private static final Pattern OPEN_PIXEL = Pattern.compile("https?://[^/\"\\s]+(/o/[A-Za-z0-9._~-]+)");
    private static final String ONE_CLICK = "List-Unsubscribe=One-Click";

    private final CrashDatabase database = CrashDatabase.fromSystemProperties();
    private final String run = "soak" + Long.toString(System.currentTimeMillis() % 100_000_000L, 36);
    private final AtomicBoolean loading = new AtomicBoolean(true);
    private final Queue<String> customers = new ConcurrentLinkedQueue<>();
    private final Queue<Order> orders = new ConcurrentLinkedQueue<>();
    private final Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong signedUp = new AtomicLong();
    private final AtomicLong ordered = new AtomicLong();
    private final AtomicLong pageViews = new AtomicLong();
    private final AtomicLong opened = new AtomicLong();
    private final AtomicLong unsubscribed = new AtomicLong();
    private final AtomicLong emailsSeen = new AtomicLong();
    private final Queue<Long> latencies = new ConcurrentLinkedQueue<>();
    private StageflowProcess app;

    /** An order a converting customer places once {@code due} has come. */
    private record Order(String customerId, long due) {
    }

    /** One row of the figures. */
    private record Sample(long seconds, double heapUsedMb, double heapCommittedMb, long threads, long overdueJobs,
            long outboxPending, long unrouted, long sent, long incidents, long requests, double ingestP50,
            double ingestP99) {

        String line() {
            return String.format(Locale.ROOT, "SOAK t=%ds heap=%.0fMB/%.0fMB threads=%d overdue-jobs=%d"
                    + " outbox-pending=%d unrouted=%d sent=%d incidents=%d ingest-requests=%d ingest-p50=%.1fms"
                    + " ingest-p99=%.1fms", seconds, heapUsedMb, heapCommittedMb, threads, overdueJobs, outboxPending,
                    unrouted, sent, incidents, requests, ingestP50, ingestP99);
        }

        String csv() {
            return String.format(Locale.ROOT, "%d,%.1f,%.1f,%d,%d,%d,%d,%d,%d,%d,%.1f,%.1f", seconds, heapUsedMb,
                    heapCommittedMb, threads, overdueJobs, outboxPending, unrouted, sent, incidents, requests,
                    ingestP50, ingestP99);
        }
    }

    @Override
    public StageflowProcess process() {
        return app;
    }

    @AfterEach
    void stop() {
        loading.set(false);
        if (app != null) {
            app.close();
        }
    }

    @Test
    void aSteadyMixedLoadLeavesNoBacklogNoIncidentAndNoServerError() throws Exception {
        Assumptions.assumeTrue(database.shared(), "the soak reads the backlogs from MariaDB");
        GreenMail greenMail = CrashMailServer.started();
        ExecutorService load = Executors.newFixedThreadPool(3);
        try {
            Path fixtures = shortenedJourneys();
            app = StageflowProcess.prepare("soak", database, StageflowProcess.smtpTo(greenMail.getSmtp().getPort(),
                    Map.of("stageflow.journeys.dir", fixtures.resolve("bpmn").toString(),
                            "stageflow.templates.dir", fixtures.resolve("templates").toString(),
                            // The cap's windows (24 h, 7 days) are not shortened with the timers: lifted, so a
                            // journey's later emails go out in the soak instead of waiting a real day as deferred.
                            "stageflow.delivery.pacing.marketing-per-day", "1000",
                            "stageflow.delivery.pacing.marketing-per-week", "1000")));
            app.start();
            StageflowClient admin = app.admin();
            System.out.printf(Locale.ROOT, "SOAK %s: minutes=%d sample=%s signups=%d/s events=%d/s day=%s run=%s%n",
                    database.label(), MINUTES, SAMPLE, SIGNUPS_PER_SECOND, EVENTS_PER_SECOND, DAY, run);

            long start = System.nanoTime();
            long end = start + Duration.ofMinutes(MINUTES).toNanos();
            List<Future<?>> clients = List.of(load.submit(() -> signUps(admin)), load.submit(() -> events(admin)),
                    load.submit(() -> readMail(greenMail)));
            List<Sample> samples = new ArrayList<>();
            for (long k = 1; System.nanoTime() < end; k++) {
                // On a fixed grid from the start, so a slow sample does not push the later ones back.
                long next = Math.min(end, start + k * SAMPLE.toNanos());
                while (System.nanoTime() < next) {
                    clients.stream().filter(Future::isDone).findFirst().ifPresent(JourneySoak::rethrow);
                    // Real time must pass: the load runs against a separate JVM for the soak's length.
                    TimeUnit.MILLISECONDS.sleep(Math.min(500, Math.max(1, (next - System.nanoTime()) / 1_000_000)));
                }
                samples.add(sample(admin, start));
            }
            loading.set(false);
            for (Future<?> client : clients) {
                client.get(2, TimeUnit.MINUTES);
            }
            long loadEnded = System.nanoTime();
            System.out.printf("SOAK load stopped: signups=%d orders=%d page-views=%d opens=%d unsubscribes=%d"
                            + " emails-seen=%d accepted-events=%d%n", signedUp.get(), ordered.get(), pageViews.get(),
                    opened.get(), unsubscribed.get(), emailsSeen.get(), accepted.get());
            boolean drained;
            try {
                await("backlogs drained").atMost(DRAIN_PATIENCE).pollInterval(Duration.ofSeconds(2))
                        .until(() -> overdueJobs(admin) == 0 && outboxDue() == 0 && unrouted() == 0);
                drained = true;
            } catch (org.awaitility.core.ConditionTimeoutException notDrained) {
                drained = false;
            }
            double drainSeconds = (System.nanoTime() - loadEnded) / 1e9;
            samples.add(sample(admin, start));
            long stored = database.count("select count(*) from sf_event where message_id like '" + run + "-%'");
            long incidents = incidents(admin);
            long deadLettered = database.count("select count(*) from sf_event where status = 'DEAD_LETTERED'");
            Map<String, Long> outbox = outboxTally();
            long serverErrors = statuses.entrySet().stream().filter(e -> e.getKey() >= 500)
                    .mapToLong(e -> e.getValue().get()).sum();
            String summary = summary(samples, drained, drainSeconds, stored, incidents, deadLettered, outbox);
            System.out.println(summary);
            write(samples, summary);

            assertThat(statuses.keySet()).as("statuses of the load's requests (%s)", statuses)
                    .allMatch(status -> status < 500);
            assertThat(serverErrors).as("5xx answers").isZero();
            assertThat(accepted.get()).as("events accepted").isPositive();
            assertThat(stored).as("accepted events stored").isEqualTo(accepted.get());
            assertThat(incidents).as("journey incidents").isZero();
            assertThat(deadLettered).as("dead-lettered events").isZero();
            assertThat(drained).as("overdue jobs, due outbox rows and unrouted events all 0 within %s of the load's end",
                    DRAIN_PATIENCE).isTrue();
            clients.forEach(JourneySoak::rethrow);
        } finally {
            loading.set(false);
            load.shutdownNow();
            greenMail.stop();
        }
    }

    /** Sign-ups at the steady rate, in batches: each customer created, then one batch of {@code signed_up} events. */
    private void signUps(StageflowClient admin) {
        Bucket rate = steady(SIGNUPS_PER_SECOND, SIGNUP_BATCH);
        long n = 0;
        while (loading.get()) {
            consume(rate, SIGNUP_BATCH);
            List<String> events = new ArrayList<>();
            for (int i = 0; i < SIGNUP_BATCH; i++, n++) {
                String id = "%s-c%06d".formatted(run, n);
                count(admin.putCustomer(id, "{\"email\":\"%s\",\"firstName\":\"Soak\"}".formatted(CrashCustomers.email(id))));
                events.add("{\"messageId\":\"%s-signup-%s\",\"type\":\"signed_up\",\"customerId\":\"%s\"}"
                        .formatted(run, id, id));
                customers.add(id);
                if (n % CONVERTS == 0) {
                    // Within the shortened welcome window (3 days): after half a day to two days.
                    long after = DAY.toNanos() / 2 + (n % 4) * DAY.toNanos() / 2;
                    orders.add(new Order(id, System.nanoTime() + after));
                }
            }
            ingest(admin, events);
            signedUp.addAndGet(events.size());
        }
    }

    /** Page views of known customers and the orders that are due, at the steady event rate, in batches. */
    private void events(StageflowClient admin) {
        Bucket rate = steady(EVENTS_PER_SECOND, EVENT_BATCH);
        List<String> known = new ArrayList<>();
        long n = 0;
        while (loading.get()) {
            consume(rate, EVENT_BATCH);
            for (String id; (id = customers.poll()) != null; ) {
                known.add(id);
            }
            if (known.isEmpty()) {
                continue;
            }
            List<String> events = new ArrayList<>();
            for (Order order; events.size() < EVENT_BATCH / 5 && (order = orders.peek()) != null
                    && order.due() <= System.nanoTime(); ) {
                orders.poll();
                events.add(("{\"messageId\":\"%s-order-%s\",\"type\":\"order_completed\",\"customerId\":\"%s\","
                        + "\"properties\":{\"orderId\":\"o-%s\",\"total\":42.5}}")
                        .formatted(run, order.customerId(), order.customerId(), order.customerId()));
                ordered.incrementAndGet();
            }
            while (events.size() < EVENT_BATCH) {
                String id = known.get((int) (n++ * 7919 % known.size()));
                events.add(("{\"messageId\":\"%s-view-%d\",\"type\":\"page_viewed\",\"customerId\":\"%s\","
                        + "\"properties\":{\"path\":\"/products/%d\"}}").formatted(run, n, id, n % 500));
                pageViews.incrementAndGet();
            }
            ingest(admin, events);
        }
    }

    /**
     * What the recipients do with their emails, read off GreenMail every second, which is then emptied so 30 minutes
     * of email do not fill the test's heap: one in {@value #OPENS} opens it (the open pixel), one email in
     * {@value #UNSUBSCRIBES} with a one-click unsubscribe link is unsubscribed from by its recipient.
     */
    private void readMail(GreenMail greenMail) {
        StageflowClient anonymous = new StageflowClient(Integer.parseInt(app.baseUrl().replaceFirst(".*:", "")), "", "");
        long n = 0;
        while (loading.get()) {
            List<StoredMessage> received = greenMail.getManagers().getImapHostManager().getAllMessages();
            try {
                greenMail.purgeEmailFromAllMailboxes();
            } catch (com.icegreen.greenmail.store.FolderException e) {
                throw new IllegalStateException(e);
            }
            for (StoredMessage stored : received) {
                MimeMessage message = stored.getMimeMessage();
                emailsSeen.incrementAndGet();
                n++;
                if (n % OPENS == 0) {
                    Matcher pixel = OPEN_PIXEL.matcher(String.valueOf(MimeParts.of(message).html()));
                    if (pixel.find()) {
                        count(anonymous.send(java.net.http.HttpRequest.newBuilder(anonymous.uri(pixel.group(1))).GET(),
                                false));
                        opened.incrementAndGet();
                    }
                }
                if (n % UNSUBSCRIBES == 0 && header(message, "List-Unsubscribe") != null) {
                    String path = Mailboxes.oneClick(message).path();
                    count(anonymous.send(java.net.http.HttpRequest.newBuilder(anonymous.uri(path))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(ONE_CLICK)), false));
                    unsubscribed.incrementAndGet();
                }
            }
            try {
                TimeUnit.SECONDS.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void ingest(StageflowClient admin, List<String> events) {
        long sent = System.nanoTime();
        StageflowClient.Response response = admin.postEvents(events.stream().collect(Collectors.joining(",", "[", "]")));
        latencies.add(System.nanoTime() - sent);
        count(response);
        if (response.status() == 202 || response.status() == 400) {
            for (JsonNode result : response.json().path("results")) {
                if (result.path("status").asText().equals("accepted")) {
                    accepted.incrementAndGet();
                }
            }
        }
    }

    private void count(StageflowClient.Response response) {
        statuses.computeIfAbsent(response.status(), s -> new AtomicLong()).incrementAndGet();
    }

    /** A bucket of {@code perSecond}, holding one batch at most, so the batches go out evenly spaced. */
    private static Bucket steady(int perSecond, int batch) {
        return Bucket.builder().addLimit(Bandwidth.builder().capacity(Math.max(batch, 1))
                .refillGreedy(perSecond, Duration.ofSeconds(1)).initialTokens(0).build()).build();
    }

    private void consume(Bucket rate, int tokens) {
        try {
            while (loading.get() && !rate.asBlocking().tryConsume(tokens, Duration.ofMillis(500))) {
                // waits for the next batch's tokens, looking at the end of the load twice a second
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            loading.set(false);
        }
    }

    private Sample sample(StageflowClient admin, long start) {
        List<Long> interval = new ArrayList<>();
        for (Long latency; (latency = latencies.poll()) != null; ) {
            interval.add(latency);
        }
        interval.sort(null);
        Sample sample = new Sample((System.nanoTime() - start) / 1_000_000_000L,
                metric(admin, "jvm.memory.used?tag=area:heap") / 1e6,
                metric(admin, "jvm.memory.committed?tag=area:heap") / 1e6,
                (long) metric(admin, "jvm.threads.live"), overdueJobs(admin), outboxDue(), unrouted(),
                database.count("select count(*) from sf_outbox where status = 'SENT'"), incidents(admin),
                interval.size(), percentile(interval, 0.50), percentile(interval, 0.99));
        System.out.println(sample.line());
        return sample;
    }

    private static double percentile(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1)) / 1e6;
    }

    private static double metric(StageflowClient admin, String name) {
        return admin.get("/actuator/metrics/" + name).expectStatus(200).json().path("measurements").get(0)
                .path("value").asDouble();
    }

    /** Jobs the engine could run now and has not finished: async continuations and timers past their due date. */
    private static long overdueJobs(StageflowClient admin) {
        return admin.get("/engine-rest/job/count?executable=true").expectStatus(200).json().path("count").asLong();
    }

    private static long incidents(StageflowClient admin) {
        return admin.get("/engine-rest/incident/count").expectStatus(200).json().path("count").asLong();
    }

    /** Outbox rows waiting or being sent whose time has come (not the ones deferred to a later time). */
    private long outboxDue() {
        return database.count("select count(*) from sf_outbox where status in ('PENDING', 'DEFERRED', 'SENDING')"
                + " and next_attempt_at <= current_timestamp(6)");
    }

    private long unrouted() {
        return database.count("select count(*) from sf_event where status = 'PENDING'");
    }

    private Map<String, Long> outboxTally() {
        Map<String, Long> tally = new LinkedHashMap<>();
        for (String status : List.of("PENDING", "DEFERRED", "SENDING", "SENT", "FAILED", "SUPPRESSED", "WITHDRAWN",
                "BOUNCED", "OUTCOME_UNKNOWN", "SKIPPED")) {
            long count = database.count("select count(*) from sf_outbox where status = '" + status + "'");
            if (count > 0) {
                tally.put(status.toLowerCase(Locale.ROOT), count);
            }
        }
        return tally;
    }

    private String summary(List<Sample> samples, boolean drained, double drainSeconds, long stored, long incidents,
            long deadLettered, Map<String, Long> outbox) {
        int quarter = Math.max(1, (samples.size() - 1) / 4);
        List<Sample> load = samples.subList(0, Math.max(1, samples.size() - 1));
        List<Sample> first = load.subList(0, Math.min(quarter, load.size()));
        List<Sample> last = load.subList(Math.max(0, load.size() - quarter), load.size());
        double maxP99 = load.stream().mapToDouble(Sample::ingestP99).max().orElse(0);
        return String.format(Locale.ROOT, "SOAK summary %s: minutes=%d samples=%d signups=%d (%.1f/s of %d/s) orders=%d"
                        + " page-views=%d events=%.1f/s of %d/s"
                        + " opens=%d unsubscribes=%d emails-received=%d accepted-events=%d stored=%d statuses=%s"
                        + " heap-used first-quarter=%.0fMB last-quarter=%.0fMB threads first-quarter=%.0f"
                        + " last-quarter=%.0f ingest-p99 max=%.1fms overdue-jobs max=%d outbox-pending max=%d"
                        + " unrouted max=%d drained=%s after %.1f s incidents=%d dead-lettered=%d outbox=%s",
                database.label(), MINUTES, load.size(), signedUp.get(), signedUp.get() / (MINUTES * 60.0),
                SIGNUPS_PER_SECOND, ordered.get(), pageViews.get(), (ordered.get() + pageViews.get()) / (MINUTES * 60.0),
                EVENTS_PER_SECOND, opened.get(),
                unsubscribed.get(), emailsSeen.get(), accepted.get(), stored, new java.util.TreeMap<>(statuses),
                first.stream().mapToDouble(Sample::heapUsedMb).average().orElse(0),
                last.stream().mapToDouble(Sample::heapUsedMb).average().orElse(0),
                first.stream().mapToLong(Sample::threads).average().orElse(0),
                last.stream().mapToLong(Sample::threads).average().orElse(0), maxP99,
                load.stream().mapToLong(Sample::overdueJobs).max().orElse(0),
                load.stream().mapToLong(Sample::outboxPending).max().orElse(0),
                load.stream().mapToLong(Sample::unrouted).max().orElse(0), drained, drainSeconds, incidents,
                deadLettered, outbox);
    }

    private static void write(List<Sample> samples, String summary) throws IOException {
        Path out = Path.of("target", "bench", "soak.csv");
        Files.createDirectories(out.getParent());
        String header = "seconds,heap_used_mb,heap_committed_mb,threads_live,overdue_jobs,outbox_pending,unrouted,"
                + "sent,incidents,ingest_requests,ingest_p50_ms,ingest_p99_ms";
        Files.writeString(out, header + "\n" + samples.stream().map(Sample::csv).collect(Collectors.joining("\n"))
                + "\n");
        Files.writeString(out.resolveSibling("soak-summary.txt"), summary + "\n");
    }

    /**
     * The project's journeys and templates, copied, with every timer's duration shortened: one day becomes
     * {@link #DAY}, an hour a 24th of it (P3D becomes PT3M, PT1H becomes PT2.5S with the default).
     */
    private Path shortenedJourneys() throws IOException {
        Path dir = Path.of(System.getProperty("stageflow.test.crash.dir", "target/crash"))
                .resolve("soak-fixtures-" + database.label()).toAbsolutePath();
        FileSystemUtils.deleteRecursively(dir);
        FileSystemUtils.copyRecursively(Path.of("templates"), dir.resolve("templates"));
        FileSystemUtils.copyRecursively(Path.of("bpmn"), dir.resolve("bpmn"));
        List<String> shortened = new ArrayList<>();
        try (var files = Files.list(dir.resolve("bpmn"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".bpmn")).toList()) {
                Matcher timer = TIMER.matcher(Files.readString(file));
                StringBuilder text = new StringBuilder();
                while (timer.find()) {
                    Duration real = Duration.parse(timer.group(2).strip());
                    Duration soak = Duration.ofMillis(Math.round(real.toMillis() * (double) DAY.toMillis()
                            / Duration.ofDays(1).toMillis()));
                    shortened.add(file.getFileName() + ":" + timer.group(2).strip() + "->" + soak);
                    timer.appendReplacement(text, Matcher.quoteReplacement(timer.group(1) + soak + timer.group(3)));
                }
                timer.appendTail(text);
                Files.writeString(file, text.toString());
            }
        }
        System.out.println("SOAK timers: " + String.join(" ", shortened));
        return dir;
    }

    private static String header(MimeMessage message, String name) {
        try {
            return message.getHeader(name, ",");
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void rethrow(Future<?> client) {
        if (!client.isDone()) {
            return;
        }
        try {
            client.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new AssertionError("A load client failed: " + e.getCause(), e.getCause());
        }
    }
}
