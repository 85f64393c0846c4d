package io.stageflow.inactivity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import io.stageflow.testing.IntegrationTest;

import org.junit.jupiter.api.Test;
import org.springframework.batch.core.JobExecution;
import org.springframework.batch.core.JobParametersBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The inactivity scan, with the clock moved 61 days on: it starts win-back for exactly the customers in RETENTION
 * or later (not LAPSED) whose last order is more than 60 days old and who are not in win-back already, and a
 * re-run, or the scheduled run launched twice as two nodes would, starts nothing new.
 */
class InactivityScanTest extends IntegrationTest {

    @Autowired
    InactivityScan scan;

    @Autowired
    JobRepository jobRepository;

    @Test
    void startsWinBackForExactlyTheInactiveCustomersAndARerunStartsNothingNew() {
        String p = "imp" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        Instant now = Instant.now();
        String retention = customer(p + "-retention", "RETENTION", 3, now);
        String advocate = customer(p + "-advocate", "ADVOCACY", 5, now.minus(Duration.ofDays(10)));
        String recent = customer(p + "-recent", "RETENTION", 2, now.plus(Duration.ofDays(30)));
        String onboarding = customer(p + "-onboarding", "ONBOARDING", 1, now);
        String lapsed = customer(p + "-lapsed", "LAPSED", 4, now);
        String neverOrdered = customer(p + "-never", "RETENTION", 0, null);
        String alreadyIn = customer(p + "-already", "EXPANSION", 3, now);
        client().postEvents("""
                {"messageId": "%1$s-manual-inactive", "type": "customer_inactive", "customerId": "%1$s"}"""
                .formatted(alreadyIn)).expectStatus(202);
        await().atMost(PATIENCE).until(() -> winBacks(alreadyIn) == 1);

        advanceClock(Duration.ofDays(61));
        JsonNode first = runScan();
        assertThat(first.path("read").asLong()).isGreaterThanOrEqualTo(3);
        assertThat(first.path("outcomes").path("started").asLong()).isGreaterThanOrEqualTo(2);
        assertThat(first.path("outcomes").path("inWinBack").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(first.path("rows").asLong()).isGreaterThanOrEqualTo(3);
        assertThat(first.path("secondsLeft").asLong()).isZero();
        // One shape for every job's progress (docs/api.md): the import's counts are there for the scan too, errors
        // as 0 and the others left out as null (as every null field is).
        List<String> fields = new ArrayList<>();
        first.fieldNames().forEachRemaining(fields::add);
        // rowsPerSecond (and with it secondsLeft) is left out when the step's time could not be measured, as when
        // it started and ended within one tick of the database's clock (seen once on MariaDB).
        assertThat(List.of("id", "instanceId", "job", "status", "exitCode", "startedAt", "endedAt", "rows", "position",
                "resumedAt", "read", "written", "skipped", "errors", "outcomes", "rowsPerSecond", "secondsLeft"))
                .as("the fields, in their order").containsSubsequence(fields);
        assertThat(fields).as(first.toString()).contains("id", "instanceId", "job", "status", "exitCode", "startedAt",
                "endedAt", "rows", "position", "resumedAt", "read", "written", "skipped", "errors", "outcomes");
        assertThat(first.path("errors").isIntegralNumber()).as(first.toString()).isTrue();
        assertThat(first.path("errors").asLong()).isZero();
        assertThat(first.path("position").asLong()).as("no reader position: what it read").isEqualTo(
                first.path("read").asLong());

        await().atMost(PATIENCE).until(() -> winBacks(retention) == 1 && winBacks(advocate) == 1);
        for (String id : List.of(retention, advocate, recent, onboarding, lapsed, neverOrdered, alreadyIn)) {
            awaitSettled(id);
        }
        for (String id : List.of(recent, onboarding, lapsed, neverOrdered)) {
            assertThat(winBacks(id)).as(id).isZero();
            assertThat(inactiveEvents(id)).as(id).isZero();
        }
        assertThat(winBacks(alreadyIn)).isEqualTo(1);
        assertThat(inactiveEvents(alreadyIn)).as("the scan sends nothing to a customer in win-back").isEqualTo(1);
        assertThat(inactiveEvents(retention)).isEqualTo(1);
        String properties = jdbc.sql("select properties from sf_event where customer_id = ? and type = 'customer_inactive'")
                .param(advocate).query(String.class).single();
        assertThat(properties).contains("\"daysSinceLastOrder\":71").contains("lastOrderAt");
        assertThat(awaitMail(retention + "@example.com", 1)).hasSize(1);

        // Again, on demand and as the schedule on two nodes would: nothing new.
        JsonNode second = runScan();
        assertThat(second.path("outcomes").path("started").asLong()).isZero();
        assertThat(scan.startScheduled()).isPresent().get().satisfies(execution -> awaitDone(execution.getId()));
        assertThat(scan.startScheduled()).as("the second node finds this minute's run launched").isEmpty();
        for (String id : List.of(retention, advocate, alreadyIn)) {
            awaitSettled(id);
            assertThat(winBacks(id)).as(id).isEqualTo(1);
            assertThat(inactiveEvents(id)).as(id).isEqualTo(1);
        }
        assertThat(winBacks(recent)).isZero();
    }

    /**
     * One scan at a time over the cluster: a launch while an execution runs (here one created as another node
     * would, left STARTING) starts nothing and answers 409 naming it; once that execution has been silent for
     * stale-after (its node died) it no longer holds a launch back.
     */
    @Test
    void aLaunchWhileAScanRunsStartsNothingAndNamesTheRunningOne() throws Exception {
        long before = scanExecutions();
        JobExecution running = jobRepository.createJobExecution(InactivityJobConfiguration.JOB,
                new JobParametersBuilder().addString(InactivityJobConfiguration.RUN, "manual:another-node")
                        .addLong(InactivityJobConfiguration.AS_OF, Instant.now().toEpochMilli()).toJobParameters());
        try {
            JsonNode refused = client().post("/api/v1/jobs/inactivity-scan").expectStatus(409).json();
            assertThat(refused.path("jobId").asLong()).as(refused.toString()).isEqualTo(running.getId());
            assertThat(refused.path("progress").asText()).isEqualTo("/api/v1/jobs/" + running.getId());
            assertThat(refused.path("detail").asText()).contains("running already as job " + running.getId());
            assertThat(scanExecutions()).as("executions: only the running one").isEqualTo(before + 1);

            Timestamp longAgo = Timestamp.from(Instant.now().minus(Duration.ofMinutes(10)));
            jdbc.sql("update BATCH_JOB_EXECUTION set CREATE_TIME = ?, LAST_UPDATED = ? where JOB_EXECUTION_ID = ?")
                    .params(longAgo, longAgo, running.getId()).update();
            assertThat(runScan().path("id").asLong()).as("a scan, past the one silent for stale-after")
                    .isNotEqualTo(running.getId());
        } finally {
            jdbc.sql("update BATCH_JOB_EXECUTION set STATUS = 'FAILED', END_TIME = LAST_UPDATED"
                    + " where JOB_EXECUTION_ID = ?").param(running.getId()).update();
        }
    }

    @Test
    void aRestartWhileAnotherScanRunsStartsNothingAndNamesTheRunningOne() throws Exception {
        JobExecution failed = jobRepository.createJobExecution(InactivityJobConfiguration.JOB,
                new JobParametersBuilder().addString(InactivityJobConfiguration.RUN, "manual:failed-earlier")
                        .addLong(InactivityJobConfiguration.AS_OF, Instant.now().toEpochMilli()).toJobParameters());
        jdbc.sql("update BATCH_JOB_EXECUTION set STATUS = 'FAILED', EXIT_CODE = 'FAILED', END_TIME = LAST_UPDATED"
                + " where JOB_EXECUTION_ID = ?").param(failed.getId()).update();
        JobExecution running = jobRepository.createJobExecution(InactivityJobConfiguration.JOB,
                new JobParametersBuilder().addString(InactivityJobConfiguration.RUN, "manual:running-elsewhere")
                        .addLong(InactivityJobConfiguration.AS_OF, Instant.now().toEpochMilli()).toJobParameters());
        long before = scanExecutions();
        try {
            JsonNode refused = client().post("/api/v1/jobs/" + failed.getId() + "/restart").expectStatus(409).json();
            assertThat(refused.path("jobId").asLong()).as(refused.toString()).isEqualTo(running.getId());
            assertThat(refused.path("detail").asText()).contains("running already as job " + running.getId());
            assertThat(scanExecutions()).as("executions after the refused restart").isEqualTo(before);
        } finally {
            jdbc.sql("update BATCH_JOB_EXECUTION set STATUS = 'FAILED', END_TIME = LAST_UPDATED"
                    + " where JOB_EXECUTION_ID = ?").param(running.getId()).update();
        }
    }

    @Test
    void onlyAdminsAndOperatorsStartTheScan() {
        client("nobody", "wrong").post("/api/v1/jobs/inactivity-scan").expectStatus(401);
    }

    @Test
    void aCompletedScanIsNeitherStoppedNorRestarted() {
        long id = runScan().path("id").asLong();
        client().post("/api/v1/jobs/" + id + "/stop").expectStatus(409);
        client().post("/api/v1/jobs/" + id + "/restart").expectStatus(409);
        client("nobody", "wrong").post("/api/v1/jobs/" + id + "/restart").expectStatus(401);
    }

    private JsonNode runScan() {
        JsonNode started = client().post("/api/v1/jobs/inactivity-scan").expectStatus(202).json();
        assertThat(started.path("job").asText()).isEqualTo(InactivityJobConfiguration.JOB);
        return awaitDone(started.path("id").asLong());
    }

    private JsonNode awaitDone(long id) {
        await().atMost(PATIENCE).until(() -> Set.of("COMPLETED", "FAILED")
                .contains(client().get("/api/v1/jobs/" + id).expectStatus(200).json().path("status").asText()));
        JsonNode done = client().get("/api/v1/jobs/" + id).expectStatus(200).json();
        assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("COMPLETED");
        return done;
    }

    private String customer(String id, String stage, int orders, Instant lastOrderAt) {
        client().putCustomer(id, """
                {"email": "%s@example.com"}""".formatted(id)).expectStatus(201);
        jdbc.sql("update sf_customer set stage = ?, order_count = ?, last_order_at = ? where id = ?")
                .params(stage, orders, lastOrderAt == null ? null : Timestamp.from(lastOrderAt), id).update();
        return id;
    }

    private long scanExecutions() {
        return jdbc.sql("select count(*) from BATCH_JOB_EXECUTION e join BATCH_JOB_INSTANCE i"
                + " on i.JOB_INSTANCE_ID = e.JOB_INSTANCE_ID where i.JOB_NAME = ?")
                .param(InactivityJobConfiguration.JOB).query(Long.class).single();
    }

    private long winBacks(String customerId) {
        return runtimeService.createProcessInstanceQuery().processDefinitionKey("win-back")
                .processInstanceBusinessKey(customerId).count();
    }

    private long inactiveEvents(String customerId) {
        return jdbc.sql("select count(*) from sf_event where customer_id = ? and type = 'customer_inactive'")
                .param(customerId).query(Long.class).single();
    }
}
