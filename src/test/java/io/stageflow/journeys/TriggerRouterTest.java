package io.stageflow.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import io.stageflow.testing.ExtraNodes;
import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.TestInfrastructure;

import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The router never drops an event, and never routes one twice, whatever the engine or other nodes do. */
class TriggerRouterTest extends IntegrationTest {

    @Autowired
    RepositoryService repositoryService;

    @Autowired
    TriggerRouter router;

    @Autowired
    TestInfrastructure.ConcurrencyProbe probe;

    @BeforeEach
    void deployTestJourneys() {
        repositoryService.createDeployment().name("router-test").enableDuplicateFiltering(true)
                .addModelInstance("flaky-start.bpmn", Bpmn.createExecutableProcess("flaky-start")
                        .camundaHistoryTimeToLive(1)
                        .startEvent().message("flaky_signup")
                        .serviceTask("Flaky").camundaDelegateExpression("${failFirstAttemptPerCustomer}")
                        .userTask("Wait")
                        .endEvent()
                        .done())
                .addModelInstance("probe-start.bpmn", Bpmn.createExecutableProcess("probe-start")
                        .camundaHistoryTimeToLive(1)
                        .startEvent().message("probed_signup")
                        .serviceTask("Probe").camundaDelegateExpression("${concurrencyProbe}")
                        .userTask("Wait")
                        .endEvent()
                        .done())
                .addModelInstance("second-on-signup.bpmn", Bpmn.createExecutableProcess("second-on-signup")
                        .camundaHistoryTimeToLive(1)
                        .startEvent().message("signed_up:second")
                        .userTask("Wait")
                        .endEvent()
                        .done())
                .deploy();
    }

    @Test
    void anEventWhoseRoutingFailsIsRetriedUntilTheEngineTakesIt() {
        String id = customer();

        post("flaky-" + id, "flaky_signup", id);

        JsonNode event = awaitFinished("flaky-" + id);
        assertThat(event.path("status").asText()).isEqualTo("routed");
        assertThat(event.path("attempts").asInt()).isEqualTo(2);
        assertThat(runtimeService.createProcessInstanceQuery().processInstanceBusinessKey(id)
                .processDefinitionKey("flaky-start").count()).isEqualTo(1);
    }

    @Test
    void anEventHeldBackManyTimesStillHasAllItsRetriesForFailures() {
        String id = customer();
        Timestamp now = Timestamp.from(ClockUtil.getCurrentTime().toInstant());
        // As if it had been held back max-attempts times already, waiting for a journey to reach its wait for it.
        jdbc.sql("""
                insert into sf_event (message_id, type, customer_id, occurred_at, received_at, properties, status,
                                      attempts, next_attempt_at, outcome)
                values (?, 'flaky_signup', ?, ?, ?, '{}', 'PENDING', 10, ?, 'not waiting yet')""")
                .params("held-" + id, id, now, now, now).update();

        JsonNode event = awaitFinished("held-" + id);
        assertThat(event.path("status").asText()).as("retried after its first failure, not dead-lettered")
                .isEqualTo("routed");
        assertThat(event.path("attempts").asInt()).isEqualTo(12);
        assertThat(jdbc.sql("select routing_failures from sf_event where message_id = ?").param("held-" + id)
                .query(Integer.class).single()).isEqualTo(1);
    }

    @Test
    void everyJourneyThatListensForAnEventTypeStarts() {
        String id = customer();

        post("signup-" + id, "signed_up", id);

        JsonNode event = awaitFinished("signup-" + id);
        assertThat(event.path("outcome").asText()).contains("welcome").contains("second-on-signup");
        assertThat(runtimeService.createProcessInstanceQuery().processInstanceBusinessKey(id).count()).isEqualTo(2);
    }

    @Test
    void anEventNoJourneyWantsIsRoutedWithThatOutcome() {
        String id = customer();

        post("view-" + id, "page_viewed", id);

        JsonNode event = awaitFinished("view-" + id);
        assertThat(event.path("status").asText()).isEqualTo("routed");
        assertThat(event.path("outcome").asText()).isEqualTo("No journey starts on or waits for this event");
    }

    @Test
    void aJourneyDeployedWhileStageflowRunsStartsOnItsNewEventType() {
        String id = customer();
        String type = "tried_" + id.substring(2).replace('-', '_');
        post("before-" + id, "page_viewed", id);
        awaitFinished("before-" + id);

        repositoryService.createDeployment().name("router-test-new-type")
                .addModelInstance("new-type.bpmn", Bpmn.createExecutableProcess("new-type-" + id)
                        .camundaHistoryTimeToLive(1)
                        .startEvent().message(type)
                        .userTask("Wait")
                        .endEvent()
                        .done())
                .deploy();
        post("tried-" + id, type, id);

        assertThat(awaitFinished("tried-" + id).path("outcome").asText()).startsWith("Started new-type-" + id);
        assertThat(runtimeService.createProcessInstanceQuery().processDefinitionKey("new-type-" + id)
                .processInstanceBusinessKey(id).count()).isEqualTo(1);
    }

    @Test
    void aStepOfAnOlderVersionStillGetsAnEventItsSuccessorNoLongerUses() {
        String id = customer();
        String suffix = id.substring(2).replace('-', '_');
        String key = "retiring-" + id;
        repositoryService.createDeployment().name("router-test-v1")
                .addModelInstance("retiring.bpmn", Bpmn.createExecutableProcess(key).camundaHistoryTimeToLive(1)
                        .startEvent().message("retiring_start_" + suffix)
                        .intermediateCatchEvent("Ping").message("retiring_ping_" + suffix)
                        .endEvent()
                        .done())
                .deploy();
        String instance = runtimeService.startProcessInstanceByMessage("retiring_start_" + suffix, id).getId();
        // The new version no longer waits for the ping; the router has never seen the first as the latest.
        repositoryService.createDeployment().name("router-test-v2")
                .addModelInstance("retiring.bpmn", Bpmn.createExecutableProcess(key).camundaHistoryTimeToLive(1)
                        .startEvent().message("retiring_start_" + suffix)
                        .userTask("Wait")
                        .endEvent()
                        .done())
                .deploy();

        post("ping-" + id, "retiring_ping_" + suffix, id);

        assertThat(awaitFinished("ping-" + id).path("outcome").asText()).endsWith("delivered to 1 waiting step(s)");
        assertThat(runtimeService.createProcessInstanceQuery().processInstanceId(instance).count()).isZero();
    }

    @Test
    void anEventAJourneyNeverReachesItsWaitForEndsUnmatched() {
        String id = customer();
        managementService.suspendJobDefinitionByProcessDefinitionKey("welcome", true);
        try {
            post("signup-" + id, "signed_up", id);
            post("order-" + id, "order_completed", id);
            await().atMost(PATIENCE).until(() -> client().get("/api/v1/events/order-" + id).json()
                    .path("attempts").asInt() >= 1);

            advanceClock(Duration.ofMinutes(6));

            JsonNode order = awaitFinished("order-" + id);
            assertThat(order.path("status").asText()).isEqualTo("unmatched");
            assertThat(order.path("outcome").asText()).contains("has not reached the step that waits");
        } finally {
            managementService.activateJobDefinitionByProcessDefinitionKey("welcome", true);
        }
    }

    @Test
    void routersRacingOnTheSameEventsStartEachJourneyOnce() throws Exception {
        List<String> ids = new ArrayList<>();
        StringBuilder batch = new StringBuilder("[");
        for (int i = 0; i < 20; i++) {
            String id = "c-" + UUID.randomUUID().toString().substring(0, 12);
            client().putCustomer(id, "{\"email\":\"" + id + "@example.com\"}").expectStatus(201);
            ids.add(id);
            batch.append(i == 0 ? "" : ",")
                    .append("{\"messageId\":\"race-%1$s\",\"type\":\"flaky_signup\",\"customerId\":\"%1$s\"}".formatted(id));
        }
        client().postEvents(batch.append("]").toString()).expectStatus(202);
        // Three more routers, as on three more nodes, race the application's own for the same rows.
        ExtraNodes.race(3, 20, router::routeDueEvents);

        for (String id : ids) {
            assertThat(awaitFinished("race-" + id).path("status").asText()).isEqualTo("routed");
            assertThat(runtimeService.createProcessInstanceQuery().processInstanceBusinessKey(id)
                    .processDefinitionKey("flaky-start").count()).as(id).isEqualTo(1);
        }
    }

    @Test
    void eventsNothingActsOnAreMarkedRoutedOnceWhileRoutersRace() throws Exception {
        List<String> ids = new ArrayList<>();
        StringBuilder batch = new StringBuilder("[");
        for (int i = 0; i < 30; i++) {
            String id = customer();
            ids.add(id);
            batch.append(i == 0 ? "" : ",").append(
                    "{\"messageId\":\"view-%1$s\",\"type\":\"page_viewed\",\"customerId\":\"%1$s\"},".formatted(id)
                    + "{\"messageId\":\"signup-%1$s\",\"type\":\"flaky_signup\",\"customerId\":\"%1$s\"}".formatted(id));
        }
        client().postEvents(batch.append("]").toString()).expectStatus(202);
        ExtraNodes.race(3, 20, router::routeDueEvents);

        for (String id : ids) {
            JsonNode view = awaitFinished("view-" + id);
            assertThat(view.path("status").asText()).isEqualTo("routed");
            assertThat(view.path("attempts").asInt()).as("marked once").isEqualTo(1);
            // The customer's next event waited for the page view, and still started its journey once.
            assertThat(awaitFinished("signup-" + id).path("status").asText()).isEqualTo("routed");
            assertThat(runtimeService.createProcessInstanceQuery().processInstanceBusinessKey(id)
                    .processDefinitionKey("flaky-start").count()).as(id).isEqualTo(1);
        }
    }

    /**
     * A pass holds at most one event of each customer, so the router starts several customers' journeys at once
     * ({@code stageflow.journeys.router.threads}); a customer's next event waits for their earlier one.
     */
    @Test
    void eventsOfDifferentCustomersAreRoutedAtOnceAndEachCustomersInTurn() {
        probe.expect(3);
        String ada = customer();
        String bob = customer();
        String cyd = customer();
        client().postEvents(("[{\"messageId\":\"probe-%1$s\",\"type\":\"probed_signup\",\"customerId\":\"%1$s\"},"
                + "{\"messageId\":\"probe-%2$s\",\"type\":\"probed_signup\",\"customerId\":\"%2$s\"},"
                + "{\"messageId\":\"probe-%3$s\",\"type\":\"probed_signup\",\"customerId\":\"%3$s\"},"
                + "{\"messageId\":\"again-%1$s\",\"type\":\"probed_signup\",\"customerId\":\"%1$s\"}]")
                .formatted(ada, bob, cyd)).expectStatus(202);

        for (String messageId : List.of("probe-" + ada, "probe-" + bob, "probe-" + cyd, "again-" + ada)) {
            assertThat(awaitFinished(messageId).path("status").asText()).as(messageId).isEqualTo("routed");
        }
        assertThat(probe.mostAtOnce()).as("journey starts in progress at once").isEqualTo(3);
        // Routed after her first had started its journey, Ada's second sign-up finds it running (re-entry
        // once-active); routed beside it, both would have started one.
        assertThat(runtimeService.createProcessInstanceQuery().processInstanceBusinessKey(ada)
                .processDefinitionKey("probe-start").count()).as("Ada's journeys").isEqualTo(1);
    }

    private String customer() {
        String id = "c-" + UUID.randomUUID().toString().substring(0, 12);
        client().putCustomer(id, "{\"email\":\"" + id + "@example.com\"}").expectStatus(201);
        return id;
    }

    private void post(String messageId, String type, String customerId) {
        client().postEvents("{\"messageId\":\"%s\",\"type\":\"%s\",\"customerId\":\"%s\"}"
                .formatted(messageId, type, customerId)).expectStatus(202);
    }

    private JsonNode awaitFinished(String messageId) {
        await().atMost(PATIENCE).until(() -> !client().get("/api/v1/events/" + messageId).json()
                .path("status").asText().equals("pending"));
        return client().get("/api/v1/events/" + messageId).json();
    }
}
