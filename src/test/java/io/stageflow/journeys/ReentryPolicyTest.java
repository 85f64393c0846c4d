package io.stageflow.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.util.UUID;

import io.stageflow.testing.IntegrationTest;

import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.exception.NotValidException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Each journey says whether a customer may enter it again, and which event property (a cart id) tells its
 * instances for one customer apart; the router keeps to both.
 */
class ReentryPolicyTest extends IntegrationTest {

    @Autowired
    RepositoryService repositoryService;

    @Autowired
    HistoryService historyService;

    @BeforeEach
    void deployPingJourneys() {
        repositoryService.createDeployment().name("reentry-test").enableDuplicateFiltering(true)
                .addString("ping-once.bpmn", journey("ping-once", "ping:once", "once", false))
                .addString("ping-always.bpmn", journey("ping-always", "ping:always", "always", false))
                .addString("ping-waits.bpmn", journey("ping-waits", "ping:waits", null, true))
                .addString("again-test.bpmn", journey("again-test", "again:restart", "once-active", null, "again"))
                .addString("cart-test.bpmn", journey("cart-test", "cart_touched:cart-test", "once-active", "cartId",
                        "cart_ordered"))
                .deploy();
    }

    @Test
    void aSecondSignupStartsNoSecondWelcomeWhileTheFirstRuns() {
        String id = "c-" + UUID.randomUUID().toString().substring(0, 12);
        client().signUp(id, id + "@example.com", "Ada");
        awaitSettled(id);

        client().postEvents(event("signup-again-" + id, "signed_up", id)).expectStatus(202);
        awaitSettled(id);

        assertThat(historyService.createHistoricProcessInstanceQuery().processDefinitionKey("welcome")
                .processInstanceBusinessKey(id).count()).isEqualTo(1);
        assertThat(client().get("/api/v1/events/signup-again-" + id).expectStatus(200).json().path("outcome").asText())
                // Journeys other test classes deployed on signed_up may be listed too, in any order.
                .containsPattern("not re-entered \\(re-entry policy\\): ([\\w-]+, )*welcome\\b");
    }

    @Test
    void onceNeverAgainAlwaysEveryTimeAndOnceActiveAgainAfterTheEnd() {
        String id = customerId();

        for (int i = 1; i <= 2; i++) {
            client().postEvents(event("ping-" + i + "-" + id, "ping", id)).expectStatus(202);
            awaitSettled(id);
        }
        assertThat(started("ping-once", id)).as("once").isEqualTo(1);
        assertThat(started("ping-always", id)).as("always").isEqualTo(2);
        assertThat(started("ping-waits", id)).as("once-active, while the first waits").isEqualTo(1);

        client().postEvents(event("done-" + id, "done", id)).expectStatus(202);
        await().atMost(PATIENCE).until(() -> runtimeService.createProcessInstanceQuery()
                .processDefinitionKey("ping-waits").processInstanceBusinessKey(id).count() == 0);
        client().postEvents(event("ping-3-" + id, "ping", id)).expectStatus(202);
        awaitSettled(id);
        assertThat(started("ping-waits", id)).as("once-active, after the first ended").isEqualTo(2);
        assertThat(started("ping-once", id)).isEqualTo(1);
        assertThat(started("ping-always", id)).isEqualTo(3);
    }

    @Test
    void aJourneyThatCorrelatesByCartRunsOncePerCartAndTakesOnlyItsOwnCartsOrder() {
        String id = customerId();

        client().postEvents(cart("cart-a1-" + id, "cart_touched", id, "A")).expectStatus(202);
        client().postEvents(cart("cart-b1-" + id, "cart_touched", id, "B")).expectStatus(202);
        client().postEvents(cart("cart-a2-" + id, "cart_touched", id, "A")).expectStatus(202);
        awaitSettled(id);
        assertThat(running("A", id)).as("one instance per cart").isEqualTo(1);
        assertThat(running("B", id)).isEqualTo(1);

        client().postEvents(cart("order-a-" + id, "cart_ordered", id, "A")).expectStatus(202);
        awaitSettled(id);
        assertThat(running("A", id)).as("the order for cart A ended cart A's journey").isZero();
        assertThat(running("B", id)).as("and not cart B's").isEqualTo(1);

        client().postEvents(event("order-any-" + id, "cart_ordered", id)).expectStatus(202);
        awaitSettled(id);
        assertThat(running("B", id)).as("an event without a cart id is about the whole customer").isZero();
    }

    private long running(String cartId, String customerId) {
        return runtimeService.createProcessInstanceQuery().processDefinitionKey("cart-test")
                .processInstanceBusinessKey(customerId).variableValueEquals("cartId", cartId).count();
    }

    private static String cart(String messageId, String type, String customerId, String cartId) {
        return "{\"messageId\":\"" + messageId + "\",\"type\":\"" + type + "\",\"customerId\":\"" + customerId
                + "\",\"properties\":{\"cartId\":\"" + cartId + "\"}}";
    }

    @Test
    void anEventThatEndsTheRunningInstanceMayStartTheNextOneUnderOnceActive() {
        String id = customerId();

        client().postEvents(event("again-1-" + id, "again", id)).expectStatus(202);
        awaitSettled(id);
        client().postEvents(event("again-2-" + id, "again", id)).expectStatus(202);
        awaitSettled(id);

        assertThat(started("again-test", id)).as("the second event ended the first and started the next").isEqualTo(2);
        assertThat(runtimeService.createProcessInstanceQuery().processDefinitionKey("again-test")
                .processInstanceBusinessKey(id).count()).isEqualTo(1);
    }

    @Test
    void anUnknownPolicyIsRefusedAtDeployment() {
        assertThatThrownBy(() -> repositoryService.createDeployment()
                .addString("bad.bpmn", journey("bad-reentry", "ping:bad", "twice", false)).deploy())
                .hasMessageContaining("bad-reentry").hasMessageContaining("'twice'")
                .hasMessageContaining("once, once-active or always");
        assertThat(repositoryService.createProcessDefinitionQuery().processDefinitionKey("bad-reentry").count()).isZero();
    }

    private long started(String journey, String customerId) {
        return historyService.createHistoricProcessInstanceQuery().processDefinitionKey(journey)
                .processInstanceBusinessKey(customerId).count();
    }

    private String customerId() {
        String id = "c-" + UUID.randomUUID().toString().substring(0, 12);
        client().putCustomer(id, "{\"email\":\"" + id + "@example.com\"}").expectStatus(201);
        return id;
    }

    private static String event(String messageId, String type, String customerId) {
        return "{\"messageId\":\"" + messageId + "\",\"type\":\"" + type + "\",\"customerId\":\"" + customerId + "\"}";
    }

    private static String journey(String id, String message, String reentry, boolean waits) {
        return journey(id, message, reentry, null, waits ? "done" : null);
    }

    /** A journey started by {@code message}; with {@code waitFor}, it then waits for that event type. */
    private static String journey(String id, String message, String reentry, String correlateBy, String waitFor) {
        boolean waits = waitFor != null;
        String property = reentry == null ? "" : """
                <bpmn:extensionElements><camunda:properties>
                  <camunda:property name="reentry" value="%s"/>
                  %s
                </camunda:properties></bpmn:extensionElements>""".formatted(reentry, correlateBy == null ? ""
                        : "<camunda:property name=\"correlateBy\" value=\"" + correlateBy + "\"/>");
        String middle = waits
                ? """
                  <bpmn:receiveTask id="WaitForDone" messageRef="DoneMessage"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:receiveTask>
                  <bpmn:sequenceFlow id="f1" sourceRef="Start" targetRef="WaitForDone"/>
                  <bpmn:sequenceFlow id="f2" sourceRef="WaitForDone" targetRef="End"/>"""
                : """
                  <bpmn:sequenceFlow id="f1" sourceRef="Start" targetRef="End"/>""";
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d-%1$s" targetNamespace="http://bpmn.io/schema/bpmn">
                  <bpmn:message id="StartMessage" name="%2$s"/>
                  <bpmn:message id="DoneMessage" name="%6$s"/>
                  <bpmn:process id="%1$s" isExecutable="true" camunda:historyTimeToLive="P1D">
                    %3$s
                    <bpmn:startEvent id="Start"><bpmn:outgoing>f1</bpmn:outgoing><bpmn:messageEventDefinition messageRef="StartMessage"/></bpmn:startEvent>
                    <bpmn:endEvent id="End"><bpmn:incoming>%4$s</bpmn:incoming></bpmn:endEvent>
                    %5$s
                  </bpmn:process>
                </bpmn:definitions>
                """.formatted(id, message, property, waits ? "f2" : "f1", middle, waits ? waitFor : "done");
    }
}
