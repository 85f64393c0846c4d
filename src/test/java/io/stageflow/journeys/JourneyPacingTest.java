package io.stageflow.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.stageflow.testing.IntegrationTest;

import jakarta.mail.internet.MimeMessage;

import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A journey that sends three marketing emails back to back is held to the frequency cap (one a day): the first
 * goes at once, the others are deferred to the next days and each is delivered exactly once.
 */
class JourneyPacingTest extends IntegrationTest {

    @Autowired
    RepositoryService repositoryService;

    @BeforeEach
    void deployThreeEmailsInARow() {
        BpmnModelInstance process = Bpmn.createExecutableProcess("three-emails-at-once")
                .camundaHistoryTimeToLive(1)
                .startEvent()
                .serviceTask("First").camundaDelegateExpression("${sendEmail}")
                    .camundaInputParameter("template", "welcome")
                    .camundaInputParameter("quietHours", "ignore")
                .serviceTask("Second").camundaDelegateExpression("${sendEmail}")
                    .camundaInputParameter("template", "welcome-reminder")
                    .camundaInputParameter("quietHours", "ignore")
                .serviceTask("Third").camundaDelegateExpression("${sendEmail}")
                    .camundaInputParameter("template", "welcome")
                    .camundaInputParameter("quietHours", "ignore")
                .endEvent("Sent")
                .done();
        repositoryService.createDeployment().name("pacing-test").enableDuplicateFiltering(true)
                .addModelInstance("three-emails-at-once.bpmn", process).deploy();
    }

    @Test
    void threeMarketingStepsInOneDayDeliverOneADay() throws Exception {
        String id = "c-" + UUID.randomUUID().toString().substring(0, 12);
        String email = id + "@example.com";
        client().putCustomer(id, "{\"email\":\"" + email + "\",\"firstName\":\"Rosa\"}").expectStatus(201);

        runtimeService.startProcessInstanceByKey("three-emails-at-once", id);

        awaitMail(email, 1);
        await().atMost(PATIENCE).until(() -> statuses(id).equals(List.of("SENT", "DEFERRED", "DEFERRED")));
        advanceClock(Duration.ofHours(24).plusMinutes(1));
        awaitMail(email, 2);
        await().atMost(PATIENCE).until(() -> statuses(id).equals(List.of("SENT", "SENT", "DEFERRED")));
        advanceClock(Duration.ofHours(24).plusMinutes(1));
        awaitMail(email, 3);
        awaitSettled(id);

        assertThat(statuses(id)).containsExactly("SENT", "SENT", "SENT");
        assertThat(mailTo(email)).extracting(MimeMessage::getSubject).hasSize(3);
        assertThat(jdbc.sql("select step_id from sf_outbox where customer_id = ? order by sent_at").param(id)
                .query(String.class).list()).containsExactly("First", "Second", "Third");
    }

    private List<String> statuses(String customerId) {
        return jdbc.sql("select status from sf_outbox where customer_id = ? order by id").param(customerId)
                .query(String.class).list();
    }
}
