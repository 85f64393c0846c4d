package io.stageflow.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpRequest;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import io.stageflow.customers.LifecycleStages;
import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.StageflowClient;

import com.fasterxml.jackson.databind.JsonNode;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.jobexecutor.JobExecutor;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.spring.boot.starter.configuration.impl.DefaultJobConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Stage analytics on a fixed data set with known answers, over real HTTP: customers are inserted straight into
 * {@code sf_customer} with a known {@code stage_since}, moved by {@link LifecycleStages#moveTo} (the write side the
 * journeys and rules use) with the clock set to known instants, and the expected figures are worked out by hand in
 * the comments. Every instant is in 2041, which no other test uses; the analytics time zone is UTC.
 */
class StageAnalyticsApiTest extends IntegrationTest {

    @Autowired
    LifecycleStages stages;

    @Autowired
    StageSnapshots snapshots;

    @Autowired
    AnalyticsProperties settings;

    @Autowired
    Clock clock;

    @Autowired
    ProcessEngine processEngine;

    @Autowired
    @Qualifier(DefaultJobConfiguration.JobConfiguration.CAMUNDA_TASK_EXECUTOR_QUALIFIER)
    ThreadPoolTaskExecutor jobThreads;

    @Autowired
    PlatformTransactionManager transactions;

    /**
     * March 2041, the period 03-10 to 03-20 ([03-10T00:00Z, 03-21T00:00Z)):
     * <pre>
     * c1 AWARENESS since 03-01T00:00 → ENGAGEMENT 03-11T00:00 (10 d = 864000 s) → CONVERSION 03-12T12:00 (129600 s)
     * c2 AWARENESS since 03-01T00:00 → ENGAGEMENT 03-13T00:00 (12 d = 1036800 s) → CONVERSION 03-13T06:00 (21600 s)
     * c3 AWARENESS since 03-05T00:00 → ENGAGEMENT 03-15T00:00 (10 d = 864000 s)
     * c4 AWARENESS since 03-01T00:00 → ENGAGEMENT 03-21T00:00 (after the period: not counted)
     * c5 AWARENESS since 03-02T00:00 → ENGAGEMENT 03-09T23:00 (before it) → CONVERSION 03-10T00:00 (3600 s)
     * c6 AWARENESS, stage_since unknown → LAPSED 03-16T00:00 (a flow; no time in stage)
     * c7 CONVERSION since 03-01T00:00 → ONBOARDING 03-11T00:00 (10 d = 864000 s)
     * c8 CONVERSION since 03-05T00:00 → ONBOARDING 03-11T00:00 (6 d = 518400 s)
     * </pre>
     * Flows: AWARENESS→ENGAGEMENT 3 (c1 c2 c3), AWARENESS→LAPSED 1 (c6), ENGAGEMENT→CONVERSION 3 (c1 c2 c5),
     * CONVERSION→ONBOARDING 2 (c7 c8): 9 moves. Medians: AWARENESS of 864000, 864000, 1036800 = 864000 (3 moves);
     * ENGAGEMENT of 3600, 21600, 129600 = 21600 (3); CONVERSION of 518400, 864000 = (518400 + 864000) / 2 = 691200
     * (2); every other stage none.
     */
    @Test
    void flowsAndMedianTimeInStageOfAFixedDataSet() {
        String c1 = customer("AWARENESS", "2041-03-01T00:00:00Z");
        String c2 = customer("AWARENESS", "2041-03-01T00:00:00Z");
        String c3 = customer("AWARENESS", "2041-03-05T00:00:00Z");
        String c4 = customer("AWARENESS", "2041-03-01T00:00:00Z");
        String c5 = customer("AWARENESS", "2041-03-02T00:00:00Z");
        String c6 = customer("AWARENESS", null);
        String c7 = customer("CONVERSION", "2041-03-01T00:00:00Z");
        String c8 = customer("CONVERSION", "2041-03-05T00:00:00Z");
        move(c5, "ENGAGEMENT", "2041-03-09T23:00:00Z");
        move(c5, "CONVERSION", "2041-03-10T00:00:00Z");
        move(c1, "ENGAGEMENT", "2041-03-11T00:00:00Z");
        move(c7, "ONBOARDING", "2041-03-11T00:00:00Z");
        move(c8, "ONBOARDING", "2041-03-11T00:00:00Z");
        move(c1, "CONVERSION", "2041-03-12T12:00:00Z");
        move(c2, "ENGAGEMENT", "2041-03-13T00:00:00Z");
        move(c2, "CONVERSION", "2041-03-13T06:00:00Z");
        move(c3, "ENGAGEMENT", "2041-03-15T00:00:00Z");
        move(c6, "LAPSED", "2041-03-16T00:00:00Z");
        move(c4, "ENGAGEMENT", "2041-03-21T00:00:00Z");
        String period = "?from=2041-03-10&to=2041-03-20";

        JsonNode flows = client().get("/api/v1/analytics/stages/flows" + period).expectStatus(200).json();
        JsonNode times = client().get("/api/v1/analytics/stages/time-in-stage" + period).expectStatus(200).json();

        assertThat(flows.path("moves").asLong()).isEqualTo(9);
        assertThat(flows.path("flows")).extracting(flow -> flow.path("from").asText() + ">" + flow.path("to").asText()
                + "=" + flow.path("count").asLong()).containsExactly("AWARENESS>ENGAGEMENT=3", "AWARENESS>LAPSED=1",
                "ENGAGEMENT>CONVERSION=3", "CONVERSION>ONBOARDING=2");
        assertThat(times.path("stages")).extracting(time -> time.path("stage").asText() + " " + time.path("moves")
                .asLong() + " " + time.path("medianSeconds").asText("none")).containsExactly(
                "AWARENESS 3 864000.0", "ENGAGEMENT 3 21600.0", "CONVERSION 2 691200.0", "ONBOARDING 0 none",
                "RETENTION 0 none", "EXPANSION 0 none", "ADVOCACY 0 none", "LAPSED 0 none");
        assertThat(times.at("/stages/2/medianTime").asText()).isEqualTo("PT192H"); // 691200 s = 8 days
        assertThat(csv("/api/v1/analytics/stages/flows" + period)).containsExactly("from,to,count",
                "AWARENESS,ENGAGEMENT,3", "AWARENESS,LAPSED,1", "ENGAGEMENT,CONVERSION,3", "CONVERSION,ONBOARDING,2");
        assertThat(csv("/api/v1/analytics/stages/time-in-stage" + period)).startsWith("stage,moves,median_seconds",
                "AWARENESS,3,864000.0", "ENGAGEMENT,3,21600.0", "CONVERSION,2,691200.0", "ONBOARDING,0,");
        // The day before the period has c5's first move only, the day after it c4's.
        assertThat(client().get("/api/v1/analytics/stages/flows?from=2041-03-09&to=2041-03-09").expectStatus(200)
                .json().path("flows")).extracting(flow -> flow.path("count").asLong()).containsExactly(1L);
        assertThat(client().get("/api/v1/analytics/stages/flows?from=2041-03-21&to=2041-03-21").expectStatus(200)
                .json().path("moves").asLong()).isEqualTo(1);
        // The time in stage is stored with each move.
        assertThat(jdbc.sql("select from_stage_seconds from sf_stage_change where customer_id = ? order by id")
                .param(c2).query(Long.class).list()).containsExactly(1036800L, 21600L);
    }

    /**
     * Churn, May to July 2041 (from 05-15 to 07-10: whole months). Snapshots, inserted as the worker writes them:
     * 04-30 none; 05-31 CONVERSION 10, ONBOARDING 20, RETENTION 30, EXPANSION 15, ADVOCACY 5 (base 80) and
     * AWARENESS 100, ENGAGEMENT 50, LAPSED 7 (not in the base); 06-30 ONBOARDING 40 (base 40). Moves to LAPSED:
     * June, four from RETENTION (06-01T00:00, 06-05, 06-20, 06-30T23:30) and one from AWARENESS (not counted);
     * July, one from ONBOARDING on 07-01T00:00; 05-31T23:59 one from RETENTION (May's). So May: 1 lapsed, base
     * unknown, no rate; June: 4 / 80 = 0.05; July: 1 / 40 = 0.025.
     */
    @Test
    void churnPerMonthOverThePostConversionCustomersOfTheDayBefore() {
        snapshot("2041-05-31", Map.of("CONVERSION", 10L, "ONBOARDING", 20L, "RETENTION", 30L, "EXPANSION", 15L,
                "ADVOCACY", 5L, "AWARENESS", 100L, "ENGAGEMENT", 50L, "LAPSED", 7L));
        snapshot("2041-06-30", Map.of("ONBOARDING", 40L));
        move(customer("RETENTION", "2041-01-01T00:00:00Z"), "LAPSED", "2041-05-31T23:59:00Z");
        for (String at : new String[] {"2041-06-01T00:00:00Z", "2041-06-05T10:00:00Z", "2041-06-20T10:00:00Z",
                "2041-06-30T23:30:00Z"}) {
            move(customer("RETENTION", "2041-01-01T00:00:00Z"), "LAPSED", at);
        }
        move(customer("AWARENESS", "2041-01-01T00:00:00Z"), "LAPSED", "2041-06-10T10:00:00Z");
        move(customer("ONBOARDING", "2041-01-01T00:00:00Z"), "LAPSED", "2041-07-01T00:00:00Z");

        JsonNode churn = client().get("/api/v1/analytics/churn?from=2041-05-15&to=2041-07-10").expectStatus(200)
                .json();

        assertThat(churn.path("lapsedStage").asText()).isEqualTo("LAPSED");
        assertThat(churn.path("postConversionStages")).extracting(JsonNode::asText)
                .containsExactly("CONVERSION", "ONBOARDING", "RETENTION", "EXPANSION", "ADVOCACY");
        assertThat(churn.path("months")).extracting(month -> month.path("month").asText() + " "
                        + month.path("lapsed").asLong() + "+" + month.path("lapsedFromOtherStages").asLong() + " / "
                        + month.path("baseDay").asText() + " " + month.path("base").asText("none") + " = "
                        + month.path("rate").asText("none"))
                .containsExactly("2041-05 1+0 / 2041-04-30 none = none", "2041-06 4+1 / 2041-05-31 80 = 0.05",
                        "2041-07 1+0 / 2041-06-30 40 = 0.025");
        assertThat(csv("/api/v1/analytics/churn?from=2041-05-15&to=2041-07-10")).containsExactly(
                "month,lapsed,base,rate,lapsed_from_other_stages,base_day", "2041-05,1,,,0,2041-04-30",
                "2041-06,4,80,0.05,1,2041-05-31", "2041-07,1,40,0.025,0,2041-06-30");
    }

    /**
     * The worker takes yesterday's snapshot by the clock, once: what {@code sf_customer} holds per stage then; a
     * second call, or a second node, leaves it as it is; the next day's counts the customer added meanwhile.
     */
    @Test
    void theWorkerSnapshotsEachDayOnceAndTheApiListsThem() {
        ClockUtil.setCurrentTime(Date.from(Instant.parse("2041-09-02T00:00:30Z")));
        Map<String, Long> expected = countsNow();
        snapshots.takeDue();
        customer("EXPANSION", "2041-09-02T00:00:00Z");
        snapshots.takeDue();
        StageSnapshots secondNode = new StageSnapshots(jdbc, stages, settings, clock, transactions);
        boolean secondNodeTook = secondNode.take(LocalDate.parse("2041-09-01"));
        ClockUtil.setCurrentTime(Date.from(Instant.parse("2041-09-03T00:00:30Z")));
        Map<String, Long> expectedNext = countsNow();
        secondNode.takeDue();

        JsonNode report = client().get("/api/v1/analytics/stages?from=2041-08-31&to=2041-09-03").expectStatus(200)
                .json();

        assertThat(secondNodeTook).isFalse();
        assertThat(expectedNext.get("EXPANSION")).isEqualTo(expected.get("EXPANSION") + 1);
        assertThat(report.path("stages")).extracting(JsonNode::asText).startsWith("AWARENESS", "ENGAGEMENT",
                "CONVERSION", "ONBOARDING", "RETENTION", "EXPANSION", "ADVOCACY", "LAPSED");
        assertThat(report.path("days")).extracting(day -> day.path("day").asText() + " " + day.path("taken")
                .asBoolean()).containsExactly("2041-08-31 false", "2041-09-01 true", "2041-09-02 true",
                "2041-09-03 false");
        assertThat(counts(report.at("/days/1/customers"))).isEqualTo(expected);
        assertThat(counts(report.at("/days/2/customers"))).isEqualTo(expectedNext);
        assertThat(report.at("/days/0/customers").isMissingNode()).isTrue();
        assertThat(jdbc.sql("select count(*) from sf_stage_snapshot where snapshot_day = ?")
                .param(java.sql.Date.valueOf("2041-09-01")).query(Long.class).single()).isEqualTo(expected.size());
        assertThat(csv("/api/v1/analytics/stages?from=2041-09-01&to=2041-09-01")).startsWith("day,stage,customers",
                "2041-09-01,AWARENESS," + expected.get("AWARENESS"));
    }

    /** A move through the real API: a customer's first order moves them AWARENESS → CONVERSION → ONBOARDING. */
    @Test
    void aFirstOrderThroughTheApiShowsInTheFlowsAndTimes() {
        ClockUtil.setCurrentTime(Date.from(Instant.parse("2041-10-05T10:00:00Z")));
        String id = "stg-" + UUID.randomUUID().toString().substring(0, 12);
        client().putCustomer(id, "{\"email\":\"" + id + "@example.com\"}").expectStatus(201);
        ClockUtil.setCurrentTime(Date.from(Instant.parse("2041-10-05T12:00:00Z")));
        client().postEvents("{\"messageId\":\"order-" + id + "\",\"type\":\"order_completed\",\"customerId\":\""
                + id + "\",\"properties\":{\"total\": 10}}").expectStatus(202);
        awaitSettled(id);
        await().atMost(PATIENCE).until(() -> stages.stageOf(id).orElseThrow().equals("ONBOARDING"));
        String period = "?from=2041-10-05&to=2041-10-05";

        JsonNode flows = client().get("/api/v1/analytics/stages/flows" + period).expectStatus(200).json();
        JsonNode times = client().get("/api/v1/analytics/stages/time-in-stage" + period).expectStatus(200).json();

        // Other tests' customers may lapse on this day (their win-back timers fire as the clock moves on): only
        // these two moves start in AWARENESS or CONVERSION.
        assertThat(flows.path("flows")).extracting(flow -> flow.path("from").asText() + ">" + flow.path("to").asText()
                + "=" + flow.path("count").asLong()).filteredOn(flow -> flow.startsWith("AWARENESS>")
                || flow.startsWith("CONVERSION>")).containsExactly("AWARENESS>CONVERSION=1", "CONVERSION>ONBOARDING=1");
        // Two hours in AWARENESS (signed up at 10:00, ordered at 12:00), none in CONVERSION (both moves at once).
        assertThat(times.path("stages")).extracting(time -> time.path("stage").asText() + " " + time.path("moves")
                .asLong() + " " + time.path("medianSeconds").asText("none")).startsWith("AWARENESS 1 7200.0",
                "ENGAGEMENT 0 none", "CONVERSION 1 0.0");
    }

    @Test
    void badPeriodsAreRefusedNamingTheField() {
        for (String path : new String[] {"/api/v1/analytics/stages", "/api/v1/analytics/stages/flows",
                "/api/v1/analytics/stages/time-in-stage", "/api/v1/analytics/churn"}) {
            assertThat(client().get(path + "?from=2041-03-10").expectStatus(400).json().path("errors")
                    .findValuesAsText("field")).as(path).containsExactly("to");
            assertThat(client().get(path + "?from=2041-03-10&to=2041-03-09").expectStatus(400).json().path("errors")
                    .findValuesAsText("field")).as(path).containsExactly("to");
            assertThat(client().get(path + "?from=March&to=2041-03-09").expectStatus(400).json().path("errors")
                    .findValuesAsText("field")).as(path).containsExactly("from");
        }
    }

    private String customer(String stage, String since) {
        return customerInStage("stg-", stage, since == null ? null : Instant.parse(since));
    }

    /**
     * Moves a customer with the clock at {@code at}, then puts the clock back: left in 2041, the clock would date
     * whatever the application's workers move meanwhile (a timer made due, a rule) on the days this test counts. The
     * job executor stops taking jobs, and the jobs it took finish, before the clock moves: any timer of another test's
     * journey is due in 2041, and one that ran in that moment (a win-back marking its customer lapsed) was counted.
     */
    private void move(String customerId, String stage, String at) {
        JobExecutor jobs = ((ProcessEngineConfigurationImpl) processEngine.getProcessEngineConfiguration())
                .getJobExecutor();
        boolean acquiring = jobs.isActive();
        if (acquiring) {
            jobs.shutdown();
            await().atMost(PATIENCE).until(() -> jobThreads.getActiveCount() == 0
                    && jobThreads.getThreadPoolExecutor().getQueue().isEmpty());
        }
        ClockUtil.setCurrentTime(Date.from(Instant.parse(at)));
        try {
            assertThat(stages.moveTo(customerId, stage, "test", null)).isTrue();
        } finally {
            ClockUtil.reset();
            if (acquiring) {
                jobs.start();
            }
        }
    }

    private void snapshot(String day, Map<String, Long> counts) {
        java.sql.Date date = java.sql.Date.valueOf(day);
        jdbc.sql("insert into sf_stage_snapshot_day (snapshot_day, taken_at) values (?, ?)")
                .params(date, Timestamp.from(Instant.parse(day + "T00:00:00Z").plusSeconds(86_400))).update();
        counts.forEach((stage, customers) -> jdbc.sql(
                        "insert into sf_stage_snapshot (snapshot_day, stage, customers) values (?, ?, ?)")
                .params(date, stage, customers).update());
    }

    /** Every configured stage with its customers now, as the snapshot stores them. */
    private Map<String, Long> countsNow() {
        return new LinkedHashMap<>(stages.counts());
    }

    private static Map<String, Long> counts(JsonNode customers) {
        Map<String, Long> counts = new LinkedHashMap<>();
        customers.fields().forEachRemaining(field -> counts.put(field.getKey(), field.getValue().asLong()));
        return counts;
    }

    private java.util.List<String> csv(String path) {
        StageflowClient.Response csv = client().send(HttpRequest.newBuilder(client().uri(path))
                .header("Accept", "text/csv").GET(), true).expectStatus(200);
        return java.util.List.of(csv.body().split("\r\n"));
    }
}
