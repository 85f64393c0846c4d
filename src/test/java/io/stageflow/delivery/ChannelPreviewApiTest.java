package io.stageflow.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.StageflowClient;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/v1/channel-previews}: a webhook's body and an SMS with its segments, rendered for one customer as they
 * would go, nothing queued; bad settings, and a phone number that is not E.164, answered 400 as problem+json naming
 * the field.
 */
class ChannelPreviewApiTest extends IntegrationTest {

    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @Test
    void aWebhooksBodyIsShownAsItWouldBeSentAndABodyThatIsNotJsonNamesTheSetting() {
        String customer = "preview-hook-" + run;
        client().putCustomer(customer, "{\"email\":\"%s@example.com\",\"firstName\":\"Ada\"}".formatted(customer))
                .expectStatus(201);
        long queuedBefore = queued();

        JsonNode preview = client().post("/api/v1/channel-previews", """
                {"channel": "webhook", "customerId": "%s", "settings": {"endpoint": "loyalty",
                 "body": "{\\"email\\": \\"$customer.email\\", \\"name\\": $json.quote($customer.firstName)}"}}"""
                .formatted(customer)).expectStatus(200).json();
        assertThat(preview.path("channel").asText()).isEqualTo("webhook");
        assertThat(preview.path("recipient").asText()).isEqualTo("loyalty");
        assertThat(preview.path("content").asText()).contains("\"email\" : \"" + customer + "@example.com\"")
                .contains("\"name\" : \"Ada\"");
        assertThat(preview.path("allowed").asBoolean()).isTrue();
        assertThat(preview.path("details").path("signatures").asInt()).isEqualTo(2);
        assertThat(queued()).as("a preview queues nothing").isEqualTo(queuedBefore);

        StageflowClient.Response notJson = client().post("/api/v1/channel-previews", """
                {"channel": "webhook", "customerId": "%s", "settings": {"endpoint": "loyalty",
                 "body": "{\\"email\\": $customer.email}"}}""".formatted(customer));
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.contentType()).startsWith("application/problem+json");
        assertThat(notJson.json().path("errors").get(0).path("field").asText()).isEqualTo("settings.body");
        assertThat(notJson.json().path("errors").get(0).path("message").asText()).contains("not valid JSON");

        StageflowClient.Response unknown = client().post("/api/v1/channel-previews", """
                {"channel": "webhook", "customerId": "%s", "settings": {"endpoint": "crm", "body": "{}"}}"""
                .formatted(customer));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().path("errors").get(0).path("field").asText()).isEqualTo("settings.endpoint");
    }

    @Test
    void anSmsShowsItsEncodingAndSegmentsAndANumberThatIsNotE164IsRefused() {
        String customer = "preview-sms-" + run;
        client().putCustomer(customer, "{\"email\":\"%s@example.com\",\"firstName\":\"Zoë\",\"traits\":{\"phone\":\"+4915112345678\"}}"
                .formatted(customer)).expectStatus(201);
        JsonNode preview = client().post("/api/v1/channel-previews", """
                {"channel": "sms", "customerId": "%s", "category": "transactional",
                 "settings": {"text": "Hi $!customer.firstName, your order is on its way 🚚"}}""".formatted(customer))
                .expectStatus(200).json();
        assertThat(preview.path("recipient").asText()).isEqualTo("+4915112345678");
        assertThat(preview.path("content").asText()).isEqualTo("Hi Zoë, your order is on its way 🚚");
        assertThat(preview.path("details").path("encoding").asText()).as("an emoji needs UCS-2").isEqualTo("UCS-2");
        assertThat(preview.path("details").path("segments").asInt()).isEqualTo(1);

        JsonNode marketing = client().post("/api/v1/channel-previews", """
                {"channel": "sms", "customerId": "%s", "settings": {"text": "Sale: 20%% off today"}}"""
                .formatted(customer)).expectStatus(200).json();
        assertThat(marketing.path("details").path("encoding").asText()).isEqualTo("GSM-7");
        assertThat(marketing.path("allowed").asBoolean()).as("marketing SMS needs the number's opt-in").isFalse();
        assertThat(marketing.path("reason").asText()).isNotBlank();

        String local = "preview-local-" + run;
        client().putCustomer(local, "{\"email\":\"%s@example.com\",\"traits\":{\"phone\":\"0151 1234 5678\"}}"
                .formatted(local)).expectStatus(201);
        StageflowClient.Response refused = client().post("/api/v1/channel-previews", """
                {"channel": "sms", "customerId": "%s", "settings": {"text": "Hi"}}""".formatted(local));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.json().path("errors").get(0).path("field").asText()).isEqualTo("phone");
        assertThat(refused.json().path("errors").get(0).path("message").asText()).contains("E.164");

        StageflowClient.Response noChannel = client().post("/api/v1/channel-previews", """
                {"channel": "fax", "customerId": "%s", "settings": {}}""".formatted(local));
        assertThat(noChannel.status()).isEqualTo(400);
        assertThat(noChannel.json().path("errors").get(0).path("field").asText()).isEqualTo("channel");
    }

    private long queued() {
        return jdbc.sql("select count(*) from sf_outbox").query(Long.class).single();
    }
}
