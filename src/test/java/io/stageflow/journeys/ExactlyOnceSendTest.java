package io.stageflow.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.UUID;

import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.TestInfrastructure;

import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** A send step that is retried or runs again queues, and delivers, one email per idempotency key. */
class ExactlyOnceSendTest extends IntegrationTest {

    @Autowired
    RepositoryService repositoryService;

    @Autowired
    HistoryService historyService;

    @Autowired
    TestInfrastructure.FailOnceAfterSend failOnce;

    @BeforeEach
    void deploySendThenFailOnce() {
        BpmnModelInstance process = Bpmn.createExecutableProcess("send-then-fail-once")
                .camundaHistoryTimeToLive(1)
                .startEvent()
                .serviceTask("Send").camundaAsyncBefore().camundaDelegateExpression("${sendEmail}")
                    .camundaInputParameter("template", "welcome")
                .serviceTask("FailOnce").camundaDelegateExpression("${failOnceAfterSend}")
                .endEvent("Done")
                .done();
        repositoryService.createDeployment().name("exactly-once-test").enableDuplicateFiltering(true)
                .addModelInstance("send-then-fail-once.bpmn", process).deploy();
    }

    @Test
    void aJobThatFailsAfterTheSendAndIsRetriedSendsOneEmail() throws Exception {
        String id = "c-" + UUID.randomUUID().toString().substring(0, 12);
        String email = id + "@example.com";
        client().putCustomer(id, "{\"email\":\"" + email + "\",\"firstName\":\"Ken\"}").expectStatus(201);

        String instance = runtimeService.startProcessInstanceByKey("send-then-fail-once", id).getId();

        await().atMost(PATIENCE).until(() -> historyService.createHistoricProcessInstanceQuery()
                .processInstanceId(instance).finished().count() == 1);
        awaitSettled(id);
        assertThat(failOnce.hasFailedIn(instance)).as("the job failed once after the send step and was retried").isTrue();
        assertThat(outboxRows(id)).isEqualTo(1);
        assertThat(awaitMail(email, 1)).hasSize(1);
        assertThat(mailTo(email)).hasSize(1);
    }

    @Test
    void runningTheSameSendStepAgainSendsNoSecondEmail() throws Exception {
        String id = "c-" + UUID.randomUUID().toString().substring(0, 12);
        String email = id + "@example.com";
        client().signUp(id, email, "Barbara");
        awaitMail(email, 1);
        awaitSettled(id);
        String instance = runtimeService.createProcessInstanceQuery().processInstanceBusinessKey(id)
                .processDefinitionKey("welcome").singleResult().getId();

        // An operator re-runs the welcome step, as Cockpit's "modify instance" would.
        runtimeService.createProcessInstanceModification(instance).startBeforeActivity("SendWelcomeEmail").execute();

        await().atMost(PATIENCE).until(() -> historyService.createHistoricActivityInstanceQuery()
                .processInstanceId(instance).activityId("SendWelcomeEmail").finished().count() == 2);
        awaitSettled(id);
        assertThat(outboxRows(id)).isEqualTo(1);
        assertThat(mailTo(email)).hasSize(1);
    }

    private long outboxRows(String customerId) {
        return jdbc.sql("select count(*) from sf_outbox where customer_id = ?").param(customerId)
                .query(Long.class).single();
    }
}
