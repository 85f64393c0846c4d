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

/** Each journey says whether a customer may enter it again; the router keeps to it. */
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
                .containsPattern("not re-entered \\(re-entry policy\\): [^;]*\\bwelcome\\b");
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

    /** A journey started by {@code message}; {@code waits}: it then waits for a {@code done} event. */
    private static String journey(String id, String message, String reentry, boolean waits) {
        String property = reentry == null ? "" : """
                <bpmn:extensionElements><camunda:properties>
                  <camunda:property name="reentry" value="%s"/>
                </camunda:properties></bpmn:extensionElements>""".formatted(reentry);
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
                  <bpmn:message id="DoneMessage" name="done"/>
                  <bpmn:process id="%1$s" isExecutable="true" camunda:historyTimeToLive="P1D">
                    %3$s
                    <bpmn:startEvent id="Start"><bpmn:outgoing>f1</bpmn:outgoing><bpmn:messageEventDefinition messageRef="StartMessage"/></bpmn:startEvent>
                    <bpmn:endEvent id="End"><bpmn:incoming>%4$s</bpmn:incoming></bpmn:endEvent>
                    %5$s
                  </bpmn:process>
                </bpmn:definitions>
                """.formatted(id, message, property, waits ? "f2" : "f1", middle);
    }
}
