package io.stageflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.UUID;

import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.MimeParts;

import org.junit.jupiter.api.Test;

/**
 * The abandoned-cart journey runs once per cart: two open carts are two instances, an order for one ends only
 * its own, and the other cart's reminder still goes out an hour later, once, over real SMTP, showing the cart's two
 * products with their catalogue names, prices and images, its product and cart links tracked.
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

        // The order emptied the customer's cart; cart B is filled again (its journey runs on, once-active).
        String shoe = "shoe-" + id;
        String socks = "socks-" + id;
        client().put("/api/v1/products/" + shoe, product("Trail <Runner>", "89.9", shoe)).expectStatus(201);
        client().put("/api/v1/products/" + socks, product("Merino Socks", "12.5", socks)).expectStatus(201);
        client().postEvents(("{\"messageId\":\"cart-b-items-%1$s\",\"type\":\"cart_updated\",\"customerId\":"
                + "\"%1$s\",\"properties\":{\"cartId\":\"B\",\"currency\":\"EUR\",\"products\":["
                + "{\"product_id\":\"%2$s\",\"name\":\"Old name\",\"price\":80,\"quantity\":1},"
                + "{\"product_id\":\"%3$s\",\"price\":12.5,\"quantity\":2}]}}").formatted(id, shoe, socks))
                .expectStatus(202);
        awaitSettled(id);
        assertThat(running(id, "B")).as("still one journey for cart B").isEqualTo(1);

        advanceClock(Duration.ofHours(1).plusMinutes(1));
        awaitMail(email, 1);
        awaitSettled(id);

        assertThat(jdbc.sql("select template_key from sf_outbox where customer_id = ? and journey_key = 'abandoned-cart'")
                .param(id).query(String.class).list()).containsExactly("cart-reminder");
        assertThat(mailTo(email)).hasSize(1);

        MimeParts reminder = MimeParts.of(mailTo(email).get(0));
        assertThat(reminder.html())
                .contains("Trail &lt;Runner&gt;", "Merino Socks", "1 &times; €89.90", "2 &times; €12.50",
                        "Total: €114.90")
                .contains("src=\"https://cdn.shop.example/" + shoe + ".jpg\"",
                        "src=\"https://cdn.shop.example/" + socks + ".jpg\"")
                .as("product and cart links go through click tracking")
                .doesNotContain("href=\"https://shop.example/" + shoe, "href=\"https://shop.example.com\" target")
                .contains("/c/");
        assertThat(reminder.text()).contains("- 1 x Trail <Runner>, €89.90", "- 2 x Merino Socks, €12.50",
                "Back to your cart: ");
    }

    private static String product(String name, String price, String id) {
        return """
                {"name": "%s", "price": %s, "currency": "EUR", "url": "https://shop.example/%s",
                 "imageUrl": "https://cdn.shop.example/%s.jpg", "inStock": true}""".formatted(name, price, id, id);
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
