package io.stageflow.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.icegreen.greenmail.util.GreenMail;

import io.stageflow.testing.StageflowClient;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The database cut away under load (issue 20, scenario 7): the jar reaches MariaDB through a {@link TcpProxy}, two
 * integrations post batches of events, and the proxy resets every database connection and refuses new ones for a
 * while, then lets them through again. While the database cannot be reached, ingest must answer {@code 503}, never
 * {@code 202} (a 202 means stored); every batch answered 202 before, during or after must be stored; and once the
 * database is back, ingest must accept again without a restart. On H2 the database is inside the process, so it runs
 * in the MariaDB build. {@code -Dstageflow.test.cluster.cut-seconds} sets the cut (15 s here, 60 s in the issue).
 * Each batch also signs one new customer up, so welcome emails go out over SMTP before, during and after the cut:
 * each must arrive once. After the cut, the transactions the jar runs are sampled from MariaDB's
 * {@code information_schema.INNODB_TRX}: the pool's new connections must still run {@code READ COMMITTED}.
 */
@ExtendWith(PrintLogsOnFailure.class)
class DatabaseCutIT implements PrintLogsOnFailure.RunsTheJar {

    private static final Duration CUT = Duration.ofSeconds(Integer.getInteger("stageflow.test.cluster.cut-seconds", 15));
    private static final int CLIENTS = 2;
    private static final int BATCH = 20;
    private static final int CUSTOMERS = 50;
    private static final int SIGNUPS = 150;
    private static final int ISOLATION_SAMPLES = 200;
    private static final Duration SETTLE_PATIENCE = Duration.ofSeconds(120);

    private final CrashDatabase database = CrashDatabase.fromSystemProperties();
    private final ConcurrentLinkedQueue<Batch> batches = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> toSignUp = new ConcurrentLinkedQueue<>();
    private StageflowProcess app;

    /** One request: when it was sent and answered, and the answer. */
    private record Batch(long sentNanos, long answeredNanos, int status, List<String> messageIds) {
    }

    @Override
    public StageflowProcess process() {
        return app;
    }

    @AfterEach
    void stopTheJar() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void whileTheDatabaseIsCutIngestAnswers503AndEvery202IsStored() throws Exception {
        Assumptions.assumeTrue(database.shared(), "the database runs apart from the jar only on MariaDB");
        GreenMail greenMail = CrashMailServer.started();
        try (TcpProxy proxy = new TcpProxy(database.serverPort())) {
            app = StageflowProcess.prepare("db-cut", database, StageflowProcess.smtpTo(greenMail.getSmtp().getPort(), Map.of(
                    "spring.datasource.url", database.urlThrough(proxy.port()),
                    // A journey job running when the database went away keeps its lock until this runs out
                    // (the engine's default is 5 minutes), and only then runs again: its email is late, not lost.
                    "camunda.bpm.job-execution.lock-time-in-millis", "10000",
                    // A request waits at most this long for a connection while the database is away.
                    "spring.datasource.hikari.connection-timeout", "2000")));
            app.start();
            List<String> customers = CrashCustomers.ids("cut", CUSTOMERS);
            CrashCustomers.create(app.admin(), customers);
            List<String> signups = CrashCustomers.ids("cut-signup", SIGNUPS);
            CrashCustomers.create(app.admin(), signups);
            toSignUp.addAll(signups);

            AtomicBoolean stop = new AtomicBoolean();
            ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            List<Future<?>> posting = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                StageflowClient admin = app.admin();
                posting.add(clients.submit(() -> postUntilStopped(admin, client, customers, stop)));
            }
            long cutAt;
            long restoredAt;
            Map<String, Long> isolation;
            try {
                await("batches stored before the cut").atMost(Duration.ofSeconds(60)).until(() -> accepted(Long.MIN_VALUE) >= 20);
                cutAt = System.nanoTime();
                proxy.cut();
                // Real time must pass: the cut is on the wire, and the pool finds out as a client would.
                await("answers while the database is cut").pollDelay(CUT).atMost(CUT.plusSeconds(60))
                        .until(() -> answeredBetween(cutAt, System.nanoTime()).size() >= 4);
                restoredAt = System.nanoTime();
                proxy.restore();
                await("batches stored after the database is back").atMost(Duration.ofSeconds(120))
                        .until(() -> accepted(restoredAt) >= 20);
                isolation = sampleIsolation();
            } finally {
                stop.set(true);
                for (Future<?> client : posting) {
                    client.get();
                }
                clients.shutdownNow();
            }

            List<Batch> duringCut = answeredBetween(cutAt, restoredAt);
            Map<Integer, Long> statusesDuringCut = duringCut.stream()
                    .collect(Collectors.groupingBy(Batch::status, TreeMap::new, Collectors.counting()));
            List<String> acknowledged = batches.stream().filter(batch -> batch.status() == 202)
                    .flatMap(batch -> batch.messageIds().stream()).toList();
            long stored = database.count("select count(*) from sf_event where message_id in ("
                    + acknowledged.stream().map(id -> "'" + id + "'").collect(Collectors.joining(",")) + ")");
            long acceptedBefore = batches.stream().filter(b -> b.status() == 202 && b.answeredNanos() < cutAt).count();
            long acceptedAfter = batches.stream().filter(b -> b.status() == 202 && b.sentNanos() > restoredAt).count();
            List<String> signedUp = acknowledged.stream().filter(id -> id.startsWith("signup-"))
                    .map(id -> id.substring("signup-".length())).toList();
            Map<String, List<String>> welcome = WelcomeEmails.awaitSettled(app.admin(), signedUp, SETTLE_PATIENCE);
            Deliveries mailboxes = Deliveries.received(greenMail.getReceivedMessages());
            List<String> duplicated = signedUp.stream().filter(id -> mailboxes.to(CrashCustomers.email(id)).size() > 1)
                    .toList();
            List<String> missing = signedUp.stream().filter(id -> mailboxes.to(CrashCustomers.email(id)).isEmpty())
                    .toList();
            System.out.printf("CLUSTER database-cut %s: cut=%s proxy-reset=%d proxy-refused=%d batches=%d"
                            + " accepted-before=%d answered-during-cut=%s accepted-after=%d acknowledged-events=%d"
                            + " stored=%d lost=%d signups=%d welcome-emails-delivered-once=%d duplicates=%d missing=%d"
                            + " message-log=%s transactions-sampled-after=%s%n",
                    database.label(), CUT, proxy.reset(), proxy.refused(), batches.size(), acceptedBefore,
                    statusesDuringCut, acceptedAfter, acknowledged.size(), stored, acknowledged.size() - stored,
                    signedUp.size(), signedUp.size() - duplicated.size() - missing.size(), duplicated.size(),
                    missing.size(), WelcomeEmails.tally(welcome), isolation);

            assertThat(proxy.reset() + proxy.refused()).as("database connections the proxy reset or refused")
                    .isPositive();
            assertThat(statusesDuringCut).as("answers to batches sent and answered while the database was cut")
                    .isNotEmpty().containsOnlyKeys(503);
            assertThat(stored).as("events answered 202 that are stored").isEqualTo(acknowledged.size());
            assertThat(acceptedAfter).as("batches accepted after the database came back, without a restart")
                    .isPositive();
            assertThat(duplicated).as("customers who got their welcome email twice").isEmpty();
            assertThat(missing).as("customers whose welcome email never arrived").isEmpty();
            assertThat(isolation).as("isolation levels of the jar's transactions after the cut")
                    .containsOnlyKeys("READ COMMITTED");
        } finally {
            greenMail.stop();
        }
    }

    /**
     * The isolation level of each transaction the jar has open, sampled again and again while the load goes on,
     * counted by level; our own sampling connection is left out.
     */
    private Map<String, Long> sampleIsolation() {
        Map<String, Long> levels = new TreeMap<>();
        for (String level : List.of("READ COMMITTED", "REPEATABLE READ", "READ UNCOMMITTED", "SERIALIZABLE")) {
            AtomicLong seen = new AtomicLong();
            for (int i = 0; i < ISOLATION_SAMPLES / 4; i++) {
                seen.addAndGet(database.count("select count(*) from information_schema.INNODB_TRX t"
                        + " join information_schema.PROCESSLIST p on p.ID = t.trx_mysql_thread_id"
                        + " where p.DB = database() and p.ID <> connection_id()"
                        + " and t.trx_isolation_level = '" + level + "'"));
            }
            if (seen.get() > 0) {
                levels.put(level, seen.get());
            }
        }
        return levels;
    }

    /**
     * One integration: batches of unique messageIds, one after another, until told to stop; while there are
     * customers left to sign up, a batch's first event is one's signup (which sends a welcome email).
     */
    private void postUntilStopped(StageflowClient client, int clientNumber, List<String> customers, AtomicBoolean stop) {
        for (int batch = 0; !stop.get(); batch++) {
            int b = batch;
            String signup = toSignUp.poll();
            List<String> ids = IntStream.range(0, BATCH).mapToObj(i -> i == 0 && signup != null ? "signup-" + signup
                    : "cut-%d-%05d-%02d".formatted(clientNumber, b, i)).toList();
            String body = IntStream.range(0, BATCH).mapToObj(i -> "{\"messageId\":\"%s\",\"type\":\"%s\",\"customerId\":\"%s\"}"
                    .formatted(ids.get(i), i == 0 && signup != null ? "signed_up" : "page_viewed",
                            i == 0 && signup != null ? signup : customers.get((b * BATCH + i) % customers.size())))
                    .collect(Collectors.joining(",", "[", "]"));
            long sent = System.nanoTime();
            int status;
            try {
                status = client.postEvents(body).status();
            } catch (UncheckedIOException noAnswer) {
                status = 0;
            }
            batches.add(new Batch(sent, System.nanoTime(), status, ids));
        }
    }

    private long accepted(long sentAfterNanos) {
        return batches.stream().filter(batch -> batch.status() == 202 && batch.sentNanos() > sentAfterNanos).count();
    }

    /** The batches sent after {@code from} and answered before {@code to}: wholly inside that time. */
    private List<Batch> answeredBetween(long from, long to) {
        return batches.stream().filter(batch -> batch.sentNanos() > from && batch.answeredNanos() < to).toList();
    }
}
