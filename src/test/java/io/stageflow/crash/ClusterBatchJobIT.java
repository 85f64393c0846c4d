package io.stageflow.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;

import io.stageflow.testing.StageflowClient;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The same batch job launched on two nodes at once (issue 20, scenario 4): two JVMs on one MariaDB, customers who
 * stopped buying (two orders, the last one 90 days ago, so the inactivity scan finds them), and the inactivity scan
 * ({@code POST /api/v1/jobs/inactivity-scan}) posted to both nodes at the same moment (two threads past one barrier).
 * Each {@code customer_inactive} event the scan records starts a test journey ({@code batch-win-back}) that splits
 * into two parallel branches, each sending an email, waiting on a timer and sending another, joined before the end:
 * four emails per customer, each of its own template, delivered over SMTP to GreenMail by both nodes. Then the scan
 * is launched once more, after all has ended, and must record nothing new.
 * <p>
 * Pass: one job execution for the two simultaneous launches (one node answers {@code 202} with it, the other
 * {@code 409} naming it), no {@code 5xx}; every customer got exactly the four emails, none twice, none missing; no
 * journey left running, no incident; no deadlock or lock wait in either node's log. Each node names itself in the
 * From header, which shows each node's share of the sends. On H2 there is no database two processes can share, so
 * it runs in the MariaDB build. The issue's size: {@code -Dstageflow.test.cluster.batch-customers=2000}.
 */
@ExtendWith(PrintLogsOnFailure.class)
class ClusterBatchJobIT implements PrintLogsOnFailure.RunsNodes {

    private static final int CUSTOMERS = Integer.getInteger("stageflow.test.cluster.batch-customers", 150);
    /**
     * Customers per chunk of the scan (500 by default): smaller, so the scan commits many times and runs while the
     * journeys of its first chunks send, and long enough for the second launch to meet it running.
     */
    private static final int CHUNK = Integer.getInteger("stageflow.test.cluster.batch-chunk", 25);
    /** The timer in each branch: real time passes in the jar. */
    private static final Duration PAUSE = Duration.parse(System.getProperty("stageflow.test.cluster.batch-pause",
            "PT3S"));
    private static final String JOURNEY = "batch-win-back";
    private static final String JOB = "inactivityScan";
    /** The subject of each template's email (src/test/resources/crash/batch-job/templates). */
    private static final Map<String, String> TEMPLATE_BY_SUBJECT = Map.of(
            "Branch A, first email", "batch-a-first",
            "Branch A, second email", "batch-a-second",
            "Branch B, first email", "batch-b-first",
            "Branch B, second email", "batch-b-second");
    private static final int EMAILS_EACH = TEMPLATE_BY_SUBJECT.size();
    /** What the logs must not say: a deadlock or a lock wait, as MariaDB, Spring or the engine words it. */
    private static final Pattern LOCK_TROUBLE = Pattern.compile(
            "(?i)deadlock|lock wait timeout|CannotAcquireLock|PessimisticLocking|LockAcquisition");
    /** For the orders to be routed, and for the journeys to end: more for more customers. */
    private static final Duration ROUTE_PATIENCE = Duration.ofMinutes(3).plusMillis(CUSTOMERS * 100L);
    private static final Duration SETTLE_PATIENCE = Duration.ofMinutes(4).plusMillis(CUSTOMERS * 300L);
    private static final int BATCH = 100;

    private final CrashDatabase database = CrashDatabase.fromSystemProperties();
    private final List<StageflowProcess> nodes = new ArrayList<>();

    @Override
    public List<StageflowProcess> nodes() {
        return nodes;
    }

    /** One launch's answer: the node, the HTTP status, the job it names, and how long the call took. */
    record Launch(String node, int status, long jobId, String body, long millis) {
    }

    @Test
    void theScanLaunchedOnTwoNodesAtOnceRunsOnceAndEveryCustomerGetsEachEmailOnce() throws Exception {
        Assumptions.assumeTrue(database.shared(), "two processes share a database only on MariaDB");
        long began = System.nanoTime();
        Path fixtures = CrashFixtures.write("batch-job", database, JOURNEY, Map.of("@PAUSE@", PAUSE.toString()));
        GreenMail greenMail = CrashMailServer.started();
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            for (String name : List.of("a", "b")) {
                Map<String, String> more = new LinkedHashMap<>();
                more.put("stageflow.journeys.dir", fixtures.resolve("bpmn").toString());
                more.put("stageflow.templates.dir", fixtures.resolve("templates").toString());
                more.put("stageflow.inactivity.journey", JOURNEY);
                more.put("stageflow.inactivity.chunk-size", Integer.toString(CHUNK));
                // Four marketing emails a customer within seconds: the frequency cap would hold back all but one.
                more.put("stageflow.delivery.pacing.marketing-per-day", "1000000");
                more.put("stageflow.delivery.pacing.marketing-per-week", "1000000");
                // Each node signs its emails, so the mailboxes tell which node sent what.
                more.put("stageflow.delivery.from", "Node " + name + " <node-" + name + "@stageflow.test>");
                Map<String, String> settings = StageflowProcess.smtpTo(greenMail.getSmtp().getPort(), more);
                nodes.add(name.equals("a") ? StageflowProcess.prepare("batch-job-a", database, settings)
                        : StageflowProcess.join("batch-job-b", database, settings));
            }
            StageflowProcess a = nodes.get(0);
            StageflowProcess b = nodes.get(1);
            a.start();
            Future<?> secondStart = threads.submit(b::start);
            List<String> customers = CrashCustomers.ids("batch", CUSTOMERS);
            makeInactive(a.admin(), customers, threads);
            secondStart.get(4, TimeUnit.MINUTES);
            long inactive = await("both orders of every customer routed").atMost(ROUTE_PATIENCE)
                    .pollInterval(Duration.ofMillis(500)).until(() -> database.count(
                            "select count(*) from sf_customer where stage = 'RETENTION' and order_count = 2"),
                            count -> count == CUSTOMERS);
            long setUp = System.nanoTime();

            List<Launch> launches = launchAtOnce(threads);
            long executions = awaitScansEnded();
            long events = database.count("select count(*) from sf_event where type = 'customer_inactive'");
            long scanMillis = database.count(scanExecutions(
                    "max(timestampdiff(MICROSECOND, e.START_TIME, e.END_TIME)) div 1000", ""));
            Mailboxes mailboxes = new Mailboxes(greenMail);
            long running = await("every journey ended and every email sent").atMost(SETTLE_PATIENCE)
                    .pollInterval(Duration.ofSeconds(1)).until(() -> mailboxes.total() >= CUSTOMERS * EMAILS_EACH
                            && database.count("select count(*) from sf_outbox where status in ('PENDING', 'DEFERRED',"
                                    + " 'SENDING')") == 0 ? runningJourneys(a.admin()) : -1L, count -> count == 0);
            long ran = System.nanoTime();

            // Once more, after all ended: the same spell of inactivity records nothing new.
            Launch again = launch(b);
            JsonNode rerun = awaitDone(b.admin(), again.jobId());
            long executionsAfterRerun = database.count(scanExecutions("count(*)", ""));
            long eventsAfterRerun = database.count("select count(*) from sf_event where type = 'customer_inactive'");

            check(customers, inactive, launches, executions, events, scanMillis, mailboxes, running, again, rerun,
                    executionsAfterRerun, eventsAfterRerun, began, setUp, ran);
        } finally {
            threads.shutdownNow();
            greenMail.stop();
        }
    }

    /**
     * Creates the customers (on four threads) and posts two orders for each, 91 and 90 days ago: the second order
     * moves them to RETENTION, and their last order is older than the scan's 60 days.
     */
    private void makeInactive(StageflowClient admin, List<String> customers, ExecutorService threads)
            throws Exception {
        List<Future<?>> created = new ArrayList<>();
        int slice = (customers.size() + 3) / 4;
        for (int from = 0; from < customers.size(); from += slice) {
            List<String> part = customers.subList(from, Math.min(customers.size(), from + slice));
            created.add(threads.submit(() -> CrashCustomers.create(admin, part)));
        }
        for (Future<?> part : created) {
            part.get(4, TimeUnit.MINUTES);
        }
        Instant today = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        for (int order = 1; order <= 2; order++) {
            String at = today.minus(Duration.ofDays(92 - order)).toString();
            for (int from = 0; from < customers.size(); from += BATCH) {
                int n = order;
                admin.postEvents(customers.subList(from, Math.min(customers.size(), from + BATCH)).stream()
                        .map(id -> ("{\"messageId\":\"order-%d-%s\",\"type\":\"order_completed\",\"customerId\":\"%s\","
                                + "\"timestamp\":\"%s\",\"properties\":{\"orderId\":\"%d-%s\",\"amount\":20}}")
                                .formatted(n, id, id, at, n, id))
                        .collect(Collectors.joining(",", "[", "]"))).expectStatus(202);
            }
        }
    }

    /** Both nodes' {@code POST /api/v1/jobs/inactivity-scan}, sent by two threads released together. */
    private List<Launch> launchAtOnce(ExecutorService threads) throws Exception {
        CyclicBarrier together = new CyclicBarrier(nodes.size());
        List<Future<Launch>> sent = new ArrayList<>();
        for (StageflowProcess node : nodes) {
            sent.add(threads.submit(() -> {
                together.await(30, TimeUnit.SECONDS);
                return launch(node);
            }));
        }
        List<Launch> launches = new ArrayList<>();
        for (Future<Launch> launch : sent) {
            launches.add(launch.get(2, TimeUnit.MINUTES));
        }
        return launches;
    }

    /** One launch; the job it names is the one started ({@code id}, 202) or the one running already (409). */
    private static Launch launch(StageflowProcess node) {
        long sent = System.nanoTime();
        StageflowClient.Response response = node.admin().post("/api/v1/jobs/inactivity-scan");
        long millis = (System.nanoTime() - sent) / 1_000_000;
        JsonNode body = response.body().isBlank() ? null : response.json();
        long jobId = body == null ? -1 : body.path(response.status() == 202 ? "id" : "jobId").asLong(-1);
        return new Launch(node.workDir().getFileName().toString(), response.status(), jobId, response.body(), millis);
    }

    /** Waits until no inactivity scan runs; answers how many executions of it there are. */
    private long awaitScansEnded() {
        await("the scan ended").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                .until(() -> database.count(scanExecutions("count(*)", " and e.END_TIME is null")),
                        count -> count == 0);
        return database.count(scanExecutions("count(*)", ""));
    }

    /** {@code select <what>} over the scan's executions ({@code e}) that meet {@code condition}. */
    private static String scanExecutions(String what, String condition) {
        return "select " + what + " from BATCH_JOB_EXECUTION e join BATCH_JOB_INSTANCE i"
                + " on i.JOB_INSTANCE_ID = e.JOB_INSTANCE_ID where i.JOB_NAME = '" + JOB + "'" + condition;
    }

    private static JsonNode awaitDone(StageflowClient admin, long id) {
        return await("job " + id + " done").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250))
                .until(() -> admin.get("/api/v1/jobs/" + id).expectStatus(200).json(),
                        job -> job.path("endedAt").isTextual());
    }

    private static long runningJourneys(StageflowClient admin) {
        return admin.get("/engine-rest/process-instance/count?processDefinitionKey=" + JOURNEY).expectStatus(200)
                .json().path("count").asLong();
    }

    private void check(List<String> customers, long inactive, List<Launch> launches, long executions, long events,
            long scanMillis, Mailboxes mailboxes, long running, Launch again, JsonNode rerun, long executionsAfterRerun,
            long eventsAfterRerun, long began, long setUp, long ran) throws MessagingException {
        Map<String, Integer> perTemplate = new TreeMap<>();
        Map<String, Integer> perNode = new TreeMap<>();
        List<String> wrong = new ArrayList<>();
        int duplicates = 0;
        int missing = 0;
        for (String id : customers) {
            Map<String, Integer> received = new TreeMap<>();
            for (MimeMessage message : mailboxes.messages(CrashCustomers.email(id))) {
                String subject = message.getSubject();
                String template = TEMPLATE_BY_SUBJECT.getOrDefault(subject, "other:" + subject);
                received.merge(template, 1, Integer::sum);
                perTemplate.merge(template, 1, Integer::sum);
                perNode.merge(((InternetAddress) message.getFrom()[0]).getAddress(), 1, Integer::sum);
            }
            for (String template : TEMPLATE_BY_SUBJECT.values()) {
                int count = received.getOrDefault(template, 0);
                duplicates += Math.max(0, count - 1);
                missing += count == 0 ? 1 : 0;
            }
            if (received.size() != EMAILS_EACH || received.values().stream().anyMatch(count -> count != 1)) {
                wrong.add(id + "=" + received);
            }
        }
        long incidents = nodes.get(0).admin().get("/engine-rest/incident/count").expectStatus(200).json().path("count")
                .asLong();
        Map<String, List<String>> lockTrouble = new LinkedHashMap<>();
        nodes.forEach(node -> lockTrouble.put(node.workDir().getFileName().toString(), node.logLines(LOCK_TROUBLE)));
        List<Integer> statuses = launches.stream().map(Launch::status).sorted().toList();

        System.out.printf("CLUSTER batch-job %s: nodes=2 customers=%d inactive=%d launches=%s job-executions=%d"
                        + " scan=%d ms (chunks of %d) customer_inactive-events=%d emails=%d per-template=%s"
                        + " per-node=%s duplicates=%d missing=%d"
                        + " customers-not-exactly-four=%d journeys-running=%d incidents=%d lock-trouble-log-lines=%d"
                        + " rerun=%d/job %d outcomes %s executions-after-rerun=%d events-after-rerun=%d pause=%s"
                        + " set-up=%.1f s scan-and-journeys=%.1f s total=%.1f s%n",
                database.label(), customers.size(), inactive, launches.stream()
                        .map(l -> l.node() + ":" + l.status() + "/job " + l.jobId() + " in " + l.millis() + " ms")
                        .toList(), executions, scanMillis, CHUNK, events, mailboxes.total(), perTemplate, perNode,
                duplicates, missing, wrong.size(), running, incidents,
                lockTrouble.values().stream().mapToInt(List::size).sum(),
                again.status(), again.jobId(), rerun.path("outcomes"), executionsAfterRerun, eventsAfterRerun, PAUSE,
                (setUp - began) / 1e9, (ran - setUp) / 1e9, (System.nanoTime() - began) / 1e9);

        assertThat(inactive).as("customers the scan must find").isEqualTo(customers.size());
        // The race was real: both launches were answered, by two nodes, and none with a 5xx.
        assertThat(launches).as("answers to the simultaneous launches").hasSize(2)
                .extracting(Launch::node).doesNotHaveDuplicates();
        assertThat(statuses).as("one node launches the scan, the other is told it runs already: %s", launches)
                .containsExactly(202, 409);
        assertThat(launches).as("both answers name the one execution: %s", launches).extracting(Launch::jobId)
                .containsOnly(launches.get(0).jobId()).allMatch(id -> id > 0);
        assertThat(executions).as("executions of the inactivity scan for the two launches").isEqualTo(1);
        assertThat(events).as("customer_inactive events recorded").isEqualTo(customers.size());
        // Every customer got each of the four emails once.
        assertThat(perTemplate).as("emails per template").hasSize(EMAILS_EACH)
                .allSatisfy((template, count) -> assertThat(count).as(template).isEqualTo(customers.size()));
        assertThat(duplicates).as("emails received twice").isZero();
        assertThat(missing).as("emails never received").isZero();
        assertThat(wrong).as("customers without exactly the four emails (first few: %s)",
                wrong.stream().limit(10).toList()).isEmpty();
        assertThat(mailboxes.total()).as("emails delivered").isEqualTo(customers.size() * EMAILS_EACH);
        assertThat(running).as("%s journeys still running", JOURNEY).isZero();
        assertThat(incidents).as("journey incidents").isZero();
        assertThat(lockTrouble).as("deadlocks or lock waits in the nodes' logs")
                .allSatisfy((node, lines) -> assertThat(lines).as(node).isEmpty());
        // The re-run after the end: a new execution that records nothing.
        assertThat(again.status()).as("the re-run's answer: %s", again).isEqualTo(202);
        assertThat(rerun.path("status").asText()).as("the re-run: %s", rerun).isEqualTo("COMPLETED");
        assertThat(rerun.path("outcomes").path("started").asLong()).as("events the re-run recorded").isZero();
        assertThat(rerun.path("outcomes").path("alreadySent").asLong()).as("customers the re-run found sent to")
                .isEqualTo(customers.size());
        assertThat(executionsAfterRerun).as("executions after the re-run").isEqualTo(2);
        assertThat(eventsAfterRerun).as("customer_inactive events after the re-run").isEqualTo(customers.size());
    }
}
