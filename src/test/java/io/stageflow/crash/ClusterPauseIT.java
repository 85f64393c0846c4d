package io.stageflow.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.icegreen.greenmail.util.GreenMail;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two nodes, two JVMs, one MariaDB (issue 20, scenario 3): customers sign up, both nodes run the welcome journey and
 * deliver its emails over SMTP to GreenMail, and one node is stopped with {@code SIGSTOP} in the middle of it, for
 * longer than the outbox lease and the job executor's lock, while it holds claimed rows, locked jobs, open SMTP
 * connections and database connections. The other node takes the abandoned rows and jobs back; then the stopped node
 * resumes where it was, with a stale idea of what is its own. Nothing may go out twice (the claims and the hand-over
 * are fenced by the attempt count), nothing may stay stuck, and no job may end as an incident.
 * On H2 there is no database two processes can share, so it runs in the MariaDB build.
 */
@ExtendWith(PrintLogsOnFailure.class)
class ClusterPauseIT implements PrintLogsOnFailure.RunsTheJar {

    private static final int CUSTOMERS = Integer.getInteger("stageflow.test.cluster.customers", 300);
    /** The outbox lease and the job lock of both nodes: a stop longer than both lets the other node take over. */
    private static final Duration LEASE = Duration.ofSeconds(5);
    private static final Duration PAUSE = LEASE.multipliedBy(3);
    private static final Duration SETTLE_PATIENCE = Duration.ofSeconds(120);

    private final CrashDatabase database = CrashDatabase.fromSystemProperties();
    private StageflowProcess paused;
    private StageflowProcess other;

    /** The node that is stopped, whose log a failure prints. */
    @Override
    public StageflowProcess process() {
        return paused;
    }

    /** SIGKILL ends a stopped process too. */
    @AfterEach
    void stopTheNodes() {
        if (paused != null) {
            paused.close();
        }
        if (other != null) {
            other.close();
        }
    }

    @Test
    void aNodeStoppedPastItsLeasesSendsNothingTwiceWhenItResumes() {
        Assumptions.assumeTrue(database.shared(), "two processes share a database only on MariaDB");
        GreenMail greenMail = CrashMailServer.started();
        try {
            Map<String, String> settings = StageflowProcess.smtpTo(greenMail.getSmtp().getPort(), Map.of(
                    "stageflow.delivery.dispatcher.lease", LEASE.toString(),
                    "camunda.bpm.job-execution.lock-time-in-millis", Long.toString(LEASE.toMillis())));
            paused = StageflowProcess.prepare("cluster-pause-a", database, settings);
            paused.start();
            other = StageflowProcess.join("cluster-pause-b", database, settings);
            other.start();
            List<String> customers = CrashCustomers.ids("pause", CUSTOMERS);
            CrashCustomers.create(paused.admin(), customers);
            CrashCustomers.signUp(paused.admin(), customers);

            await("delivery under way").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(10))
                    .until(() -> greenMail.getReceivedMessages().length >= CUSTOMERS / 5);
            String state = paused.pause();
            int atPause = greenMail.getReceivedMessages().length;
            // Real time must pass here: the leases and locks of a stopped process run out on the database's clock.
            await("the other node delivering while the first is stopped").pollDelay(PAUSE)
                    .atMost(PAUSE.plusSeconds(60)).until(() -> greenMail.getReceivedMessages().length > atPause);
            int duringPause = greenMail.getReceivedMessages().length - atPause;
            paused.resume();

            Map<String, List<String>> statuses = WelcomeEmails.awaitSettled(other.admin(), customers, SETTLE_PATIENCE);
            Deliveries mailboxes = Deliveries.received(greenMail.getReceivedMessages());
            List<String> duplicated = customers.stream().filter(id -> mailboxes.to(CrashCustomers.email(id)).size() > 1)
                    .toList();
            List<String> missing = customers.stream().filter(id -> mailboxes.to(CrashCustomers.email(id)).isEmpty())
                    .toList();
            long retried = database.count("select count(*) from sf_outbox where attempts > 1");
            long incidents = other.admin().get("/engine-rest/incident/count").expectStatus(200).json()
                    .path("count").asLong();
            System.out.printf("CLUSTER pause %s: nodes=2 customers=%d stopped-state=%s stop=%s lease=%s"
                            + " delivered-before-stop=%d delivered-by-the-other-node-while-stopped=%d"
                            + " rows-claimed-again=%d delivered-once=%d duplicates=%d missing=%d incidents=%d"
                            + " message-log=%s%n",
                    database.label(), CUSTOMERS, state, PAUSE, LEASE, atPause, duringPause, retried,
                    CUSTOMERS - duplicated.size() - missing.size(), duplicated.size(), missing.size(), incidents,
                    WelcomeEmails.tally(statuses));

            assertThat(state).as("the first node really was stopped").isEqualTo("T");
            assertThat(duringPause).as("emails the other node delivered while the first was stopped").isPositive();
            assertThat(duplicated).as("customers with more than one welcome email").isEmpty();
            assertThat(missing).as("customers without a welcome email").isEmpty();
            assertThat(WelcomeEmails.tally(statuses)).as("every welcome email sent, none stuck or flagged")
                    .containsOnlyKeys(List.of(List.of("sent")));
            assertThat(incidents).as("journey incidents").isZero();
        } finally {
            greenMail.stop();
        }
    }
}
