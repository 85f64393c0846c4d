package io.stageflow.broadcasts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;

import io.stageflow.support.PollingWorker;
import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.StageflowClient;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;

/**
 * Scheduled broadcasts: one starts at its time and not before, exactly once however many pollers race for it,
 * a cancelled one never starts, and the schedule lives in the database, so a fresh poller (a restarted node) starts
 * what was scheduled before, and launches again a broadcast whose node claimed it but died before launching it.
 */
class BroadcastScheduleTest extends IntegrationTest {

    @Autowired
    Broadcasts broadcasts;

    @Autowired
    BroadcastSchedule schedule;

    @Autowired
    BroadcastProperties properties;

    @Autowired
    Clock clock;

    @Autowired
    @Qualifier("broadcastSchedulePoller")
    PollingWorker poller;

    @AfterEach
    void pollerRunsAgain() {
        poller.start();
    }

    @Test
    void aDueBroadcastStartsExactlyOnceWhenTwoPollersRaceForIt() throws Exception {
        String p = segmentOf(3);
        Instant at = clock.instant().plus(Duration.ofMinutes(10)).truncatedTo(ChronoUnit.SECONDS);
        JsonNode scheduled = client().post("/api/v1/broadcasts", """
                {"id": "%1$s", "segment": "%1$s", "template": "win-back-offer", "category": "transactional",
                 "name": "Scheduled %1$s", "scheduledAt": "%2$s"}""".formatted(p, at)).expectStatus(202).json();
        assertThat(scheduled.path("status").asText()).isEqualTo("SCHEDULED");
        assertThat(Instant.parse(scheduled.path("scheduledAt").asText())).isEqualTo(at);
        assertThat(scheduled.path("createdBy").asText()).isEqualTo("admin");
        assertThat(client().get("/api/v1/broadcasts/scheduled").expectStatus(200).json().findValuesAsText("id"))
                .contains(p);

        // Two pollers (two nodes) only: this node's own poller waits.
        poller.stop();
        assertThat(schedule.startDue()).isFalse();
        assertThat(status(p)).isEqualTo("SCHEDULED");

        advanceClock(Duration.ofMinutes(11));
        CyclicBarrier together = new CyclicBarrier(2);
        ExecutorService nodes = Executors.newFixedThreadPool(2);
        try {
            List<Future<Boolean>> passes = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                passes.add(nodes.submit(() -> {
                    together.await();
                    return schedule.startDue();
                }));
            }
            for (Future<Boolean> pass : passes) {
                pass.get();
            }
        } finally {
            nodes.shutdown();
        }
        JsonNode started = client().get("/api/v1/broadcasts/scheduled/" + p).expectStatus(200).json();
        assertThat(started.path("status").asText()).isEqualTo("STARTED");
        assertThat(jobExecutionsOf(p)).hasSize(1).containsExactly(started.path("jobExecutionId").asLong());
        awaitCompleted(started.path("jobExecutionId").asLong());
        assertThat(jdbc.sql("select count(*) from sf_outbox where step_id = ?").param("broadcast:" + p)
                .query(Long.class).single()).isEqualTo(3);

        // A later pass (the poller again) finds nothing to start.
        assertThat(schedule.startDue()).isFalse();
        assertThat(jobExecutionsOf(p)).hasSize(1);
        client().post("/api/v1/broadcasts/scheduled/" + p + "/cancel").expectStatus(409);
    }

    @Test
    void aBroadcastDoesNotStartBeforeItsTimeAndACancelledOneNeverStarts() {
        String p = segmentOf(1);
        Instant at = clock.instant().plus(Duration.ofMinutes(5));
        StageflowClient marketer = client(newUser("marketer", "Marketer-pass-42"), "Marketer-pass-42");
        marketer.post("/api/v1/broadcasts", """
                {"id": "%1$s", "segment": "%1$s", "template": "win-back-offer", "scheduledAt": "%2$s"}"""
                .formatted(p, at)).expectStatus(202);
        advanceClock(Duration.ofMinutes(4));
        schedule.startDue();
        assertThat(status(p)).isEqualTo("SCHEDULED");

        JsonNode cancelled = marketer.post("/api/v1/broadcasts/scheduled/" + p + "/cancel").expectStatus(200).json();
        assertThat(cancelled.path("status").asText()).isEqualTo("CANCELLED");
        advanceClock(Duration.ofMinutes(2));
        schedule.startDue();
        assertThat(status(p)).isEqualTo("CANCELLED");
        assertThat(jobExecutionsOf(p)).isEmpty();
        marketer.post("/api/v1/broadcasts/scheduled/" + p + "/cancel").expectStatus(409);
        marketer.post("/api/v1/broadcasts/scheduled/no-such-broadcast/cancel").expectStatus(404);
    }

    @Test
    void aFreshPollerStartsWhatWasScheduledBeforeTheRestartAndRelaunchesAnAbandonedClaim() {
        poller.stop();
        String before = segmentOf(2);
        String abandoned = segmentOf(1);
        Instant now = clock.instant();
        insertRow(before, "SCHEDULED", now.minus(Duration.ofMinutes(1)), null);
        insertRow(abandoned, "STARTED", now.minus(Duration.ofMinutes(20)),
                now.minus(properties.launchTimeout()).minusSeconds(1));

        // A node started afresh: a new poller with nothing in memory.
        BroadcastSchedule restarted = new BroadcastSchedule(new ScheduledBroadcastStore(jdbc), broadcasts, properties,
                clock);
        restarted.startDue();
        for (String id : List.of(before, abandoned)) {
            JsonNode row = client().get("/api/v1/broadcasts/scheduled/" + id).expectStatus(200).json();
            assertThat(row.path("status").asText()).isEqualTo("STARTED");
            assertThat(jobExecutionsOf(id)).containsExactly(row.path("jobExecutionId").asLong());
            awaitCompleted(row.path("jobExecutionId").asLong());
        }
        assertThat(jdbc.sql("select count(*) from sf_outbox where step_id = ?").param("broadcast:" + before)
                .query(Long.class).single()).isEqualTo(2);
        restarted.startDue();
        assertThat(jobExecutionsOf(before)).hasSize(1);
        assertThat(jobExecutionsOf(abandoned)).hasSize(1);
    }

    @Test
    void scheduledAtMustBeAnInstantFromNowToAYearAhead() {
        String p = segmentOf(1);
        Instant now = clock.instant();
        for (String at : List.of("\"" + now.minus(Duration.ofMinutes(1)) + "\"",
                "\"" + now.plus(Duration.ofDays(366)) + "\"", "\"next tuesday\"")) {
            JsonNode problem = client().post("/api/v1/broadcasts", """
                    {"id": "%1$s", "segment": "%1$s", "template": "win-back-offer", "scheduledAt": %2$s}"""
                    .formatted(p, at)).expectStatus(400).json();
            assertThat(problem.path("errors").findValuesAsText("field")).as(problem.toString())
                    .containsExactly("scheduledAt");
        }
        // The rest is checked as for a broadcast started now.
        JsonNode problem = client().post("/api/v1/broadcasts", """
                {"segment": "no-such-segment", "template": "win-back-offer", "scheduledAt": "%s"}"""
                .formatted(now.plus(Duration.ofHours(1)))).expectStatus(400).json();
        assertThat(problem.path("errors").findValuesAsText("field")).containsExactly("segment");
        assertThat(jdbc.sql("select count(*) from sf_scheduled_broadcast where id = ?").param(p).query(Long.class)
                .single()).isZero();
    }

    /** A segment of {@code members} fresh customers; its key, also the broadcast's id. */
    private String segmentOf(int members) {
        String p = "sb" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        for (int i = 0; i < members; i++) {
            client().putCustomer(p + "-" + i, """
                    {"email": "%1$s-%2$d@example.com", "firstName": "Member %2$d", "traits": {"campaign": "%1$s"}}"""
                    .formatted(p, i)).expectStatus(201);
        }
        client().post("/api/v1/segments", """
                {"key": "%1$s", "name": "Schedule test %1$s", "rule": {"field": "traits.campaign", "op": "eq", "value": "%1$s"}}"""
                .formatted(p)).expectStatus(201);
        return p;
    }

    private void insertRow(String id, String status, Instant scheduledAt, Instant claimedAt) {
        jdbc.sql("""
                insert into sf_scheduled_broadcast (id, segment_key, template_key, category, name, scheduled_at, status,
                                                    claimed_at, created_by, created_at)
                values (?, ?, 'win-back-offer', 'TRANSACTIONAL', 'Before the restart', ?, ?, ?, 'admin', ?)""")
                .params(id, id, Timestamp.from(scheduledAt), status,
                        claimedAt == null ? null : Timestamp.from(claimedAt), Timestamp.from(scheduledAt))
                .update();
    }

    private String status(String id) {
        return client().get("/api/v1/broadcasts/scheduled/" + id).expectStatus(200).json().path("status").asText();
    }

    private List<Long> jobExecutionsOf(String broadcast) {
        return jdbc.sql("""
                select p.JOB_EXECUTION_ID from BATCH_JOB_EXECUTION_PARAMS p
                join BATCH_JOB_EXECUTION e on e.JOB_EXECUTION_ID = p.JOB_EXECUTION_ID
                join BATCH_JOB_INSTANCE i on i.JOB_INSTANCE_ID = e.JOB_INSTANCE_ID
                where i.JOB_NAME = 'broadcast' and p.PARAMETER_NAME = 'broadcast' and p.PARAMETER_VALUE = ?""")
                .param(broadcast).query(Long.class).list();
    }

    private void awaitCompleted(long execution) {
        await().atMost(PATIENCE).until(() -> "COMPLETED".equals(
                client().get("/api/v1/broadcasts/" + execution).expectStatus(200).json().path("status").asText()));
    }
}
