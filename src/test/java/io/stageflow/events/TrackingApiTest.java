package io.stageflow.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.StageflowClient;
import io.stageflow.testing.StageflowClient.Response;

import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.history.HistoricActivityInstance;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Segment's tracking API, fed what a Segment library really sends. */
class TrackingApiTest extends IntegrationTest {

    @Autowired
    HistoryService historyService;

    private StageflowClient client;
    private String writeKey;
    private String userId;

    @BeforeEach
    void integration() {
        client = client();
        writeKey = client.newWriteKey("segment-test");
        userId = "u-" + UUID.randomUUID().toString().substring(0, 12);
    }

    @Test
    void identifyRecordsMarketingConsentAndRefusesAnythingButABoolean() {
        Response declined = client.postSegment("/v1/identify", writeKey, "{\"userId\":\"" + userId
                + "\",\"messageId\":\"consent-1-" + userId + "\",\"traits\":{\"marketingConsent\":false}}");
        Response unclear = client.postSegment("/v1/identify", writeKey, "{\"userId\":\"" + userId
                + "\",\"messageId\":\"consent-2-" + userId + "\",\"traits\":{\"marketingConsent\":\"yes\"}}");

        declined.expectStatus(200);
        assertThat(unclear.status()).as("rejected by name, answered 200 as Segment does").isEqualTo(200);
        assertThat(unclear.json().path("success").asBoolean()).isFalse();
        assertThat(unclear.body()).contains("traits.marketingConsent");
        JsonNode customer = client.get("/api/v1/customers/" + userId).expectStatus(200).json();
        assertThat(customer.path("marketingConsent").isBoolean()).isTrue();
        assertThat(customer.path("marketingConsent").asBoolean()).isFalse();
        assertThat(customer.path("traits").has("marketingConsent")).as("not also kept as a trait").isFalse();
    }

    @Test
    void aRecordedBatchCreatesTheCustomerStartsWelcomeAndTheOrderConvertsIt() throws Exception {
        client.postSegment("/v1/batch", writeKey, recordedBatch()).expectStatus(200);

        JsonNode customer = client.get("/api/v1/customers/" + userId).json();
        assertThat(customer.path("email").asText()).isEqualTo(userId + "@example.com");
        assertThat(customer.path("firstName").asText()).isEqualTo("Sam");
        assertThat(customer.path("locale").asText()).isEqualTo("en-US");
        assertThat(customer.path("timeZone").asText()).isEqualTo("America/New_York");
        assertThat(customer.path("traits").path("plan").asText()).isEqualTo("free");
        assertThat(client.get("/api/v1/events/node-" + userId + "-0002").json().path("type").asText()).isEqualTo("signed_up");
        assertThat(client.get("/api/v1/events/node-" + userId + "-0003").json().path("type").asText())
                .isEqualTo("order_completed");

        await().atMost(PATIENCE).until(() -> "Converted".equals(welcomeEnd()));
        awaitMail(userId + "@example.com", 1);
        awaitSettled(userId);
        assertThat(mailTo(userId + "@example.com")).hasSize(1);
        assertThat(mailTo(userId + "@example.com").get(0).getSubject()).contains("Sam");
    }

    @Test
    void aRedeliveredBatchAnswersTheSameAndChangesNothing() throws Exception {
        String batch = recordedBatch();
        client.postSegment("/v1/batch", writeKey, batch).expectStatus(200);
        await().atMost(PATIENCE).until(() -> "Converted".equals(welcomeEnd()));

        Response again = client.postSegment("/v1/batch", writeKey, batch.replace("\"plan\": \"free\", \"createdAt\"",
                "\"plan\": \"changed-on-redelivery\", \"createdAt\""));

        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().path("success").asBoolean()).isTrue();
        awaitSettled(userId);
        assertThat(client.get("/api/v1/customers/" + userId).json().path("traits").path("plan").asText()).isEqualTo("free");
        assertThat(jdbc.sql("select count(*) from sf_event where customer_id = ? and type not like 'email!_%' escape '!'")
                .param(userId).query(Long.class).single()).as("the two posted, besides Stageflow's own email_*")
                .isEqualTo(2);
        assertThat(runtimeService.createProcessInstanceQuery().processInstanceBusinessKey(userId)
                .processDefinitionKey("welcome").count()).isZero();
        assertThat(mailTo(userId + "@example.com")).hasSize(1);
    }

    @Test
    void aWrongOrRevokedWriteKeyIsRefused() {
        String identify = "{\"userId\":\"" + userId + "\",\"traits\":{\"email\":\"" + userId + "@example.com\"}}";

        JsonNode toRevoke = client.issueWriteKey("to-revoke");
        Response wrong = client.postSegment("/v1/identify", "sfk_not-a-real-key", identify);
        Response none = client.postSegment("/v1/identify", null, identify);
        client.delete("/api/v1/write-keys/" + toRevoke.path("id").asText()).expectStatus(204);
        Response revoked = client.postSegment("/v1/identify", toRevoke.path("key").asText(), identify);

        assertThat(wrong.status()).isEqualTo(401);
        assertThat(none.status()).isEqualTo(401);
        assertThat(revoked.status()).isEqualTo(401);
        assertThat(revoked.contentType()).startsWith("application/problem+json");
        assertThat(client.get("/api/v1/customers/" + userId).status()).isEqualTo(404);
    }

    @Test
    void theWriteKeyMayComeInTheBody() {
        client.postSegment("/v1/identify", null, "{\"writeKey\":\"" + writeKey + "\",\"userId\":\"" + userId
                + "\",\"traits\":{\"email\":\"" + userId + "@example.com\"}}").expectStatus(200);

        assertThat(client.get("/api/v1/customers/" + userId).status()).isEqualTo(200);
    }

    @Test
    void aBatchOver500KilobytesIsRefusedWith400() {
        StringBuilder batch = new StringBuilder("{\"batch\":[");
        for (int i = 0; i < 24; i++) {
            batch.append(i == 0 ? "" : ",").append("{\"type\":\"track\",\"userId\":\"").append(userId)
                    .append("\",\"event\":\"Big\",\"properties\":{\"pad\":\"").append("x".repeat(25_000)).append("\"}}");
        }
        Response response = client.postSegment("/v1/batch", writeKey, batch.append("]}").toString());

        assertThat(response.body().length()).isLessThan(1000);
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().path("detail").asText()).contains("larger than the limit");
        assertThat(jdbc.sql("select count(*) from sf_event where customer_id = ?").param(userId).query(Long.class).single())
                .isZero();
    }

    @Test
    void aMessageOver32KilobytesIsNamedAndTheOthersAreKept() {
        String batch = "{\"batch\":[{\"type\":\"track\",\"userId\":\"%1$s\",\"event\":\"Big\",\"messageId\":\"big-%1$s\",\"properties\":{\"pad\":\"%2$s\"}},"
                + "{\"type\":\"track\",\"userId\":\"%1$s\",\"event\":\"Small\",\"messageId\":\"small-%1$s\"}]}";

        Response response = client.postSegment("/v1/batch", writeKey, batch.formatted(userId, "x".repeat(40_000)));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().path("errors").get(0).path("field").asText()).isEqualTo("batch[0]");
        assertThat(response.json().path("errors").get(0).path("message").asText()).contains("32 KB");
        assertThat(client.get("/api/v1/events/small-" + userId).json().path("type").asText()).isEqualTo("small");
        assertThat(client.get("/api/v1/events/big-" + userId).status()).isEqualTo(404);
    }

    @Test
    void aBurstOverTheRateLimitGets429WithRetryAfter() {
        StringBuilder batch = new StringBuilder("{\"batch\":[");
        for (int i = 0; i < 60; i++) {
            batch.append(i == 0 ? "" : ",").append("{\"type\":\"identify\",\"userId\":\"").append(userId)
                    .append("\",\"messageId\":\"burst-").append(userId).append('-').append(i).append("\"}");
        }
        String body = batch.append("]}").toString();

        Response first = client.postSegment("/v1/batch", writeKey, body);
        Response second = client.postSegment("/v1/batch", writeKey, body);

        assertThat(first.status()).isEqualTo(200);
        assertThat(second.status()).isEqualTo(429);
        assertThat(second.contentType()).startsWith("application/problem+json");
        assertThat(second.body()).contains("Retry-After");
    }

    @Test
    void invalidMessagesAreNamedByField() {
        String batch = """
                {"batch":[{"type":"identify","userId":"%1$s","traits":{"email":"not-an-email"}},
                          {"type":"track","userId":"%1$s"},
                          {"type":"track","event":"Signed Up"},
                          {"type":"group","userId":"%1$s"},
                          {"type":"track","userId":"%1$s","event":"Product Viewed","messageId":"ok-%1$s"}]}"""
                .formatted(userId);

        Response response = client.postSegment("/v1/batch", writeKey, batch);

        assertThat(response.status()).as("Segment's answer to invalid messages: its libraries retry a 400").isEqualTo(200);
        assertThat(response.json().path("rejected").asInt()).isEqualTo(4);
        assertThat(response.json().findValues("field")).extracting(JsonNode::asText)
                .containsExactly("batch[0].traits.email", "batch[1].event", "batch[2].userId", "batch[3].groupId");
        assertThat(response.json().path("results").get(4).path("status").asText()).isEqualTo("accepted");
        assertThat(client.get("/api/v1/events/ok-" + userId).json().path("type").asText()).isEqualTo("product_viewed");
    }

    @Test
    void anAliasFoldsTheAnonymousVisitorIntoTheKnownCustomerWithItsEvents() {
        String anonymousId = "anon-" + UUID.randomUUID();
        client.postSegment("/v1/page", writeKey, """
                {"anonymousId":"%s","name":"Pricing","messageId":"page-%s","properties":{"path":"/pricing"},
                 "context":{"locale":"de-DE","timezone":"Europe/Berlin"}}""".formatted(anonymousId, userId))
                .expectStatus(200);
        client.postSegment("/v1/identify", writeKey, """
                {"userId":"%1$s","traits":{"email":"%1$s@example.com"},"messageId":"id-%1$s"}""".formatted(userId))
                .expectStatus(200);

        client.postSegment("/v1/alias", writeKey, """
                {"previousId":"%s","userId":"%s","messageId":"alias-%s"}""".formatted(anonymousId, userId, userId))
                .expectStatus(200);

        assertThat(client.get("/api/v1/customers/anonymous:" + anonymousId).status()).isEqualTo(404);
        JsonNode page = client.get("/api/v1/events/page-" + userId).json();
        assertThat(page.path("customerId").asText()).isEqualTo(userId);
        assertThat(page.path("type").asText()).isEqualTo("page_viewed");
        assertThat(client.get("/api/v1/customers/" + userId).json().path("email").asText())
                .isEqualTo(userId + "@example.com");
    }

    private String welcomeEnd() {
        return historyService.createHistoricProcessInstanceQuery().processInstanceBusinessKey(userId)
                .processDefinitionKey("welcome").finished().list().stream()
                .flatMap(instance -> historyService.createHistoricActivityInstanceQuery()
                        .processInstanceId(instance.getId()).activityType("noneEndEvent").list().stream())
                .map(HistoricActivityInstance::getActivityId).findFirst().orElse(null);
    }

    private String recordedBatch() throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/segment/signup-and-order-batch.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("USER_ID", userId);
        }
    }
}
