package io.stageflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.MimeParts;
import io.stageflow.testing.StageflowClient;

import jakarta.mail.internet.MimeMessage;

import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.history.HistoricActivityInstance;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The welcome journey from the outside: customers and events posted over HTTP, email read back from a real
 * SMTP server, engine time moved with ClockUtil.
 */
class WelcomeJourneyEndToEndTest extends IntegrationTest {

    @Autowired
    HistoryService historyService;

    @Test
    void signupSendsOnePersonalisedMultipartWelcomeEmail() throws Exception {
        String id = uniqueId();
        String email = id + "@example.com";

        client().signUp(id, email, "Ada");

        MimeMessage welcome = awaitMail(email, 1).get(0);
        awaitSettled(id);
        assertThat(mailTo(email)).hasSize(1);
        assertThat(welcome.getAllRecipients()).extracting(Object::toString).containsExactly(email);
        assertThat(welcome.getSubject()).contains("Ada");
        MimeParts parts = MimeParts.of(welcome);
        assertThat(parts.contentType()).startsWith("multipart/alternative");
        assertThat(parts.text()).contains("Hi Ada");
        assertThat(parts.html()).contains("Hi Ada");
        assertThat(client().get("/api/v1/customers/" + id).json().path("stage").asText())
                .as("the welcome journey marks the customer engaged").isEqualTo("ENGAGEMENT");
        assertThat(client().get("/actuator/metrics/stageflow.emails?tag=template:welcome&tag=result:sent").json()
                .path("measurements").get(0).path("value").asDouble()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void missingFirstNameFallsBackToAGreetingWithoutName() throws Exception {
        String id = uniqueId();
        String email = id + "@example.com";

        client().signUp(id, email, null);

        MimeParts parts = MimeParts.of(awaitMail(email, 1).get(0));
        assertThat(parts.text()).contains("Hi there").doesNotContain("$customer").doesNotContain("null");
        assertThat(parts.html()).contains("Hi there").doesNotContain("$customer").doesNotContain("null");
    }

    @Test
    void withoutAnOrderExactlyOneReminderArrivesAfterThreeDays() throws Exception {
        String id = uniqueId();
        String email = id + "@example.com";
        client().signUp(id, email, "Grace");
        awaitMail(email, 1);
        awaitSettled(id);

        advanceClock(Duration.ofDays(3).plusMinutes(1));

        List<MimeMessage> mail = awaitMail(email, 2);
        awaitSettled(id);
        assertThat(mailTo(email)).hasSize(2);
        assertThat(mail.get(1).getSubject()).isNotEqualTo(mail.get(0).getSubject());
        assertThat(MimeParts.of(mail.get(1)).text()).contains("Grace");
        assertThat(endActivityOf(id)).isEqualTo("NotConverted");
    }

    @Test
    void anOrderWithinThreeDaysConvertsAndNoReminderIsSent() throws Exception {
        String id = uniqueId();
        String email = id + "@example.com";
        client().signUp(id, email, "Linus");
        awaitMail(email, 1);
        awaitSettled(id);

        client().postEvents("""
                {"messageId":"order-%s","type":"order_completed","customerId":"%s","properties":{"orderId":"o-1","total":42.5}}"""
                .formatted(id, id)).expectStatus(202);
        await().atMost(PATIENCE).until(() -> endActivityOf(id) != null);
        advanceClock(Duration.ofDays(4));
        awaitSettled(id);

        assertThat(endActivityOf(id)).isEqualTo("Converted");
        assertThat(welcomeJourneyEmails(id)).containsExactly("welcome");
        assertThat(client().get("/api/v1/events/order-" + id).json().path("status").asText()).isEqualTo("routed");
    }

    @Test
    void theSameMessageIdPostedTwiceGivesOneEmail() throws Exception {
        String id = uniqueId();
        String email = id + "@example.com";
        StageflowClient client = client();
        client.putCustomer(id, "{\"email\":\"" + email + "\",\"firstName\":\"Alan\"}").expectStatus(201);
        String signup = "{\"messageId\":\"dup-" + id + "\",\"type\":\"signed_up\",\"customerId\":\"" + id + "\"}";

        StageflowClient.Response first = client.postEvents(signup).expectStatus(202);
        StageflowClient.Response second = client.postEvents(signup).expectStatus(202);

        assertThat(first.json().path("results").get(0).path("status").asText()).isEqualTo("accepted");
        assertThat(second.json().path("results").get(0).path("status").asText()).isEqualTo("duplicate");
        assertThat(second.json().path("duplicates").asInt()).isEqualTo(1);
        awaitMail(email, 1);
        awaitSettled(id);
        assertThat(mailTo(email)).hasSize(1);
        assertThat(runtimeService.createProcessInstanceQuery().processInstanceBusinessKey(id)
                .processDefinitionKey("welcome").count()).isEqualTo(1);
    }

    @Test
    void tenConcurrentSignupsGiveTenEmails() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ids.add(uniqueId());
        }
        ExecutorService pool = Executors.newFixedThreadPool(10);
        try {
            List<Callable<StageflowClient.Response>> signups = ids.stream()
                    .<Callable<StageflowClient.Response>>map(id -> () -> client().signUp(id, id + "@example.com", "Pat"))
                    .toList();
            for (Future<StageflowClient.Response> response : pool.invokeAll(signups)) {
                assertThat(response.get().status()).isEqualTo(202);
            }
        } finally {
            pool.shutdown();
        }

        for (String id : ids) {
            awaitMail(id + "@example.com", 1);
            awaitSettled(id);
        }
        assertThat(ids).allSatisfy(id -> assertThat(mailTo(id + "@example.com")).hasSize(1));
    }

    @Test
    void markupInAFirstNameIsEscapedInTheHtmlPart() throws Exception {
        String id = uniqueId();
        String email = id + "@example.com";

        client().signUp(id, email, "<script>alert(1)</script>");

        MimeParts parts = MimeParts.of(awaitMail(email, 1).get(0));
        assertThat(parts.html()).contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script>");
        assertThat(parts.text()).contains("<script>alert(1)</script>");
    }

    @Test
    void anOrderThatArrivesBeforeTheJourneyWaitsForItIsNotLost() throws Exception {
        String id = uniqueId();
        String email = id + "@example.com";
        client().putCustomer(id, "{\"email\":\"" + email + "\",\"firstName\":\"Eve\"}").expectStatus(201);
        // Hold the welcome step's job, so the journey is parked before its wait when the order arrives.
        managementService.suspendJobDefinitionByProcessDefinitionKey("welcome", true);
        try {
            client().postEvents("""
                    [{"messageId":"early-signup-%1$s","type":"signed_up","customerId":"%1$s"},
                     {"messageId":"early-order-%1$s","type":"order_completed","customerId":"%1$s"}]"""
                    .formatted(id)).expectStatus(202);
            await().atMost(PATIENCE).until(() -> client().get("/api/v1/events/early-order-" + id).json()
                    .path("attempts").asInt() >= 1);
            assertThat(client().get("/api/v1/events/early-order-" + id).json().path("status").asText())
                    .isEqualTo("pending");
        } finally {
            managementService.activateJobDefinitionByProcessDefinitionKey("welcome", true);
        }

        await().atMost(PATIENCE).until(() -> endActivityOf(id) != null);
        advanceClock(Duration.ofDays(4));
        awaitSettled(id);
        assertThat(endActivityOf(id)).isEqualTo("Converted");
        assertThat(welcomeJourneyEmails(id)).containsExactly("welcome");
    }

    /**
     * The templates the customer's welcome journey queued. Not every email to the customer: an order also starts the
     * onboarding journey, whose day-1 email may fall into the days these tests skip.
     */
    private List<String> welcomeJourneyEmails(String customerId) {
        return jdbc.sql("select template_key from sf_outbox where customer_id = ? and journey_key = 'welcome' order by id")
                .param(customerId).query(String.class).list();
    }

    /** The end event the customer's welcome journey finished at, or null while it runs. */
    private String endActivityOf(String customerId) {
        HistoricProcessInstance instance = historyService.createHistoricProcessInstanceQuery()
                .processInstanceBusinessKey(customerId).processDefinitionKey("welcome").singleResult();
        if (instance == null || instance.getEndTime() == null) {
            return null;
        }
        return historyService.createHistoricActivityInstanceQuery().processInstanceId(instance.getId())
                .activityType("noneEndEvent").list().stream()
                .map(HistoricActivityInstance::getActivityId).findFirst().orElse(null);
    }

    private static String uniqueId() {
        return "c-" + UUID.randomUUID().toString().substring(0, 12);
    }
}
