package io.stageflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.MimeParts;

import jakarta.mail.internet.MimeMessage;

import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.identity.User;
import org.camunda.bpm.engine.history.HistoricActivityInstance;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * One customer's life through the journey catalogue, over real HTTP, with the engine clock moved on: signup,
 * welcome, first order, onboarding, a survey score of 3 that opens a call-back task, a second order and
 * RETENTION, two idle months, win-back, an order that reactivates. Every email and stage change is checked, in
 * order, and nothing else is sent.
 */
class CustomerLifeEndToEndTest extends IntegrationTest {

    private static final Pattern SURVEY_LINK = Pattern.compile("https://stageflow\\.test(/s/[A-Za-z0-9_.-]+)\\?score=3");

    @Autowired
    HistoryService historyService;

    @Autowired
    IdentityService identityService;

    @Test
    void aCustomersLifeFromSignupToReactivation() throws Exception {
        String id = "c-" + UUID.randomUUID().toString().substring(0, 12);
        String email = id + "@example.com";

        client().signUp(id, email, "Lina");
        awaitMail(email, 1);
        awaitSettled(id);
        assertThat(stage(id)).isEqualTo("ENGAGEMENT");

        advanceClock(Duration.ofHours(1));
        order(id, "order-1-" + id, "shoes");
        awaitSettled(id);
        assertThat(endOf("welcome", id)).isEqualTo("Converted");
        assertThat(stage(id)).isEqualTo("ONBOARDING");

        advanceClock(Duration.ofDays(1).plusMinutes(1));
        awaitMail(email, 2);
        advanceClock(Duration.ofDays(2).plusMinutes(1));
        awaitMail(email, 3);
        advanceClock(Duration.ofDays(4).plusMinutes(1));
        MimeMessage survey = awaitMail(email, 4).get(3);
        awaitSettled(id);

        Matcher link = SURVEY_LINK.matcher(MimeParts.of(survey).html());
        assertThat(link.find()).as("the survey email links score 3").isTrue();
        client(null, null).send(HttpRequest.newBuilder(client().uri(link.group(1)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("score=3&comment=Delivery+took+long")), false);
        await().atMost(PATIENCE).until(() -> openCallBackTasks(id) == 1);
        assertThat(tasklistOfCustomerSuccess(id)).as("what customer success sees in Tasklist")
                .singleElement().satisfies(task -> assertThat(task.path("name").asText())
                        .isEqualTo("Call back unhappy customer"));

        advanceClock(Duration.ofDays(1));
        order(id, "order-2-" + id, "shoes");
        awaitSettled(id);
        assertThat(stage(id)).isEqualTo("RETENTION");

        advanceClock(Duration.ofDays(14).plusMinutes(1));
        awaitMail(email, 5); // the cross-sell email, 14 days after the second order
        awaitSettled(id);
        advanceClock(Duration.ofDays(46)); // 60 days without an order: the inactivity scan's event
        client().postEvents("{\"messageId\":\"inactive-" + id + "\",\"type\":\"customer_inactive\",\"customerId\":\""
                + id + "\"}").expectStatus(202);
        awaitMail(email, 6);
        awaitSettled(id);

        advanceClock(Duration.ofDays(1));
        order(id, "order-3-" + id, "books");
        awaitSettled(id);
        assertThat(endOf("win-back", id)).isEqualTo("Reactivated");
        assertThat(stage(id)).isEqualTo("RETENTION");

        assertThat(jdbc.sql("select template_key from sf_outbox where customer_id = ? order by sent_at").param(id)
                .query(String.class).list()).containsExactly("welcome", "onboarding-getting-started",
                "onboarding-tips", "onboarding-survey", "upsell-complete-the-look", "win-back-we-miss-you");
        assertThat(mailTo(email)).as("nothing else reached the inbox").hasSize(6);
        assertThat(client().get("/api/v1/customers/" + id + "/stages").expectStatus(200).json())
                .extracting(change -> change.path("fromStage").asText() + "->" + change.path("toStage").asText()
                        + " " + change.path("cause").asText())
                .containsExactly(
                        "AWARENESS->ENGAGEMENT journey:welcome/MarkEngaged",
                        "ENGAGEMENT->CONVERSION rule:first-order",
                        "CONVERSION->ONBOARDING rule:first-order",
                        "ONBOARDING->RETENTION rule:repeat-order");
        assertThat(openCallBackTasks(id)).as("the call-back task stays open until someone completes it").isEqualTo(1);
    }

    private void order(String customerId, String messageId, String category) {
        client().postEvents("{\"messageId\":\"" + messageId + "\",\"type\":\"order_completed\",\"customerId\":\""
                + customerId + "\",\"properties\":{\"orderId\":\"" + messageId + "\",\"total\":40,\"category\":\""
                + category + "\"}}").expectStatus(202);
    }

    private String stage(String customerId) {
        return client().get("/api/v1/customers/" + customerId).expectStatus(200).json().path("stage").asText();
    }

    private long openCallBackTasks(String customerId) {
        return jdbc.sql("""
                select count(*) from ACT_RU_TASK t join ACT_RU_EXECUTION e on t.PROC_INST_ID_ = e.ID_
                where e.BUSINESS_KEY_ = ? and t.TASK_DEF_KEY_ = 'CallBackUnhappyCustomer'""")
                .param(customerId).query(Long.class).single();
    }

    /** The tasks a member of customer-success gets from the API Tasklist uses, with their own Tasklist session. */
    private List<JsonNode> tasklistOfCustomerSuccess(String customerId) {
        String userId = "cs" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        User user = identityService.newUser(userId);
        user.setPassword("Care-for-them-7");
        identityService.saveUser(user);
        identityService.createMembership(userId, "customer-success");
        JsonNode tasks = webappSession(userId, "Care-for-them-7").getFromEngine("/task?processInstanceBusinessKey="
                + customerId + "&candidateGroup=customer-success&maxResults=10").expectStatus(200).json();
        return java.util.stream.StreamSupport.stream(tasks.spliterator(), false).toList();
    }

    /** The end event the customer's instance of this journey finished at, or null while it runs. */
    private String endOf(String journey, String customerId) {
        HistoricProcessInstance instance = historyService.createHistoricProcessInstanceQuery()
                .processInstanceBusinessKey(customerId).processDefinitionKey(journey).singleResult();
        if (instance == null || instance.getEndTime() == null) {
            return null;
        }
        return historyService.createHistoricActivityInstanceQuery().processInstanceId(instance.getId())
                .activityType("noneEndEvent").list().stream()
                .map(HistoricActivityInstance::getActivityId).findFirst().orElse(null);
    }
}
