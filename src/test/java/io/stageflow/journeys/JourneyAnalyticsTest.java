package io.stageflow.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.stageflow.support.Tallies;
import io.stageflow.testing.IntegrationTest;

import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Journey analytics count what the engine did, step by step, from the engine's own history events: entries,
 * steps reached and completed, who waits where, exits per end event, cancellations, conversions at the goal end
 * event and the median time to convert; per version or for all; for a period; and unchanged once the figures are
 * folded and Camunda's history of the period is cleaned up.
 */
class JourneyAnalyticsTest extends IntegrationTest {

    private static final Instant MORNING = Instant.parse("2026-03-10T09:15:00Z");
    private static final Instant DAY = Instant.parse("2026-03-10T00:00:00Z");
    private static final Instant NEXT_DAY = Instant.parse("2026-03-11T00:00:00Z");

    @Autowired
    RepositoryService repositoryService;

    @Autowired
    HistoryService historyService;

    @Autowired
    JourneyStatistics statistics;

    @Autowired
    Tallies tallies;

    private String key;

    @BeforeEach
    void deployJourney() {
        key = "analytics-" + UUID.randomUUID().toString().substring(0, 8);
        deploy(journey(key, false));
    }

    @Test
    void countsEntriesStepsExitsCancellationsAndConversionsOfThePeriod() {
        List<String> ids = startFive();
        // 2 h and 4 h after the start: two buy (the goal); 5 h: one leaves; one is cancelled; one still waits.
        go(ids.get(0), MORNING.plus(Duration.ofHours(2)), true);
        go(ids.get(1), MORNING.plus(Duration.ofHours(4)), true);
        go(ids.get(2), MORNING.plus(Duration.ofHours(5)), false);
        at(MORNING.plus(Duration.ofHours(6)));
        runtimeService.deleteProcessInstance(ids.get(3), "unsubscribed");

        JourneyReport report = statistics.report(key, null, DAY, NEXT_DAY).orElseThrow();

        assertThat(report.entered()).isEqualTo(5);
        assertThat(report.steps()).extracting(JourneyReport.Step::id, JourneyReport.Step::name,
                        JourneyReport.Step::reached, JourneyReport.Step::completed, JourneyReport.Step::waitingNow)
                .containsExactly(tuple("Greet", "Greet", 5L, 5L, 0L), tuple("Wait", "Wait for the order", 5L, 3L, 1L));
        assertThat(report.exits()).extracting(JourneyReport.Exit::id, JourneyReport.Exit::goal, JourneyReport.Exit::ended)
                .containsExactlyInAnyOrder(tuple("Bought", true, 2L), tuple("Left", false, 1L));
        assertThat(report.cancelled()).isEqualTo(1);
        assertThat(report.converted()).isEqualTo(2);
        assertThat(report.conversionRate()).isEqualTo(0.4);
        assertThat(report.medianTimeToConvert()).isEqualTo(Duration.ofHours(3));

        JourneyReport nextDay = statistics.report(key, null, NEXT_DAY, NEXT_DAY.plus(Duration.ofDays(1))).orElseThrow();
        assertThat(nextDay.entered()).isZero();
        assertThat(nextDay.converted()).isZero();
        assertThat(nextDay.conversionRate()).isNull();
        assertThat(nextDay.medianTimeToConvert()).isNull();
        assertThat(nextDay.steps()).extracting(JourneyReport.Step::reached, JourneyReport.Step::waitingNow)
                .containsExactly(tuple(0L, 0L), tuple(0L, 1L));
    }

    @Test
    void theFiguresOfAPeriodSurviveTheFoldAndCamundasHistoryCleanup() {
        List<String> ids = startFive();
        go(ids.get(0), MORNING.plus(Duration.ofHours(1)), true);
        go(ids.get(1), MORNING.plus(Duration.ofHours(3)), false);
        JourneyReport before = statistics.report(key, null, DAY, NEXT_DAY).orElseThrow();

        tallies.foldAll();
        assertThat(jdbc.sql("select count(*) from sf_tally_ledger where subject = ?").param(key)
                .query(Long.class).single()).as("ledger rows left after the fold").isZero();
        assertThat(statistics.report(key, null, DAY, NEXT_DAY)).contains(before);

        List<String> ended = historyService.createHistoricProcessInstanceQuery().processDefinitionKey(key).finished()
                .list().stream().map(HistoricProcessInstance::getId).toList();
        assertThat(ended).hasSize(2);
        historyService.deleteHistoricProcessInstances(ended);
        assertThat(historyService.createHistoricProcessInstanceQuery().processDefinitionKey(key).finished().count())
                .isZero();

        assertThat(statistics.report(key, null, DAY, NEXT_DAY)).contains(before);
        assertThat(before.entered()).isEqualTo(5);
        assertThat(before.converted()).isEqualTo(1);
        assertThat(before.exits()).extracting(JourneyReport.Exit::ended).containsExactlyInAnyOrder(1L, 1L);
        assertThat(before.medianTimeToConvert()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void eachVersionHasItsOwnFiguresAndAllVersionsAddUp() {
        startFive();
        deploy(journey(key, true)); // version 2, with a step more
        at(MORNING.plus(Duration.ofHours(1)));
        runtimeService.startProcessInstanceByKey(key, "v2-customer");

        JourneyReport first = statistics.report(key, 1, DAY, NEXT_DAY).orElseThrow();
        JourneyReport second = statistics.report(key, 2, DAY, NEXT_DAY).orElseThrow();
        JourneyReport all = statistics.report(key, null, DAY, NEXT_DAY).orElseThrow();

        assertThat(first.entered()).isEqualTo(5);
        assertThat(second.entered()).isEqualTo(1);
        assertThat(all.entered()).isEqualTo(6);
        assertThat(second.steps()).extracting(JourneyReport.Step::id, JourneyReport.Step::reached)
                .containsExactly(tuple("Greet", 1L), tuple("Remind", 1L), tuple("Wait", 1L));
        assertThat(first.steps()).extracting(JourneyReport.Step::id).containsExactly("Greet", "Wait");
        assertThat(all.steps()).extracting(JourneyReport.Step::id, JourneyReport.Step::waitingNow)
                .containsExactly(tuple("Greet", 0L), tuple("Remind", 0L), tuple("Wait", 6L));
        assertThat(statistics.report("no-such-journey", null, DAY, NEXT_DAY)).isEmpty();
        assertThat(statistics.report(key, 3, DAY, NEXT_DAY)).isEmpty();
    }

    @Test
    void aSignupWhoOrdersIsAConversionOfTheWelcomeJourneyAtItsGoal() {
        Instant day = Instant.parse("2031-05-05T00:00:00Z"); // a day no other test's journeys run on
        at(day.plus(Duration.ofHours(10)));
        String id = "analytics-" + UUID.randomUUID().toString().substring(0, 8);
        client().signUp(id, id + "@example.com", "Ada");
        awaitSettled(id);
        at(day.plus(Duration.ofHours(12)));
        client().postEvents("""
                {"messageId":"order-%1$s","type":"order_completed","customerId":"%1$s","properties":{"orderId":"o-1","total":42.5}}"""
                .formatted(id)).expectStatus(202);
        awaitSettled(id);

        JourneyReport welcome = statistics.report("welcome", null, day, day.plus(Duration.ofDays(1))).orElseThrow();

        assertThat(welcome.entered()).isEqualTo(1);
        assertThat(welcome.converted()).isEqualTo(1);
        assertThat(welcome.exits()).filteredOn(JourneyReport.Exit::goal).extracting(JourneyReport.Exit::id,
                JourneyReport.Exit::ended).containsExactly(tuple("Converted", 1L));
        assertThat(welcome.medianTimeToConvert()).isEqualTo(Duration.ofHours(2));
        assertThat(welcome.steps()).extracting(JourneyReport.Step::reached).contains(1L);
    }

    @Test
    void customersWaitingAtAnEventBasedGatewayAreCountedThereAndARoutingGatewayIsNoStep() {
        String gatewayKey = key + "-gateway";
        repositoryService.createDeployment().name(gatewayKey).addString(gatewayKey + ".bpmn", journey(gatewayKey,
                "Choose", """
                    <bpmn:eventBasedGateway id="Choose" name="Order within a day?" />
                    <bpmn:sequenceFlow id="f2" sourceRef="Choose" targetRef="Ordered" />
                    <bpmn:sequenceFlow id="f3" sourceRef="Choose" targetRef="DayPassed" />
                    <bpmn:intermediateCatchEvent id="Ordered" name="Order">
                      <bpmn:messageEventDefinition messageRef="Go" />
                    </bpmn:intermediateCatchEvent>
                    <bpmn:intermediateCatchEvent id="DayPassed" name="A day passed">
                      <bpmn:timerEventDefinition><bpmn:timeDuration>PT24H</bpmn:timeDuration></bpmn:timerEventDefinition>
                    </bpmn:intermediateCatchEvent>
                    <bpmn:sequenceFlow id="f4" sourceRef="Ordered" targetRef="Bought" />
                    <bpmn:sequenceFlow id="f5" sourceRef="DayPassed" targetRef="Left" />
                """)).deploy();
        at(MORNING);
        List<String> ids = java.util.stream.IntStream.range(0, 3)
                .mapToObj(i -> runtimeService.startProcessInstanceByKey(gatewayKey, "customer-" + i).getId()).toList();
        at(MORNING.plus(Duration.ofHours(2)));
        runtimeService.createMessageCorrelation("go-" + gatewayKey).processInstanceId(ids.get(0)).correlate();

        JourneyReport report = statistics.report(gatewayKey, null, DAY, NEXT_DAY).orElseThrow();

        // The customers wait at the gateway (its events only listen), so it is a step with its figures.
        assertThat(report.steps()).extracting(JourneyReport.Step::id, JourneyReport.Step::name,
                        JourneyReport.Step::reached, JourneyReport.Step::completed, JourneyReport.Step::waitingNow)
                .containsExactly(tuple("Greet", "Greet", 3L, 3L, 0L),
                        tuple("Choose", "Order within a day?", 3L, 1L, 2L),
                        tuple("Ordered", "Order", 1L, 1L, 0L),
                        tuple("DayPassed", "A day passed", 0L, 0L, 0L));
        assertThat(report.converted()).isEqualTo(1);
    }

    @Test
    void everyJourneyOfTheCatalogueHasAGoal() throws Exception {
        try (var files = java.nio.file.Files.list(java.nio.file.Path.of("bpmn"))) {
            List<java.nio.file.Path> journeys = files.filter(file -> file.toString().endsWith(".bpmn")).toList();
            assertThat(journeys).isNotEmpty();
            for (java.nio.file.Path file : journeys) {
                assertThat(java.nio.file.Files.readString(file))
                        .as("%s has an end event with outcome = converted", file)
                        .contains("<camunda:property name=\"outcome\" value=\"converted\" />");
            }
        }
    }

    private List<String> startFive() {
        at(MORNING);
        return java.util.stream.IntStream.range(0, 5)
                .mapToObj(i -> runtimeService.startProcessInstanceByKey(key, "customer-" + i).getId()).toList();
    }

    private void go(String instanceId, Instant when, boolean buy) {
        at(when);
        runtimeService.createMessageCorrelation("go-" + key).processInstanceId(instanceId)
                .setVariables(Map.of("buy", buy)).correlate();
    }

    private static void at(Instant instant) {
        ClockUtil.setCurrentTime(Date.from(instant));
    }

    private void deploy(String bpmn) {
        repositoryService.createDeployment().name(key).addString(key + ".bpmn", bpmn).deploy();
    }

    private static String journey(String key, boolean withReminder) {
        String reminder = withReminder ? """
                    <bpmn:task id="Remind" name="Remind" />
                    <bpmn:sequenceFlow id="f1b" sourceRef="Remind" targetRef="Wait" />
                """ : "";
        return journey(key, withReminder ? "Remind" : "Wait", reminder + """
                    <bpmn:intermediateCatchEvent id="Wait" name="Wait for the order">
                      <bpmn:messageEventDefinition messageRef="Go" />
                    </bpmn:intermediateCatchEvent>
                    <bpmn:sequenceFlow id="f2" sourceRef="Wait" targetRef="Decide" />
                    <bpmn:exclusiveGateway id="Decide" />
                    <bpmn:sequenceFlow id="f3" sourceRef="Decide" targetRef="Bought">
                      <bpmn:conditionExpression>${buy}</bpmn:conditionExpression>
                    </bpmn:sequenceFlow>
                    <bpmn:sequenceFlow id="f4" sourceRef="Decide" targetRef="Left">
                      <bpmn:conditionExpression>${!buy}</bpmn:conditionExpression>
                    </bpmn:sequenceFlow>
                """);
    }

    /**
     * A test journey: a start, the task Greet and a flow from it to {@code afterGreet}, then {@code middle}, which leads
     * to the end events Bought (the goal) and Left; its message {@code Go} is named {@code go-<key>}.
     */
    private static String journey(String key, String afterGreet, String middle) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" targetNamespace="http://stageflow.io/test">
                  <bpmn:message id="Go" name="go-%1$s" />
                  <bpmn:process id="%1$s" isExecutable="true" camunda:historyTimeToLive="P30D">
                    <bpmn:startEvent id="Start" />
                    <bpmn:sequenceFlow id="f0" sourceRef="Start" targetRef="Greet" />
                    <bpmn:task id="Greet" name="Greet" />
                    <bpmn:sequenceFlow id="f1" sourceRef="Greet" targetRef="%2$s" />
                    %3$s
                    <bpmn:endEvent id="Bought" name="Bought">
                      <bpmn:extensionElements>
                        <camunda:properties><camunda:property name="outcome" value="converted" /></camunda:properties>
                      </bpmn:extensionElements>
                    </bpmn:endEvent>
                    <bpmn:endEvent id="Left" name="Left" />
                  </bpmn:process>
                </bpmn:definitions>
                """.formatted(key, afterGreet, middle);
    }
}
