package io.stageflow.customers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import io.stageflow.testing.IntegrationTest;

import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Stages move by the built-in order rules and by journeys, each move recorded with its cause, once. */
class LifecycleStageTest extends IntegrationTest {

    @Autowired
    LifecycleStages stages;

    @Autowired
    RepositoryService repositoryService;

    @Test
    void ordersMoveANewCustomerThroughConversionOnboardingAndRetentionOnce() {
        String id = customer();
        assertThat(profile(id).path("stage").asText()).isEqualTo("AWARENESS");

        order(id, "o1-" + id, "{\"total\": 42.50}");
        order(id, "o1-" + id, "{\"total\": 42.50}"); // redelivered: the same messageId
        awaitSettled(id);
        JsonNode afterFirst = profile(id);
        order(id, "o2-" + id, "{\"revenue\": \"10\"}");
        order(id, "o3-" + id, "{}");
        awaitSettled(id);
        JsonNode afterThird = profile(id);
        JsonNode history = client().get("/api/v1/customers/" + id + "/stages").expectStatus(200).json();

        assertThat(afterFirst.path("stage").asText()).isEqualTo("ONBOARDING");
        assertThat(afterFirst.path("orders").path("count").asInt()).isEqualTo(1);
        assertThat(afterFirst.path("orders").path("total").decimalValue()).isEqualByComparingTo("42.50");
        assertThat(afterThird.path("stage").asText()).isEqualTo("RETENTION");
        assertThat(afterThird.path("orders").path("count").asInt()).isEqualTo(3);
        assertThat(afterThird.path("orders").path("total").decimalValue()).isEqualByComparingTo("52.50");
        assertThat(history).hasSize(3);
        assertThat(history.get(0).path("fromStage").asText()).isEqualTo("AWARENESS");
        assertThat(history.get(0).path("toStage").asText()).isEqualTo("CONVERSION");
        assertThat(history.get(0).path("cause").asText()).isEqualTo("rule:first-order");
        assertThat(history.get(0).path("reference").asText()).isEqualTo("o1-" + id);
        assertThat(history.get(1).path("toStage").asText()).isEqualTo("ONBOARDING");
        assertThat(history.get(2).path("toStage").asText()).isEqualTo("RETENTION");
        assertThat(history.get(2).path("cause").asText()).isEqualTo("rule:repeat-order");
        assertThat(history.get(2).path("reference").asText()).isEqualTo("o2-" + id);
    }

    @Test
    void anOrderBringsALapsedCustomerBackAndRulesNeverMoveAnyoneBack() {
        String lapsed = customer();
        String advocate = customer();
        stages.moveTo(lapsed, "LAPSED", "test", null);
        stages.moveTo(advocate, "ADVOCACY", "test", null);

        order(lapsed, "back-" + lapsed, "{}");
        order(advocate, "first-" + advocate, "{}");
        awaitSettled(lapsed);
        awaitSettled(advocate);

        assertThat(profile(lapsed).path("stage").asText()).isEqualTo("RETENTION");
        assertThat(stages.history(lapsed)).last().extracting(StageChange::cause).isEqualTo("rule:reactivated-by-order");
        assertThat(profile(advocate).path("stage").asText()).isEqualTo("ADVOCACY");
    }

    @Test
    void aJourneysSetStageStepMovesTheCustomerAndNamesItselfAsTheCause() {
        repositoryService.createDeployment().enableDuplicateFiltering(true)
                .addModelInstance("mark-expansion.bpmn", Bpmn.createExecutableProcess("mark-expansion")
                        .camundaHistoryTimeToLive(1).startEvent()
                        .serviceTask("MarkExpansion").camundaDelegateExpression("${setLifecycleStage}")
                            .camundaInputParameter("stage", "EXPANSION")
                        .endEvent().done())
                .deploy();
        String id = customer();

        String instance = runtimeService.startProcessInstanceByKey("mark-expansion", id).getId();

        assertThat(stages.stageOf(id)).contains("EXPANSION");
        assertThat(stages.history(id)).singleElement().satisfies(change -> {
            assertThat(change.cause()).isEqualTo("journey:mark-expansion/MarkExpansion");
            assertThat(change.reference()).isEqualTo(instance);
        });
    }

    @Test
    void advancingMovesOnlyForwardWhileSettingMovesAnywhere() {
        String id = customer();
        stages.moveTo(id, "ONBOARDING", "test", null);

        boolean advancedBack = stages.advanceTo(id, "ENGAGEMENT", "test", null);
        boolean advancedOn = stages.advanceTo(id, "RETENTION", "test", null);
        boolean setBack = stages.moveTo(id, "ENGAGEMENT", "test", null);

        assertThat(advancedBack).isFalse();
        assertThat(advancedOn).isTrue();
        assertThat(setBack).isTrue();
        assertThat(stages.history(id)).extracting(StageChange::toStage)
                .containsExactly("ONBOARDING", "RETENTION", "ENGAGEMENT");
    }

    @Test
    void stageCountsListEveryStageInOrderAndFollowMoves() {
        long before = count(client().get("/api/v1/stages").expectStatus(200).json(), "EXPANSION");
        String id = customer();
        stages.moveTo(id, "EXPANSION", "test", null);

        JsonNode counts = client().get("/api/v1/stages").expectStatus(200).json();

        assertThat(counts).extracting(node -> node.path("stage").asText()).startsWith("AWARENESS", "ENGAGEMENT",
                "CONVERSION", "ONBOARDING", "RETENTION", "EXPANSION", "ADVOCACY", "LAPSED");
        assertThat(count(counts, "EXPANSION")).isEqualTo(before + 1);
    }

    @Test
    void theHistoryIsExportedAndOutlivesAnErasureWithoutTheCustomerId() {
        String id = customer();
        stages.moveTo(id, "ENGAGEMENT", "test", null);

        JsonNode export = client().get("/api/v1/customers/" + id + "/export").expectStatus(200).json();
        client().delete("/api/v1/customers/" + id).expectStatus(204);

        assertThat(export.path("stageHistory").get(0).path("toStage").asText()).isEqualTo("ENGAGEMENT");
        assertThat(jdbc.sql("select count(*) from sf_stage_change where customer_id = ?").param(id)
                .query(Long.class).single()).isZero();
        assertThat(jdbc.sql("select count(*) from sf_stage_change where customer_id like 'erased:%' and cause = 'test'")
                .query(Long.class).single()).isPositive();
    }

    private static long count(JsonNode counts, String stage) {
        for (JsonNode node : counts) {
            if (node.path("stage").asText().equals(stage)) {
                return node.path("customers").asLong();
            }
        }
        return 0;
    }

    private String customer() {
        String id = "c-" + UUID.randomUUID().toString().substring(0, 12);
        client().putCustomer(id, "{\"email\":\"" + id + "@example.com\"}").expectStatus(201);
        return id;
    }

    private void order(String customerId, String messageId, String properties) {
        client().postEvents("{\"messageId\":\"" + messageId + "\",\"type\":\"order_completed\",\"customerId\":\""
                + customerId + "\",\"properties\":" + properties + "}").expectStatus(202);
    }

    private JsonNode profile(String id) {
        return client().get("/api/v1/customers/" + id).expectStatus(200).json();
    }
}
