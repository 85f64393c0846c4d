package io.stageflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.UUID;

import io.stageflow.testing.IntegrationTest;

import org.junit.jupiter.api.Test;

/**
 * The abandoned-cart journey runs once per cart: two open carts are two instances, an order for one ends only
 * its own, and the other cart's reminder still goes out an hour later, once.
 */
class AbandonedCartEndToEndTest extends IntegrationTest {

    @Test
    void twoCartsTwoJourneysAndAnOrderForCartAEndsOnlyCartA() {
        String id = "c-" + UUID.randomUUID().toString().substring(0, 12);
        String email = id + "@example.com";
        client().putCustomer(id, "{\"email\":\"" + email + "\",\"firstName\":\"Cleo\"}").expectStatus(201);

        post("cart-a-" + id, "cart_updated", id, "A");
        post("cart-b-" + id, "cart_updated", id, "B");
        post("cart-a-again-" + id, "cart_updated", id, "A");
        awaitSettled(id);
        assertThat(running(id, "A")).isEqualTo(1);
        assertThat(running(id, "B")).isEqualTo(1);

        long conversions = conversions();
        post("order-a-" + id, "order_completed", id, "A");
        awaitSettled(id);
        assertThat(running(id, "A")).as("the order for cart A ended its journey").isZero();
        // The order is the journey's goal ("Cart ordered", in an event subprocess): a conversion in the figures.
        assertThat(conversions()).as("abandoned-cart conversions").isEqualTo(conversions + 1);
        assertThat(running(id, "B")).as("cart B's journey goes on").isEqualTo(1);

        advanceClock(Duration.ofHours(1).plusMinutes(1));
        awaitMail(email, 1);
        awaitSettled(id);

        assertThat(jdbc.sql("select template_key from sf_outbox where customer_id = ? and journey_key = 'abandoned-cart'")
                .param(id).query(String.class).list()).containsExactly("cart-reminder");
        assertThat(mailTo(email)).hasSize(1);
    }

    private long conversions() {
        return jdbc.sql("select count(*) from sf_journey_conversion where journey_key = 'abandoned-cart'")
                .query(Long.class).single();
    }

    private long running(String customerId, String cartId) {
        return runtimeService.createProcessInstanceQuery().processDefinitionKey("abandoned-cart")
                .processInstanceBusinessKey(customerId).variableValueEquals("cartId", cartId).count();
    }

    private void post(String messageId, String type, String customerId, String cartId) {
        client().postEvents("{\"messageId\":\"" + messageId + "\",\"type\":\"" + type + "\",\"customerId\":\""
                + customerId + "\",\"properties\":{\"cartId\":\"" + cartId + "\"}}").expectStatus(202);
    }
}
