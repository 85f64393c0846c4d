package io.stageflow.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.stageflow.testing.StageflowClient;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A 202 and a 204 are durable (issue 14). Four integrations post batches of 50 events with a write key and the jar is
 * killed with SIGKILL in mid-stream, once 40 batches are answered (decided by count, not time); after a restart,
 * every event answered 202 is stored. Then an admin erases customers who are in a running welcome journey, with
 * nothing else going on, and the jar is killed right after the last 204; after a restart, each of them is still
 * gone, with no journey running. Two crashes in one working folder and database, asserted by one test each.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(PrintLogsOnFailure.class)
class IngestCrashIT implements PrintLogsOnFailure.RunsTheJar {

    private static final int CLIENTS = 4;
    private static final int BATCH = 50;
    /** Batches answered 202 before the kill: 2,000 events. */
    private static final int KILL_AFTER_BATCHES = 40;
    private static final int ERASURES = 10;
    private static final int INGEST_CUSTOMERS = 20;

    private final CrashDatabase database = CrashDatabase.fromSystemProperties();
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final List<String> erased = new CopyOnWriteArrayList<>();
    private final AtomicInteger acknowledgedBatches = new AtomicInteger();
    private final AtomicInteger otherAnswers = new AtomicInteger();
    private StageflowProcess app;

    @Override
    public StageflowProcess process() {
        return app;
    }

    @BeforeAll
    void ingestUntilKilledThenEraseUntilKilled() throws Exception {
        app = StageflowProcess.prepare("ingest", database, Map.of("stageflow.delivery.transport", "file"));
        app.start();
        StageflowClient admin = app.admin();
        String writeKey = admin.newWriteKey("crash-ingest");
        List<String> ingestCustomers = CrashCustomers.ids("ingest", INGEST_CUSTOMERS);
        List<String> toErase = CrashCustomers.ids("erase", ERASURES);
        CrashCustomers.create(admin, ingestCustomers);
        CrashCustomers.create(admin, toErase);
        CrashCustomers.signUp(admin, toErase);

        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        List<Future<?>> streams = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            streams.add(clients.submit(() -> postUntilStopped(app.writeKeyClient(writeKey), client, ingestCustomers, stop)));
        }
        try {
            await("batches answered 202 before the kill").atMost(Duration.ofSeconds(120))
                    .until(() -> acknowledgedBatches.get() >= KILL_AFTER_BATCHES);
            app.kill9();
        } finally {
            stop.set(true);
            clients.shutdown();
            assertThat(clients.awaitTermination(60, TimeUnit.SECONDS)).as("clients stopped").isTrue();
        }
        for (Future<?> stream : streams) {
            stream.get(); // a client that broke on anything but the kill fails the set-up
        }
        app.start();

        StageflowClient restarted = app.admin();
        // Each customer to erase is in a running welcome journey (waiting 3 days for a first order), as in real life.
        await("welcome journeys of the customers to erase").atMost(Duration.ofSeconds(120))
                .until(() -> toErase.stream().allMatch(id -> runningJourneys(restarted, id) == 1));
        // ...and their welcome email is in the file outbox, which the erasure must take with it.
        Path outbox = app.workDir().resolve("var/outbox");
        await("welcome emails of the customers to erase").atMost(Duration.ofSeconds(120)).until(() -> {
            Deliveries delivered = Deliveries.inOutboxFolder(outbox);
            return toErase.stream().allMatch(id -> delivered.to(CrashCustomers.email(id)).size() == 1);
        });
        long erasing = System.nanoTime();
        for (String id : toErase) {
            if (restarted.delete("/api/v1/customers/" + id).status() == 204) {
                erased.add(id);
            }
        }
        long erasedAll = System.nanoTime();
        app.kill9();
        System.out.printf("CRASH erasure %s: %d erasures answered in %d ms, then kill -9 at once%n",
                database.label(), erased.size(), (erasedAll - erasing) / 1_000_000);
        app.start();
    }

    /** One integration: batches of 50 unique messageIds, one after another, until the process dies under it. */
    private void postUntilStopped(StageflowClient client, int clientNumber, List<String> customers, AtomicBoolean stop) {
        for (int batch = 0; !stop.get(); batch++) {
            int b = batch;
            List<String> ids = IntStream.range(0, BATCH).mapToObj(i -> "crash-%d-%05d-%02d".formatted(clientNumber, b, i)).toList();
            String body = IntStream.range(0, BATCH).mapToObj(i -> "{\"messageId\":\"%s\",\"type\":\"page_viewed\",\"customerId\":\"%s\"}"
                    .formatted(ids.get(i), customers.get((b * BATCH + i) % customers.size())))
                    .collect(Collectors.joining(",", "[", "]"));
            StageflowClient.Response response;
            try {
                response = client.postEvents(body);
            } catch (UncheckedIOException killed) {
                return; // the connection died with the process: this batch was never answered
            }
            if (response.status() == 202) {
                acknowledged.addAll(ids);
                acknowledgedBatches.incrementAndGet();
            } else {
                otherAnswers.incrementAndGet();
            }
        }
    }

    @AfterAll
    void stopTheJar() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void everyEventAnswered202IsStoredAfterKill9() throws Exception {
        StageflowClient admin = app.admin();
        ExecutorService readers = Executors.newFixedThreadPool(CLIENTS);
        Set<String> lost = ConcurrentHashMap.newKeySet();
        try {
            List<Future<?>> reads = new ArrayList<>();
            List<String> all = List.copyOf(acknowledged);
            int slice = (all.size() + CLIENTS - 1) / CLIENTS;
            for (int r = 0; r < CLIENTS; r++) {
                List<String> mine = all.subList(Math.min(all.size(), r * slice), Math.min(all.size(), (r + 1) * slice));
                StageflowClient reader = app.admin();
                reads.add(readers.submit(() -> mine.stream()
                        .filter(id -> reader.get("/api/v1/events/" + id).status() != 200).forEach(lost::add)));
            }
            for (Future<?> read : reads) {
                read.get();
            }
        } finally {
            readers.shutdownNow();
        }
        System.out.printf("CRASH ingest %s: acknowledged=%d stored=%d lost=%d (batches of %d from %d clients; %d answers"
                        + " other than 202)%n", database.label(), acknowledged.size(), acknowledged.size() - lost.size(),
                lost.size(), BATCH, CLIENTS, otherAnswers.get());
        assertThat(admin.get("/actuator/health").status()).isEqualTo(200);
        assertThat(acknowledged).as("events answered 202 before the kill").hasSizeGreaterThanOrEqualTo(KILL_AFTER_BATCHES * BATCH);
        assertThat(lost.size()).as("events answered 202 but gone after kill -9 and restart, of %d; some: %s",
                acknowledged.size(), lost.stream().sorted().limit(5).toList()).isZero();
    }

    @Test
    void everyErasureAnswered204StaysErasedAfterKill9() {
        StageflowClient admin = app.admin();
        List<String> back = erased.stream().filter(id -> admin.get("/api/v1/customers/" + id).status() != 404).toList();
        List<String> journeys = erased.stream().filter(id -> runningJourneys(admin, id) > 0).toList();
        System.out.printf("CRASH erasure %s: erased=%d still-erased=%d undone=%d with-running-journey=%d%n",
                database.label(), erased.size(), erased.size() - back.size(), back.size(), journeys.size());
        assertThat(erased).as("erasures answered 204 before the kill").hasSize(ERASURES);
        assertThat(back).as("customers whose erasure was answered 204 but who are back after kill -9").isEmpty();
        assertThat(journeys).as("erased customers with a running journey after kill -9").isEmpty();
    }

    @Test
    void noTraceOfAnErasedCustomerIsLeftInTheOutboxFolderOrTheDatabaseFile() throws Exception {
        Path outbox = app.workDir().resolve("var/outbox");
        List<String> emails = erased.stream().map(CrashCustomers::email).toList();
        Deliveries left = Deliveries.inOutboxFolder(outbox);
        assertThat(emails).as("erased customers whose .eml files are still there")
                .filteredOn(email -> !left.to(email).isEmpty()).isEmpty();
        if ("h2".equals(database.label())) {
            Path file = app.workDir().resolve("var/db/stageflow.mv.db");
            // The kill came before the compaction that follows an erasure: the restart compacted the file fully
            // before opening it, and only then (not after the first kill, with no erasure before it).
            assertThat(app.logLines(Pattern.compile("Database file fully compacted before opening it")))
                    .as("full compactions before opening the database, over the three starts").hasSize(1);
            assertThat(tracesIn(file, emails)).as("erased addresses whose bytes are in " + file).isEmpty();
            System.out.printf("CRASH erasure %s: no trace of %d erased addresses in %s (%d KiB)%n", database.label(),
                    emails.size(), file.getFileName(), Files.size(file) / 1024);
        }
    }

    /** The addresses whose bytes appear anywhere in the file. */
    private static List<String> tracesIn(Path file, List<String> emails) throws IOException {
        String bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        return emails.stream().filter(bytes::contains).toList();
    }

    private static long runningJourneys(StageflowClient admin, String customerId) {
        return admin.get("/engine-rest/process-instance/count?businessKey=" + customerId).expectStatus(200)
                .json().path("count").asLong();
    }
}
