package io.stageflow.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.RecordingEffect;

import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The router finds the features' event effects through {@link io.stageflow.events.EventEffect} alone: a bean
 * only tests register ({@link RecordingEffect}) is called inside routing, its event type is no longer one that
 * nothing acts on, and when it fails the whole routing of the event rolls back, the other effects' writes too.
 */
class EventEffectsTest extends IntegrationTest {

    @Autowired
    RepositoryService repositoryService;

    @Autowired
    RecordingEffect effect;

    @Autowired
    EventRouting routing;

    @Autowired
    JourneyModels models;

    private String customerId;

    @BeforeEach
    void deployProbeJourneyAndCreateCustomer() {
        repositoryService.createDeployment().name("effects-test").enableDuplicateFiltering(true)
                .addModelInstance("effect-probe.bpmn", Bpmn.createExecutableProcess("effect-probe")
                        .camundaHistoryTimeToLive(1)
                        .startEvent().message(RecordingEffect.STARTS_A_JOURNEY)
                        .userTask("Wait")
                        .endEvent()
                        .done())
                .deploy();
        customerId = "c-" + UUID.randomUUID().toString().substring(0, 12);
        client().putCustomer(customerId, "{\"email\":\"" + customerId + "@example.com\"}").expectStatus(201);
    }

    @Test
    void anEffectForATypeNoJourneyListensForIsCalledInsideTheRoutingTransaction() {
        assertThat(models.listening().mayListenFor(RecordingEffect.TYPE)).as("no journey listens").isFalse();
        assertThat(routing.actsOn(RecordingEffect.TYPE, models.listening())).as("an effect acts on it").isTrue();
        assertThat(routing.actsOn("page_viewed", models.listening())).as("nothing acts on it").isFalse();

        post("probe-" + customerId, RecordingEffect.TYPE);

        assertThat(awaitFinished("probe-" + customerId).path("status").asText()).isEqualTo("routed");
        assertThat(effect.callsFor("probe-" + customerId)).singleElement().satisfies(call -> {
            assertThat(call.customerId()).isEqualTo(customerId);
            assertThat(call.inTransaction()).isTrue();
        });
        assertThat(followUps()).isEqualTo(1);
    }

    @Test
    void whatAnEffectAddsReachesTheJourneysTheEventStarts() {
        post("start-" + customerId, RecordingEffect.STARTS_A_JOURNEY);

        assertThat(awaitFinished("start-" + customerId).path("outcome").asText()).startsWith("Started effect-probe");
        String instance = runtimeService.createProcessInstanceQuery().processDefinitionKey("effect-probe")
                .processInstanceBusinessKey(customerId).singleResult().getId();
        assertThat(runtimeService.getVariable(instance, "probed")).isEqualTo(true);
    }

    @Test
    void aFailingEffectRollsBackTheOtherEffectsAndTheEventIsDeadLettered() {
        effect.poison(customerId);

        post("order-" + customerId, "order_completed");
        post("probe-" + customerId, RecordingEffect.STARTS_A_JOURNEY);

        JsonNode order = awaitFinished("order-" + customerId);
        assertThat(order.path("status").asText()).isEqualTo("dead_lettered");
        assertThat(order.path("attempts").asInt()).as("not retried: it would fail the same way").isEqualTo(1);
        assertThat(order.path("outcome").asText()).startsWith("IllegalArgumentException");
        // The order rules ran before the failing effect; their writes went with the rollback.
        assertThat(jdbc.sql("select order_count from sf_customer where id = ?").param(customerId)
                .query(Integer.class).single()).isZero();
        assertThat(jdbc.sql("select count(*) from sf_stage_change where customer_id = ?").param(customerId)
                .query(Long.class).single()).isZero();
        JsonNode probe = awaitFinished("probe-" + customerId);
        assertThat(probe.path("status").asText()).isEqualTo("dead_lettered");
        assertThat(effect.callsFor("probe-" + customerId)).hasSize(1);
        assertThat(followUps()).as("the effect's own write rolled back").isZero();
        assertThat(runtimeService.createProcessInstanceQuery().processDefinitionKey("effect-probe")
                .processInstanceBusinessKey(customerId).count()).isZero();
    }

    @Test
    void anEffectThatFailsForAWhileIsRetriedAndItsWorkDoneOnce() {
        effect.failOnceFor(customerId);

        post("retry-" + customerId, RecordingEffect.STARTS_A_JOURNEY);

        JsonNode event = awaitFinished("retry-" + customerId);
        assertThat(event.path("status").asText()).isEqualTo("routed");
        assertThat(event.path("attempts").asInt()).isEqualTo(2);
        assertThat(effect.callsFor("retry-" + customerId)).hasSize(2);
        assertThat(followUps()).as("the first attempt's write rolled back").isEqualTo(1);
        assertThat(runtimeService.createProcessInstanceQuery().processDefinitionKey("effect-probe")
                .processInstanceBusinessKey(customerId).count()).isEqualTo(1);
    }

    private long followUps() {
        return jdbc.sql("select count(*) from sf_event where customer_id = ? and type = ?")
                .params(customerId, RecordingEffect.FOLLOW_UP).query(Long.class).single();
    }

    private void post(String messageId, String type) {
        client().postEvents("{\"messageId\":\"%s\",\"type\":\"%s\",\"customerId\":\"%s\"}"
                .formatted(messageId, type, customerId)).expectStatus(202);
    }

    private JsonNode awaitFinished(String messageId) {
        await().atMost(PATIENCE).until(() -> !client().get("/api/v1/events/" + messageId).json()
                .path("status").asText().equals("pending"));
        return client().get("/api/v1/events/" + messageId).json();
    }
}
