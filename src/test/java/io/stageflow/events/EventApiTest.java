package io.stageflow.events;

import static io.stageflow.events.Problems.assertProblem;
import static io.stageflow.events.Problems.fields;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.StageflowClient;
import io.stageflow.testing.StageflowClient.Response;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Bad input gets a problem+json that names the field, and nothing of a rejected event is stored. */
class EventApiTest extends IntegrationTest {

    private StageflowClient client;
    private String customerId;

    @BeforeEach
    void knownCustomer() {
        client = client();
        customerId = "c-" + UUID.randomUUID().toString().substring(0, 12);
        client.putCustomer(customerId, "{\"email\":\"" + customerId + "@example.com\"}").expectStatus(201);
    }

    @Test
    void invalidJsonIsRefusedWithItsPosition() {
        Response response = client.postEvents("{\"messageId\":\"m-" + customerId + "\",\"type\":");

        assertProblem(response, 400);
        assertThat(response.json().path("title").asText()).isEqualTo("Malformed JSON");
        assertThat(response.json().path("detail").asText()).contains("line 1");
        assertThat(storedEvents()).isZero();
    }

    @Test
    void aMissingTypeIsNamed() {
        Response response = client.postEvents(event("m-" + customerId, null, customerId));

        assertProblem(response, 400);
        assertThat(fields(response)).containsExactly("type");
        assertThat(storedEvents()).isZero();
    }

    @Test
    void anUnknownCustomerIsNamed() {
        Response response = client.postEvents(event("m-" + customerId, "signed_up", "nobody-" + customerId));

        assertProblem(response, 400);
        assertThat(fields(response)).containsExactly("customerId");
        assertThat(storedEvents()).isZero();
    }

    @Test
    void anUnknownFieldIsNamedRatherThanDropped() {
        Response response = client.postEvents("""
                {"messageId":"m-%1$s","type":"signed_up","customerId":"%1$s","propertys":{}}""".formatted(customerId));

        assertProblem(response, 400);
        assertThat(fields(response)).containsExactly("propertys");
        assertThat(storedEvents()).isZero();
    }

    @Test
    void aTwoMegabyteBodyIsRefused() {
        Response response = client.postEvents(
                "{\"messageId\":\"m-%1$s\",\"type\":\"signed_up\",\"customerId\":\"%1$s\",\"properties\":{\"pad\":\"%2$s\"}}"
                        .formatted(customerId, "x".repeat(2 * 1024 * 1024)));

        assertProblem(response, 413);
        assertThat(storedEvents()).isZero();
    }

    @Test
    void aTwoMegabyteChunkedBodyIsCutOffWhileReading() {
        byte[] body = ("[{\"messageId\":\"m-%1$s\",\"type\":\"signed_up\",\"customerId\":\"%1$s\",\"properties\":{\"pad\":\"%2$s\"}}]"
                .formatted(customerId, "x".repeat(2 * 1024 * 1024))).getBytes(StandardCharsets.UTF_8);

        Response response = client.postEventsChunked(() -> new ByteArrayInputStream(body));

        assertProblem(response, 413);
        assertThat(storedEvents()).isZero();
    }

    @Test
    void aBadItemInABatchDoesNotLoseTheGoodOnes() {
        Response response = client.postEvents("[" + event("good-" + customerId, "signed_up", customerId) + ","
                + event("bad-" + customerId, "Signed Up", customerId) + ","
                + event("good2-" + customerId, "page_viewed", customerId) + "]");

        assertProblem(response, 400);
        assertThat(fields(response)).containsExactly("[1].type");
        JsonNode results = response.json().path("results");
        assertThat(results.get(0).path("status").asText()).isEqualTo("accepted");
        assertThat(results.get(1).path("status").asText()).isEqualTo("rejected");
        assertThat(results.get(2).path("status").asText()).isEqualTo("accepted");
        assertThat(storedEvents()).isEqualTo(2);
        assertThat(client.get("/api/v1/events/bad-" + customerId).status()).isEqualTo(404);
    }

    @Test
    void aWrongTimestampIsNamed() {
        Response response = client.postEvents("""
                {"messageId":"m-%1$s","type":"signed_up","customerId":"%1$s","timestamp":"yesterday"}"""
                .formatted(customerId));

        assertProblem(response, 400);
        assertThat(fields(response)).containsExactly("timestamp");
        assertThat(storedEvents()).isZero();
    }

    @Test
    void anInvalidCustomerIsNamed() {
        Response response = client.putCustomer("c-" + UUID.randomUUID(),
                "{\"email\":\"not-an-email\",\"locale\":\"xx_!!\",\"timeZone\":\"Mars/Olympus\"}");

        assertProblem(response, 400);
        assertThat(fields(response)).containsExactly("email", "locale", "timeZone");
    }

    @Test
    void aCustomerMayHaveNoEmailYet() {
        JsonNode created = client.putCustomer("c-" + UUID.randomUUID(), "{\"firstName\":\"Nobody\"}")
                .expectStatus(201).json();

        assertThat(created.has("email")).isFalse();
        assertThat(created.path("locale").asText()).isEqualTo("en");
        assertThat(created.path("timeZone").asText()).isEqualTo("UTC");
    }

    @Test
    void aCustomerUpdateMergesTraits() {
        client.putCustomer(customerId, "{\"traits\":{\"plan\":\"pro\",\"seats\":3}}").expectStatus(200);
        JsonNode updated = client.putCustomer(customerId, "{\"firstName\":\"Mia\",\"traits\":{\"seats\":null}}")
                .expectStatus(200).json();

        assertThat(updated.path("email").asText()).isEqualTo(customerId + "@example.com");
        assertThat(updated.path("firstName").asText()).isEqualTo("Mia");
        assertThat(updated.path("traits").path("plan").asText()).isEqualTo("pro");
        assertThat(updated.path("traits").has("seats")).isFalse();
    }

    private static String event(String messageId, String type, String customerId) {
        return type == null
                ? "{\"messageId\":\"%s\",\"customerId\":\"%s\"}".formatted(messageId, customerId)
                : "{\"messageId\":\"%s\",\"type\":\"%s\",\"customerId\":\"%s\"}".formatted(messageId, type, customerId);
    }

    private long storedEvents() {
        return jdbc.sql("select count(*) from sf_event where customer_id = ? or message_id like ?")
                .params(customerId, "%" + customerId).query(Long.class).single();
    }
}
