package io.stageflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import io.stageflow.events.IncomingEvent;
import io.stageflow.events.ObservedEvents;
import io.stageflow.testing.IntegrationTest;

import org.camunda.bpm.engine.HistoryService;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The loyalty programme over the real events API: an {@code Order Completed} delivered twice under one messageId and
 * once more under another earns its points once, reaching Silver starts the tier-upgrade journey once (however
 * often the upgrade is recorded or posted again), and an {@code order_refunded} takes the points back and the customer
 * down again. Default settings: 1 point per unit of currency, Silver from 500 points.
 */
class LoyaltyEndToEndTest extends IntegrationTest {

    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @Autowired
    HistoryService history;

    @Autowired
    ObservedEvents observedEvents;

    @Test
    void aRedeliveredOrderEarnsOnceAnUpgradeStartsTheJourneyOnceAndARefundTakesThePointsBack() {
        String customer = "loyal-e2e-" + run;
        client().putCustomer(customer, "{\"email\":\"" + customer + "@example.com\",\"firstName\":\"Lea\"}")
                .expectStatus(201);
        String order = """
                {"messageId":"order-%1$s","type":"order_completed","customerId":"%1$s",
                 "properties":{"orderId":"o-%1$s","total":620.75,"currency":"EUR"}}""".formatted(customer);

        client().postEvents(order).expectStatus(202);
        client().postEvents(order).expectStatus(202); // the same messageId redelivered
        client().postEvents(order.replace("\"order-" + customer, "\"order-again-" + customer)).expectStatus(202);
        awaitSettled(customer);

        JsonNode loyalty = client().get("/api/v1/customers/" + customer + "/loyalty").expectStatus(200).json();
        assertThat(loyalty.path("balance").asInt()).isEqualTo(620);
        assertThat(loyalty.path("tier").asText()).isEqualTo("Silver");
        assertThat(loyalty.path("nextTier").asText()).isEqualTo("Gold");
        assertThat(loyalty.path("pointsToNextTier").asLong()).isEqualTo(1380);
        assertThat(loyalty.path("windowSpend").path("EUR").decimalValue()).isEqualByComparingTo("620.75");
        JsonNode earned = client().get("/api/v1/customers/" + customer + "/loyalty/points").expectStatus(200).json();
        assertThat(earned.path("total").asLong()).isEqualTo(1);
        assertThat(earned.path("points").get(0).path("kind").asText()).isEqualTo("EARNED_ORDER");
        assertThat(earned.path("points").get(0).path("causeId").asText()).isEqualTo("o-" + customer);
        assertThat(earned.path("points").get(0).path("messageId").asText()).isEqualTo("order-" + customer);

        // The upgrade: recorded once, and recording or posting it again starts nothing more.
        List<String> upgrades = events(customer, "loyalty_tier_upgraded");
        assertThat(upgrades).singleElement().asString().startsWith("loyalty-tier:" + customer + ":Silver:");
        assertThat(observedEvents.record(new IncomingEvent(upgrades.get(0), "loyalty_tier_upgraded", customer, null,
                java.util.Map.of("fromTier", "Member", "toTier", "Silver")))).isFalse();
        client().postEvents("""
                {"messageId":"%s","type":"loyalty_tier_upgraded","customerId":"%s","properties":{"toTier":"Silver"}}"""
                .formatted(upgrades.get(0), customer)).expectStatus(202);
        awaitSettled(customer);
        assertThat(history.createHistoricProcessInstanceQuery().processDefinitionKey("tier-upgrade")
                .processInstanceBusinessKey(customer).count()).isEqualTo(1);
        await().atMost(PATIENCE).until(() -> jdbc.sql(
                "select count(*) from sf_outbox where customer_id = ? and template_key = 'tier-upgrade'")
                .param(customer).query(Long.class).single() == 1);
        assertThat(jdbc.sql("select count(*) from sf_loyalty_tier_change where customer_id = ?").param(customer)
                .query(Long.class).single()).isEqualTo(1);

        // The refund takes the points back, once, and the customer down to Member.
        String refund = """
                {"messageId":"refund-%1$s","type":"order_refunded","customerId":"%1$s",
                 "properties":{"orderId":"o-%1$s"}}""".formatted(customer);
        client().postEvents(refund).expectStatus(202);
        client().postEvents(refund.replace("\"refund-" + customer, "\"refund-again-" + customer)).expectStatus(202);
        awaitSettled(customer);

        JsonNode after = client().get("/api/v1/customers/" + customer + "/loyalty").expectStatus(200).json();
        assertThat(after.path("balance").asInt()).isZero();
        assertThat(after.path("tier").asText()).isEqualTo("Member");
        JsonNode page = client().get("/api/v1/customers/" + customer + "/loyalty/points").json();
        assertThat(page.path("total").asLong()).isEqualTo(2);
        assertThat(page.path("points").get(0).path("kind").asText()).isEqualTo("REFUNDED_ORDER");
        assertThat(page.path("points").get(0).path("points").asInt()).isEqualTo(-620);
        assertThat(events(customer, "loyalty_tier_downgraded")).hasSize(1);
        assertThat(this.history.createHistoricProcessInstanceQuery().processDefinitionKey("tier-upgrade")
                .processInstanceBusinessKey(customer).count()).as("a downgrade starts no upgrade").isEqualTo(1);
    }

    @Test
    void aRedemptionIsMadeOnceAndRefusedWhenTheBalanceIsTooLow() {
        String customer = "loyal-redeem-" + run;
        client().putCustomer(customer, "{\"email\":\"" + customer + "@example.com\"}").expectStatus(201);
        client().postEvents("""
                {"messageId":"order-%1$s","type":"order_completed","customerId":"%1$s",
                 "properties":{"orderId":"o-%1$s","total":120,"currency":"EUR"}}""".formatted(customer))
                .expectStatus(202);
        awaitSettled(customer);
        String path = "/api/v1/customers/" + customer + "/loyalty/redemptions";
        String body = "{\"points\":100,\"reason\":\"€5 voucher\",\"idempotencyKey\":\"checkout-1\"}";

        JsonNode first = client().post(path, body).expectStatus(201).json();
        JsonNode retried = client().post(path, body).expectStatus(200).json();

        assertThat(first.path("balance").asInt()).isEqualTo(20);
        assertThat(first.path("entry").path("kind").asText()).isEqualTo("REDEEMED");
        assertThat(retried.path("replayed").asBoolean()).isTrue();
        assertThat(retried.path("entry").path("id").asLong()).isEqualTo(first.path("entry").path("id").asLong());
        assertThat(retried.path("balance").asInt()).isEqualTo(20);

        var tooMany = client().post(path, "{\"points\":21,\"reason\":\"voucher\",\"idempotencyKey\":\"checkout-2\"}");
        assertThat(tooMany.status()).isEqualTo(422);
        assertThat(tooMany.contentType()).startsWith("application/problem+json");
        assertThat(tooMany.json().path("errors").get(0).path("field").asText()).isEqualTo("points");
        assertThat(tooMany.json().path("balance").asInt()).isEqualTo(20);

        var reused = client().post(path, "{\"points\":5,\"reason\":\"voucher\",\"idempotencyKey\":\"checkout-1\"}");
        assertThat(reused.status()).isEqualTo(409);
        assertThat(reused.json().path("errors").get(0).path("field").asText()).isEqualTo("idempotencyKey");

        var invalid = client().post(path, "{\"points\":-3}");
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.contentType()).startsWith("application/problem+json");
        assertThat(invalid.json().path("errors").findValuesAsText("field"))
                .containsExactly("points", "reason", "idempotencyKey");
        assertThat(client().post("/api/v1/customers/no-such-" + run + "/loyalty/redemptions", body).status())
                .isEqualTo(404);
        assertThat(client().get("/api/v1/customers/" + customer + "/loyalty/points?size=0").status()).isEqualTo(400);

        JsonNode adjusted = client().post("/api/v1/customers/" + customer + "/loyalty/adjustments",
                "{\"points\":-50,\"reason\":\"duplicate account\",\"idempotencyKey\":\"support-1\"}")
                .expectStatus(201).json();
        assertThat(adjusted.path("balance").asInt()).as("never below zero").isZero();
        assertThat(adjusted.path("entry").path("points").asInt()).isEqualTo(-20);
        assertThat(adjusted.path("entry").path("requestedPoints").asInt()).isEqualTo(50);
    }

    private List<String> events(String customer, String type) {
        return jdbc.sql("select message_id from sf_event where customer_id = ? and type = ? order by id")
                .params(customer, type).query(String.class).list();
    }
}
