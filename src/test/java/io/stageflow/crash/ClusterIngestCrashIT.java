package io.stageflow.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.stageflow.testing.StageflowClient;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Ingest on two nodes while each in turn is killed with {@code kill -9} and started again (issue 20, scenario 1). Two
 * integrations post batches of 20 events (one a signup that starts a customer's welcome journey, the rest page views),
 * alternating between the nodes, and falling back to the other node when one does not answer, as a client with two
 * addresses would. One batch in 20 goes to both nodes at once and one in 20 again to the other node after its answer,
 * so a tenth of the messageIds arrive twice, half of them at the same moment, besides the batches a kill cut off and
 * the client sent again. Pass: every messageId answered {@code accepted} or {@code duplicate} is stored; none is
 * answered {@code accepted} twice; no {@code 5xx}; each customer whose signup was acknowledged has exactly one welcome
 * journey. MariaDB only (two processes share the database); {@code -Dstageflow.test.cluster.ingest-kills} sets the
 * number of kills (2).
 */
@ExtendWith(PrintLogsOnFailure.class)
class ClusterIngestCrashIT implements PrintLogsOnFailure.RunsNodes {

    private static final int KILLS = Integer.getInteger("stageflow.test.cluster.ingest-kills", 2);
    private static final int CLIENTS = 2;
    /** Per client: a steady load the surviving node can carry while the other restarts on the same 2 cores. */
    private static final int BATCHES_PER_SECOND = 5;
    private static final int BATCH = 20;
    private static final int CUSTOMERS = 200;
    /** Batches answered between one node's restart and the other's kill: some 6 s with both nodes up. */
    private static final int BATCHES_BETWEEN_KILLS = 60;
    private static final Duration SETTLE_PATIENCE = Duration.ofSeconds(120);

    private final CrashDatabase database = CrashDatabase.fromSystemProperties();
    private final List<StageflowProcess> nodes = new CopyOnWriteArrayList<>();
    private final Map<String, StageflowClient> clientsByAddress = new ConcurrentHashMap<>();
    private final Map<String, Queue<String>> answersByMessageId = new ConcurrentHashMap<>();
    private final Map<Integer, AtomicInteger> otherStatuses = new ConcurrentHashMap<>();
    private final Queue<String> signups = new ConcurrentLinkedQueue<>();
    private final AtomicInteger answeredBatches = new AtomicInteger();
    private final AtomicInteger resentAfterNoAnswer = new AtomicInteger();
    private String writeKey;

    @Override
    public List<StageflowProcess> nodes() {
        return nodes;
    }

    @Test
    void everyAcknowledgedEventIsStoredOnceAndStartsOneJourneyWhileNodesAreKilled() throws Exception {
        Assumptions.assumeTrue(database.shared(), "two processes share a database only on MariaDB");
        Map<String, String> settings = Map.of("stageflow.delivery.transport", "file");
        nodes.add(StageflowProcess.prepare("cluster-ingest-a", database, settings));
        nodes.get(0).start();
        nodes.add(StageflowProcess.join("cluster-ingest-b", database, settings));
        nodes.get(1).start();
        writeKey = nodes.get(0).admin().newWriteKey("cluster-ingest");
        List<String> customers = CrashCustomers.ids("cic", CUSTOMERS);
        CrashCustomers.create(nodes.get(0).admin(), customers);
        signups.addAll(customers);

        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        // The second request of a batch sent to both nodes at once; shut down only after the clients stopped.
        ExecutorService twins = Executors.newFixedThreadPool(CLIENTS);
        List<Future<?>> streams = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            streams.add(clients.submit(() -> postUntilStopped(client, customers, stop, twins)));
        }
        List<Integer> exitCodes = new ArrayList<>();
        try {
            for (int kill = 0; kill < KILLS; kill++) {
                StageflowProcess victim = nodes.get(kill % 2);
                int before = answeredBatches.get();
                await("batches answered before kill " + (kill + 1)).atMost(Duration.ofSeconds(120))
                        .until(() -> answeredBatches.get() >= before + BATCHES_BETWEEN_KILLS);
                victim.kill9();
                exitCodes.add(137); // kill9 throws unless the process died of SIGKILL
                victim.start();
            }
            int before = answeredBatches.get();
            await("batches answered after the last restart").atMost(Duration.ofSeconds(120))
                    .until(() -> answeredBatches.get() >= before + BATCHES_BETWEEN_KILLS);
        } finally {
            stop.set(true);
            clients.shutdown();
            assertThat(clients.awaitTermination(60, TimeUnit.SECONDS)).as("clients stopped").isTrue();
            twins.shutdown();
        }
        for (Future<?> stream : streams) {
            stream.get();
        }

        List<String> acknowledged = answersByMessageId.entrySet().stream()
                .filter(e -> e.getValue().stream().anyMatch(s -> s.equals("accepted") || s.equals("duplicate")))
                .map(Map.Entry::getKey).toList();
        List<String> acceptedTwice = answersByMessageId.entrySet().stream()
                .filter(e -> e.getValue().stream().filter("accepted"::equals).count() > 1).map(Map.Entry::getKey)
                .toList();
        long answeredTwice = answersByMessageId.values().stream().filter(a -> a.size() > 1).count();
        long answeredDuplicate = answersByMessageId.values().stream().filter(a -> a.contains("duplicate")).count();
        long stored = storedAmong(acknowledged);
        long storedTwice = database.count("select count(*) from (select message_id from sf_event"
                + " where message_id like 'cic-%' group by message_id having count(*) > 1) twice");
        List<String> signedUp = acknowledged.stream().filter(id -> id.startsWith("cic-signup-"))
                .map(id -> id.substring("cic-signup-".length())).toList();
        await("a welcome journey for each acknowledged signup").atMost(SETTLE_PATIENCE).pollInterval(Duration.ofSeconds(1))
                .until(() -> database.count("select count(distinct business_key_) from ACT_HI_PROCINST"
                        + " where proc_def_key_ = 'welcome'") >= signedUp.size());
        long journeys = database.count("select count(*) from ACT_HI_PROCINST where proc_def_key_ = 'welcome'");
        long customersWithTwo = database.count("select count(*) from (select business_key_ from ACT_HI_PROCINST"
                + " where proc_def_key_ = 'welcome' group by business_key_ having count(*) > 1) twice");
        long fiveHundreds = otherStatuses.entrySet().stream().filter(e -> e.getKey() >= 500)
                .mapToLong(e -> e.getValue().get()).sum();
        System.out.printf("CLUSTER ingest-kills %s: nodes=2 kills=%d batches-answered=%d acknowledged=%d stored=%d"
                        + " lost=%d stored-twice=%d answered-twice=%d answered-duplicate=%d accepted-twice=%d"
                        + " batches-resent-after-no-answer=%d other-statuses=%s signups-acknowledged=%d"
                        + " welcome-journeys=%d customers-with-two=%d%n",
                database.label(), exitCodes.size(), answeredBatches.get(), acknowledged.size(), stored,
                acknowledged.size() - stored, storedTwice, answeredTwice, answeredDuplicate, acceptedTwice.size(),
                resentAfterNoAnswer.get(), otherStatuses, signedUp.size(), journeys, customersWithTwo);

        assertThat(exitCodes).as("nodes killed with SIGKILL").hasSize(KILLS);
        assertThat(answeredDuplicate).as("messageIds answered as duplicates").isPositive();
        assertThat(stored).as("acknowledged events stored").isEqualTo(acknowledged.size());
        assertThat(storedTwice).as("events stored twice").isZero();
        assertThat(acceptedTwice).as("messageIds answered accepted twice").isEmpty();
        assertThat(fiveHundreds).as("5xx answers").isZero();
        assertThat(customersWithTwo).as("customers with two welcome journeys").isZero();
        assertThat(journeys).as("welcome journeys, one per acknowledged signup").isEqualTo(signedUp.size());
    }

    /**
     * One integration: batches of 20 new messageIds until stopped, alternating nodes; one batch in 20 to both at once,
     * one in 20 again to the other node after its answer; a batch a node did not answer goes to the other node.
     */
    private void postUntilStopped(int client, List<String> customers, AtomicBoolean stop, ExecutorService pool) {
        Bucket pace = Bucket.builder().addLimit(Bandwidth.builder().capacity(1)
                .refillGreedy(BATCHES_PER_SECOND, Duration.ofSeconds(1)).build()).build();
        for (int batch = 0; !stop.get(); batch++) {
            try {
                pace.asBlocking().consume(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            String body = batch(client, batch, customers);
            int node = (batch + client) % 2;
            if (batch % 20 == 5) {
                CompletableFuture<Boolean> there = CompletableFuture.supplyAsync(() -> post(1 - node, body), pool);
                boolean here = post(node, body);
                boolean answeredThere = there.join();
                if (!here && !answeredThere) {
                    resend(node, body);
                }
            } else if (!post(node, body)) {
                resend(node, body);
            } else if (batch % 20 == 15) {
                post(1 - node, body);
            }
        }
    }

    private void resend(int node, String body) {
        resentAfterNoAnswer.incrementAndGet();
        post(1 - node, body);
    }

    /** Posts to one node; false when it did not answer (stopped, starting, or killed under the request). */
    private boolean post(int node, String body) {
        StageflowProcess process = nodes.get(node);
        StageflowClient client = clientsByAddress.computeIfAbsent(process.baseUrl(),
                url -> process.writeKeyClient(writeKey));
        StageflowClient.Response response;
        try {
            response = client.postEvents(body);
        } catch (UncheckedIOException noAnswer) {
            return false;
        }
        if (response.status() != 202) {
            otherStatuses.computeIfAbsent(response.status(), s -> new AtomicInteger()).incrementAndGet();
            return true;
        }
        for (JsonNode result : response.json().path("results")) {
            answersByMessageId.computeIfAbsent(result.path("messageId").asText(), id -> new ConcurrentLinkedQueue<>())
                    .add(result.path("status").asText());
        }
        answeredBatches.incrementAndGet();
        return true;
    }

    /** A signup of the next customer without one (while there are), and page views of known customers. */
    private String batch(int client, int batch, List<String> customers) {
        String signup = signups.poll();
        return IntStream.range(0, BATCH).mapToObj(i -> i == 0 && signup != null
                        ? "{\"messageId\":\"cic-signup-%s\",\"type\":\"signed_up\",\"customerId\":\"%s\"}"
                                .formatted(signup, signup)
                        : "{\"messageId\":\"cic-%d-%05d-%02d\",\"type\":\"page_viewed\",\"customerId\":\"%s\"}"
                                .formatted(client, batch, i, customers.get((batch * BATCH + i) % customers.size())))
                .collect(Collectors.joining(",", "[", "]"));
    }

    /** How many of these messageIds the events table holds. */
    private long storedAmong(List<String> messageIds) {
        long stored = 0;
        for (Iterator<String> ids = messageIds.iterator(); ids.hasNext(); ) {
            List<String> chunk = new ArrayList<>();
            while (ids.hasNext() && chunk.size() < 500) {
                chunk.add("'" + ids.next() + "'");
            }
            stored += database.count("select count(*) from sf_event where message_id in (" + String.join(",", chunk) + ")");
        }
        return stored;
    }
}
