package io.stageflow.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.LongSummaryStatistics;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;

import io.stageflow.testing.StageflowClient;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The correlation race (issue 20, scenario 5): each customer's first order arrives from 500 ms before to 500 ms
 * after the moment their welcome journey reaches its wait for it, and is posted with the same messageId to both
 * nodes at the same moment. Two jars on one MariaDB run the project's journeys; the welcome journey sends its email
 * in an asynchronous job ({@code SendWelcomeEmail}) whose transaction queues the email, sets the stage and reaches
 * the event-based gateway that waits for {@code order_completed} (or 3 days, then the reminder). An order routed
 * before that job commits finds the journey "not waiting yet" and is retried; one routed after is delivered.
 * <p>
 * The moment is aimed at and measured, not guessed: the send step's jobs are held (the job definition suspended,
 * as Cockpit does) until each customer's turn, when the test activates that customer's job and schedules the
 * order at a seeded random offset in [-500, +500] ms around the moment it expects the job to commit (the median
 * of the lags measured so far). A poller of the test's own reads {@code ACT_RU_JOB} every few milliseconds; the
 * job's row is deleted in the transaction that reaches the wait, so the first poll that misses it dates that
 * commit. The welcome email's SMTP hand-over comes only after that commit (the dispatcher takes the outbox row
 * once it is committed), so the mail server's traffic cannot date the wait; GreenMail is only the sink.
 * <p>
 * Pass: every answer {@code 202}, each messageId answered {@code accepted} once and {@code duplicate} once,
 * stored once and routed with one delivery to a waiting step; each customer's welcome journey ended at
 * "Converted", the order caught once; no reminder, one welcome email each; no incident; no event left
 * pending, unmatched or dead-lettered. Orders must have landed on both sides of the wait and some must have been
 * retried as not waiting yet (the proof that the race happened). MariaDB only; {@code
 * -Dstageflow.test.cluster.race-customers} sets the number of customers (100), {@code
 * -Dstageflow.test.cluster.race-spacing-ms} the time between two customers' turns (100 ms).
 */
@ExtendWith(PrintLogsOnFailure.class)
class CorrelationRaceIT implements PrintLogsOnFailure.RunsNodes {

    private static final int CUSTOMERS = Integer.getInteger("stageflow.test.cluster.race-customers", 100);
    private static final long SPACING_MILLIS = Long.getLong("stageflow.test.cluster.race-spacing-ms", 100);
    /** Orders land up to this long before and after the moment the journey reaches its wait. */
    private static final long WINDOW_MILLIS = 500;
    /** The expected lag from a job's activation to its commit, until the first lags are measured. */
    private static final long FIRST_AIM_MILLIS = 150;
    /** The aim is the median of this many of the latest lags, once there are as many. */
    private static final int RECENT_LAGS = 9;
    private static final long SEED = 5;
    private static final Duration POLL = Duration.ofMillis(2);
    private static final Duration RACE_PATIENCE = Duration.ofMinutes(3);
    private static final Duration SETTLE_PATIENCE = Duration.ofSeconds(120);
    private static final int PAGE = 1000;
    private static final String SEND_STEP = "SendWelcomeEmail";
    private static final String ORDER_PREFIX = "race-order-";

    private final CrashDatabase database = CrashDatabase.fromSystemProperties();
    private final List<StageflowProcess> nodes = new ArrayList<>();
    /**
     * Per customer, {@link System#nanoTime()} of: the activation's request, the order's release to both nodes, the
     * answer {@code accepted} (the order was stored before it), the wait's commit.
     */
    private final Map<String, Long> activatedAt = new ConcurrentHashMap<>();
    private final Map<String, Long> sentAt = new ConcurrentHashMap<>();
    private final Map<String, Long> acceptedAt = new ConcurrentHashMap<>();
    private final Map<String, Long> waitReachedAt = new ConcurrentHashMap<>();
    /** Jobs activated whose row the poller still saw, by job id: their customer. */
    private final Map<String, String> jobsInFlight = new ConcurrentHashMap<>();
    private final Deque<Long> lagsMillis = new ConcurrentLinkedDeque<>();
    private final Queue<Long> activationAnswersMillis = new ConcurrentLinkedQueue<>();
    private final Map<String, Queue<String>> resultsByMessageId = new ConcurrentHashMap<>();
    private final Map<Integer, AtomicLong> answersByStatus = new ConcurrentHashMap<>();
    private final Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
    private final AtomicLong polls = new AtomicLong();

    @Override
    public List<StageflowProcess> nodes() {
        return nodes;
    }

    /** How long the parts of the test took, in seconds: the nodes' start, the sign-ups, the race, the settling. */
    record Phases(double startup, double setup, double race, double settle) {
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    /** What a node answered to one post of an order: the HTTP status (0: no answer) and the result's status. */
    record Answer(int status, String result) {
    }

    @Test
    void everyOrderAroundTheWaitIsCorrelatedOnceWhenSentToBothNodesAtOnce() throws Exception {
        Assumptions.assumeTrue(database.shared(), "two processes share a database only on MariaDB");
        long testStart = System.nanoTime();
        GreenMail greenMail = CrashMailServer.started();
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(4);
        ExecutorService senders = Executors.newCachedThreadPool();
        ExecutorService poller = Executors.newSingleThreadExecutor();
        AtomicBoolean stopPolling = new AtomicBoolean();
        try {
            Map<String, String> settings = StageflowProcess.smtpTo(greenMail.getSmtp().getPort(), Map.of());
            nodes.add(StageflowProcess.prepare("correlation-race-a", database, settings));
            nodes.get(0).start();
            nodes.add(StageflowProcess.join("correlation-race-b", database, settings));
            nodes.get(1).start();
            double startup = seconds(testStart);
            StageflowClient admin = nodes.get(0).admin();
            int held = holdTheSendStep(admin);

            List<String> customers = CrashCustomers.ids("race", CUSTOMERS);
            CrashCustomers.create(admin, customers);
            CrashCustomers.signUp(admin, customers);
            Map<String, String> jobs = heldJobs(admin, customers);
            String writeKey = admin.newWriteKey("correlation-race");
            List<StageflowClient> integrations = nodes.stream().map(node -> node.writeKeyClient(writeKey)).toList();
            List<StageflowClient> operators = nodes.stream().map(StageflowProcess::admin).toList();

            Future<?> polling = poller.submit(() -> pollJobs(stopPolling));
            long raceStart = System.nanoTime();
            Map<String, Long> offsetsAimed = race(customers, jobs, integrations, operators, scheduler, senders);
            await("every held job run").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> waitReachedAt.size() == CUSTOMERS || polling.isDone());
            stopPolling.set(true);
            polling.get(10, TimeUnit.SECONDS);
            double race = seconds(raceStart);

            long settleStart = System.nanoTime();
            await("every welcome journey ended").atMost(SETTLE_PATIENCE).pollInterval(Duration.ofMillis(500))
                    .until(() -> admin.get("/engine-rest/process-instance/count?processDefinitionKey=welcome")
                            .expectStatus(200).json().path("count").asLong(), count -> count == 0);
            await("no event pending").atMost(SETTLE_PATIENCE).pollInterval(Duration.ofMillis(500))
                    .until(() -> database.count("select count(*) from sf_event where status = 'PENDING'") == 0);
            Map<String, List<MessageLog.Row>> welcomeEmails = MessageLog.awaitSettled(admin, customers, "welcome", 1,
                    SETTLE_PATIENCE);
            Phases phases = new Phases(startup, seconds(testStart) - startup - race - seconds(settleStart), race,
                    seconds(settleStart));
            check(customers, held, offsetsAimed, welcomeEmails, greenMail, phases, testStart);
        } finally {
            stopPolling.set(true);
            scheduler.shutdownNow();
            senders.shutdownNow();
            poller.shutdownNow();
            greenMail.stop();
        }
    }

    /**
     * Suspends the welcome journey's send-step job definitions with their jobs: a journey that reaches the step
     * stays there, its job created suspended, until the test activates it. Returns how many definitions it held.
     */
    private static int holdTheSendStep(StageflowClient admin) {
        List<JsonNode> definitions = all(admin,
                "/engine-rest/job-definition?processDefinitionKey=welcome&activityIdIn=" + SEND_STEP);
        for (JsonNode definition : definitions) {
            admin.put("/engine-rest/job-definition/" + definition.path("id").asText() + "/suspended",
                    "{\"suspended\":true,\"includeJobs\":true}").expectStatus(204);
        }
        assertThat(definitions).as("job definitions of the welcome journey's send step").isNotEmpty();
        return definitions.size();
    }

    /** Every result of an engine query, page by page (the engine answers at most 2,000 at once). */
    private static List<JsonNode> all(StageflowClient admin, String query) {
        List<JsonNode> results = new ArrayList<>();
        for (int page = 0; ; page++) {
            JsonNode rows = admin.get(query + "&firstResult=" + page * PAGE + "&maxResults=" + PAGE).expectStatus(200)
                    .json();
            rows.forEach(results::add);
            if (rows.size() < PAGE) {
                return results;
            }
        }
    }

    /** Waits until every customer's journey holds at the send step; each customer's job id. */
    private static Map<String, String> heldJobs(StageflowClient admin, List<String> customers) {
        String query = "/engine-rest/job?processDefinitionKey=welcome&activityId=" + SEND_STEP + "&suspended=true";
        await("every journey held at its send step").atMost(SETTLE_PATIENCE).pollInterval(Duration.ofMillis(500))
                .until(() -> admin.get(query.replace("/job?", "/job/count?")).expectStatus(200).json().path("count")
                        .asLong(), count -> count == customers.size());
        Map<String, String> customerByInstance = new HashMap<>();
        all(admin, "/engine-rest/process-instance?processDefinitionKey=welcome").forEach(instance -> customerByInstance
                .put(instance.path("id").asText(), instance.path("businessKey").asText()));
        Map<String, String> jobs = new HashMap<>();
        all(admin, query).forEach(job -> jobs.put(
                customerByInstance.get(job.path("processInstanceId").asText()), job.path("id").asText()));
        assertThat(jobs).as("held send jobs by customer").containsOnlyKeys(customers);
        return jobs;
    }

    /**
     * Each customer's turn, {@link #SPACING_MILLIS} apart: shortly before it, the order's moment is fixed at a
     * seeded offset around the expected commit; at it, the job is activated on one node (alternating). Returns
     * the offsets aimed at, by customer, once every order is answered.
     */
    private Map<String, Long> race(List<String> customers, Map<String, String> jobs,
            List<StageflowClient> integrations, List<StageflowClient> operators, ScheduledExecutorService scheduler,
            ExecutorService senders) throws InterruptedException {
        Random random = new Random(SEED);
        Map<String, Long> offsetsAimed = new ConcurrentHashMap<>();
        CountDownLatch finished = new CountDownLatch(2 * customers.size());
        long lead = WINDOW_MILLIS + 200;
        long firstTurn = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(lead);
        for (int i = 0; i < customers.size(); i++) {
            String customer = customers.get(i);
            int node = i % 2;
            long offset = random.nextLong(-WINDOW_MILLIS, WINDOW_MILLIS + 1);
            long turn = firstTurn + TimeUnit.MILLISECONDS.toNanos(i * SPACING_MILLIS);
            scheduler.schedule(() -> {
                long aim = aimMillis();
                offsetsAimed.put(customer, offset);
                // The scheduler's threads only hand the work on, so a slow answer delays no one else's turn.
                scheduler.schedule(() -> senders.execute(() -> guarded(finished, () -> activate(operators.get(node),
                        customer, jobs.get(customer)))), turn - System.nanoTime(), TimeUnit.NANOSECONDS);
                scheduler.schedule(() -> senders.execute(() -> postToBoth(integrations, customer, senders, finished)),
                        turn + TimeUnit.MILLISECONDS.toNanos(aim + offset) - System.nanoTime(), TimeUnit.NANOSECONDS);
            }, turn - TimeUnit.MILLISECONDS.toNanos(lead) - System.nanoTime(), TimeUnit.NANOSECONDS);
        }
        assertThat(finished.await(RACE_PATIENCE.toMillis(), TimeUnit.MILLISECONDS))
                .as("every job activated and every order answered within %s", RACE_PATIENCE).isTrue();
        assertThat(failures).as("failures of the test's own threads").isEmpty();
        return offsetsAimed;
    }

    /**
     * The median of the latest lags measured from an activation to its job's commit, or the first guess: the lag
     * grows and shrinks with the load of the moment.
     */
    private long aimMillis() {
        List<Long> lags = new ArrayList<>();
        for (var latest = lagsMillis.descendingIterator(); latest.hasNext() && lags.size() < RECENT_LAGS; ) {
            lags.add(latest.next());
        }
        if (lags.size() < RECENT_LAGS) {
            return FIRST_AIM_MILLIS;
        }
        lags.sort(null);
        return lags.get(lags.size() / 2);
    }

    private void guarded(CountDownLatch finished, Runnable task) {
        try {
            task.run();
        } catch (RuntimeException | AssertionError e) {
            failures.add(e);
        } finally {
            finished.countDown();
        }
    }

    /**
     * Lets the customer's held job run: the poller watches its row from before the call, and the lag is measured
     * from the request, so the aim includes how long the engine takes to answer it.
     */
    private void activate(StageflowClient operator, String customer, String jobId) {
        activatedAt.put(customer, System.nanoTime());
        jobsInFlight.put(jobId, customer);
        long requested = System.nanoTime();
        operator.put("/engine-rest/job/" + jobId + "/suspended", "{\"suspended\":false}").expectStatus(204);
        activationAnswersMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - requested));
    }

    /** Posts the customer's order to both nodes at one moment: two threads released together by a latch. */
    private void postToBoth(List<StageflowClient> integrations, String customer, ExecutorService senders,
            CountDownLatch finished) {
        String messageId = ORDER_PREFIX + customer;
        String body = ("[{\"messageId\":\"%s\",\"type\":\"order_completed\",\"customerId\":\"%s\","
                + "\"properties\":{\"orderId\":\"o-%s\",\"total\":49.90}}]").formatted(messageId, customer, customer);
        CountDownLatch ready = new CountDownLatch(integrations.size());
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<Answer>> answers = integrations.stream()
                .map(client -> CompletableFuture.supplyAsync(() -> {
                    ready.countDown();
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                    Answer answer = post(client, body);
                    if (answer.result().equals("accepted")) {
                        acceptedAt.put(customer, System.nanoTime());
                    }
                    return answer;
                }, senders)).toList();
        try {
            ready.await();
            sentAt.put(customer, System.nanoTime());
            go.countDown();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failures.add(e);
        }
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).whenComplete((ignored, error) -> {
            if (error != null) {
                failures.add(error);
            } else {
                answers.forEach(answer -> {
                    Answer a = answer.join();
                    answersByStatus.computeIfAbsent(a.status(), s -> new AtomicLong()).incrementAndGet();
                    resultsByMessageId.computeIfAbsent(messageId, id -> new ConcurrentLinkedQueue<>()).add(a.result());
                });
            }
            finished.countDown();
        });
    }

    private static Answer post(StageflowClient client, String body) {
        try {
            StageflowClient.Response response = client.postEvents(body);
            String result = response.status() == 202
                    ? response.json().path("results").path(0).path("status").asText() : response.body();
            return new Answer(response.status(), result);
        } catch (UncheckedIOException noAnswer) {
            return new Answer(0, noAnswer.toString());
        }
    }

    /**
     * Reads which activated jobs still have their row, every {@link #POLL}, on a connection of its own. A job's row
     * is deleted in the transaction that reaches the wait: the first read that misses it dates the commit, which
     * lies between the read before and that one.
     */
    private void pollJobs(AtomicBoolean stop) {
        try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
            while (!stop.get()) {
                List<String> watched = List.copyOf(jobsInFlight.keySet());
                if (!watched.isEmpty()) {
                    long issued = System.nanoTime();
                    Set<String> present = new HashSet<>();
                    try (ResultSet rows = statement.executeQuery("select ID_ from ACT_RU_JOB where ID_ in ("
                            + watched.stream().map(id -> "'" + id + "'").collect(Collectors.joining(",")) + ")")) {
                        while (rows.next()) {
                            present.add(rows.getString(1));
                        }
                    }
                    polls.incrementAndGet();
                    watched.stream().filter(job -> !present.contains(job)).forEach(job -> {
                        String customer = jobsInFlight.remove(job);
                        waitReachedAt.put(customer, issued);
                        Long activated = activatedAt.get(customer);
                        if (activated != null) {
                            lagsMillis.add(TimeUnit.NANOSECONDS.toMillis(issued - activated));
                        }
                    });
                }
                LockSupport.parkNanos(POLL.toNanos());
            }
        } catch (SQLException e) {
            throw new IllegalStateException("The job poller lost the database", e);
        }
    }

    private void check(List<String> customers, int held, Map<String, Long> offsetsAimed,
            Map<String, List<MessageLog.Row>> welcomeEmails, GreenMail greenMail, Phases phases, long testStart) {
        StageflowClient admin = nodes.get(0).admin();
        Map<String, Long> offsets = offsetsFromTheWait(customers, sentAt);
        Map<String, Long> storedOffsets = offsetsFromTheWait(customers, acceptedAt);
        long sentBefore = offsets.values().stream().filter(offset -> offset < 0).count();
        long storedBefore = storedOffsets.values().stream().filter(offset -> offset < 0).count();
        List<Long> lags = lagsMillis.stream().sorted().toList();
        List<Long> activations = activationAnswersMillis.stream().sorted().toList();
        List<String> notAcceptedOnce = customers.stream().map(id -> ORDER_PREFIX + id)
                .filter(id -> !List.of("accepted", "duplicate").equals(
                        resultsByMessageId.getOrDefault(id, new ConcurrentLinkedQueue<>()).stream().sorted().toList()))
                .toList();
        String orders = "from sf_event where message_id like '" + ORDER_PREFIX + "%'";
        long stored = database.count("select count(*) " + orders);
        long storedTwice = database.count("select count(*) from (select message_id from sf_event group by message_id"
                + " having count(*) > 1) twice");
        long deliveredOnce = database.count("select count(*) " + orders
                + " and status = 'ROUTED' and outcome like '%delivered to 1 waiting step(s)%'");
        long retried = database.count("select count(*) " + orders + " and attempts > 1");
        long mostAttempts = database.count("select coalesce(max(attempts), 0) " + orders);
        long notRouted = database.count("select count(*) from sf_event where status <> 'ROUTED'");
        String welcome = " where proc_def_key_ = 'welcome'";
        long journeys = database.count("select count(*) from ACT_HI_PROCINST" + welcome);
        long customersWithTwo = database.count("select count(*) from (select business_key_ from ACT_HI_PROCINST"
                + welcome + " group by business_key_ having count(*) > 1) twice");
        long converted = database.count("select count(*) from ACT_HI_PROCINST" + welcome
                + " and state_ = 'COMPLETED' and end_act_id_ = 'Converted'");
        long caught = database.count("select count(*) from ACT_HI_ACTINST" + welcome
                + " and act_id_ = 'FirstOrderReceived'");
        long caughtTwice = database.count("select count(*) from (select proc_inst_id_ from ACT_HI_ACTINST" + welcome
                + " and act_id_ = 'FirstOrderReceived' group by proc_inst_id_ having count(*) > 1) twice");
        long reminderSteps = database.count("select count(*) from ACT_HI_ACTINST" + welcome
                + " and act_id_ in ('ThreeDaysPassed', 'IssueFirstOrderCoupon', 'SendReminderEmail', 'NotConverted')");
        long reminders = database.count("select count(*) from sf_outbox where template_key = 'welcome-reminder'");
        Deliveries mailboxes = Deliveries.received(greenMail.getReceivedMessages());
        // A welcome email still queued when the order ended the journey is withdrawn, by design (docs/journeys.md,
        // "Goals withdraw unsent email"); one that was sent reached the mailbox once.
        List<String> mismatched = customers.stream().filter(id -> !welcomeEmailAsExpected(welcomeEmails.get(id),
                mailboxes.to(CrashCustomers.email(id)).size())).toList();
        long withdrawn = welcomeEmails.values().stream().filter(rows -> MessageLog.count(rows, "withdrawn") == 1)
                .count();
        long incidents = admin.get("/engine-rest/incident/count").expectStatus(200).json().path("count").asLong();
        long pastIncidents = admin.get("/engine-rest/history/incident/count").expectStatus(200).json().path("count")
                .asLong();
        long notWaitingYet = routerCount("not_waiting_yet");
        long routingErrorsRetried = routerCount("error_retried");
        Map<Integer, Long> statuses = new TreeMap<>();
        answersByStatus.forEach((status, count) -> statuses.put(status, count.get()));
        long otherThan202 = statuses.entrySet().stream().filter(e -> e.getKey() != 202).mapToLong(Map.Entry::getValue)
                .sum();

        System.out.printf("CLUSTER correlation-race %s: nodes=2 customers=%d orders=%d posts=%d answers-by-status=%s"
                        + " answered-accepted-and-duplicate=%d spacing=%dms aimed-offsets=%s sent-before-wait=%d"
                        + " sent-after-wait=%d sent-offsets=%s stored-before-wait=%d stored-offsets=%s"
                        + " lag-activation-to-wait(median/p95/max)=%d/%d/%dms activation-answer(median/max)=%d/%dms"
                        + " job-polls=%d (every %.1f ms)"
                        + " orders-retried=%d most-attempts=%d not-waiting-yet-deferrals=%d routing-errors-retried=%d"
                        + " stored=%d stored-twice=%d delivered-to-one-wait=%d welcome-journeys=%d converted=%d"
                        + " caught=%d caught-twice=%d customers-with-two-journeys=%d reminder-steps=%d"
                        + " reminders-queued=%d welcome-emails=%s withdrawn-by-the-order=%d mailbox-mismatches=%d"
                        + " incidents=%d past-incidents=%d events-not-routed=%d held-job-definitions=%d startup=%.1fs"
                        + " setup=%.1fs race=%.1fs settle=%.1fs run=%.1fs%n",
                database.label(), CUSTOMERS, resultsByMessageId.size(), 2 * CUSTOMERS, statuses,
                CUSTOMERS - notAcceptedOnce.size(), SPACING_MILLIS, range(offsetsAimed.values()), sentBefore,
                offsets.size() - sentBefore, range(offsets.values()), storedBefore, range(storedOffsets.values()),
                percentile(lags, 50), percentile(lags, 95), percentile(lags, 100), percentile(activations, 50),
                percentile(activations, 100), polls.get(),
                phases.race() * 1000 / Math.max(1, polls.get()), retried, mostAttempts, notWaitingYet,
                routingErrorsRetried, stored, storedTwice, deliveredOnce, journeys, converted, caught, caughtTwice,
                customersWithTwo, reminderSteps, reminders, MessageLog.tally(welcomeEmails), withdrawn,
                mismatched.size(), incidents, pastIncidents, notRouted, held, phases.startup(), phases.setup(),
                phases.race(), phases.settle(), seconds(testStart));

        assertThat(offsets).as("customers whose order and wait were both timed").hasSize(CUSTOMERS);
        assertThat(sentBefore).as("orders sent before the journey reached its wait").isPositive();
        assertThat(offsets.size() - sentBefore).as("orders sent after the journey reached its wait").isPositive();
        assertThat(retried).as("orders retried (not waiting yet)").isPositive();
        assertThat(otherThan202).as("answers other than 202, by status: %s", statuses).isZero();
        assertThat(notAcceptedOnce).as("messageIds not answered accepted once and duplicate once").isEmpty();
        assertThat(stored).as("orders stored").isEqualTo(CUSTOMERS);
        assertThat(storedTwice).as("messageIds stored twice").isZero();
        assertThat(deliveredOnce).as("orders routed with one delivery to a waiting step").isEqualTo(CUSTOMERS);
        assertThat(notRouted).as("events pending, unmatched or dead-lettered").isZero();
        assertThat(journeys).as("welcome journeys").isEqualTo(CUSTOMERS);
        assertThat(customersWithTwo).as("customers with two welcome journeys").isZero();
        assertThat(converted).as("welcome journeys ended at Converted").isEqualTo(CUSTOMERS);
        assertThat(caught).as("orders caught by a welcome journey").isEqualTo(CUSTOMERS);
        assertThat(caughtTwice).as("welcome journeys that caught an order twice").isZero();
        assertThat(reminderSteps).as("steps of the reminder branch run").isZero();
        assertThat(reminders).as("reminder emails queued").isZero();
        assertThat(mismatched).as("customers whose welcome email is not one row, sent and received once or withdrawn"
                + " by the order and never received: %s", some(mismatched, welcomeEmails)).isEmpty();
        assertThat(incidents).as("incidents").isZero();
        assertThat(pastIncidents).as("incidents, resolved ones included").isZero();
    }

    /** Per customer, the moment (by {@code moments}) less the moment the journey reached its wait, in ms. */
    private Map<String, Long> offsetsFromTheWait(List<String> customers, Map<String, Long> moments) {
        Map<String, Long> offsets = new TreeMap<>();
        customers.stream().filter(id -> moments.containsKey(id) && waitReachedAt.containsKey(id)).forEach(id -> offsets
                .put(id, TimeUnit.NANOSECONDS.toMillis(moments.get(id) - waitReachedAt.get(id))));
        return offsets;
    }

    /**
     * One welcome row: {@code sent} and in the mailbox once, or {@code withdrawn} because the order (the journey's
     * goal) ended the journey while the email was still queued, and in no mailbox.
     */
    private static boolean welcomeEmailAsExpected(List<MessageLog.Row> rows, int received) {
        if (rows.size() != 1) {
            return false;
        }
        MessageLog.Row row = rows.get(0);
        return row.status().equals("sent") && received == 1 || row.status().equals("withdrawn") && received == 0
                && row.reason().contains("the journey reached its goal");
    }

    private static Map<String, List<MessageLog.Row>> some(List<String> ids, Map<String, List<MessageLog.Row>> rows) {
        Map<String, List<MessageLog.Row>> shown = new TreeMap<>();
        ids.stream().limit(10).forEach(id -> shown.put(id, rows.get(id)));
        return shown;
    }

    private static String range(Collection<Long> values) {
        LongSummaryStatistics statistics = values.stream().mapToLong(v -> v).summaryStatistics();
        return values.isEmpty() ? "[]" : "[" + statistics.getMin() + ".." + statistics.getMax() + "]ms";
    }

    /** The routing attempts both nodes counted with this outcome ({@code stageflow.router.events}). */
    private long routerCount(String outcome) {
        return nodes.stream().mapToLong(node -> {
            StageflowClient.Response response = node.admin()
                    .get("/actuator/metrics/stageflow.router.events?tag=outcome:" + outcome);
            if (response.status() == 404) {
                return 0; // never counted on this node
            }
            return StreamSupport.stream(response.expectStatus(200).json().path("measurements").spliterator(), false)
                    .filter(m -> m.path("statistic").asText().equals("COUNT")).mapToLong(m -> m.path("value").asLong())
                    .sum();
        }).sum();
    }

    private static long percentile(List<Long> sorted, int percent) {
        if (sorted.isEmpty()) {
            return -1;
        }
        int index = (int) Math.ceil(percent / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
