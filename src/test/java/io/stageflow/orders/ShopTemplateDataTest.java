package io.stageflow.orders;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.StageflowClient;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The batched reads behind {@code $cart} and {@code $order} on the real database (the latest order of each customer,
 * by time and then by when it was stored; each customer's cart), and previews of the cart templates for real
 * customers: their own cart, or none.
 */
class ShopTemplateDataTest extends IntegrationTest {

    @Autowired
    Orders orders;

    private StageflowClient client;
    private String run;

    @BeforeEach
    void newRun() {
        client = client();
        run = UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void manyCustomersCartsAndLatestOrdersAreReadAsOneByOne() {
        String ada = "ada-" + run;
        String bob = "bob-" + run;
        String cleo = "cleo-" + run;
        for (String customer : List.of(ada, bob, cleo)) {
            client.putCustomer(customer, "{\"firstName\":\"No address\"}").expectStatus(201);
        }
        order(ada, "o1-" + run, "2026-03-01T10:00:00Z", "p-1");
        order(ada, "o2-" + run, "2026-03-02T10:00:00Z", "p-2");
        order(ada, "o0-" + run, "2026-02-01T10:00:00Z", "p-3");
        order(bob, "o3-" + run, "2026-03-05T10:00:00Z", "p-1");
        order(bob, "o4-" + run, "2026-03-05T10:00:00Z", "p-4"); // the same moment: the one stored last
        cart(ada, "p-5", "p-6");
        cart(cleo, "p-7");

        List<String> customers = List.of(ada, bob, cleo, "nobody-" + run);
        Map<String, Orders.OrderView> latest = orders.latestOrders(customers);
        Map<String, Orders.CartView> carts = orders.carts(customers);

        assertThat(latest).containsOnlyKeys(ada, bob);
        assertThat(latest.get(ada).orderId()).isEqualTo("o2-" + run);
        assertThat(latest.get(bob).orderId()).isEqualTo("o4-" + run);
        for (String customer : customers) {
            assertThat(latest.get(customer)).as(customer).isEqualTo(orders.latestOrder(customer).orElse(null));
            assertThat(carts.get(customer)).as(customer).isEqualTo(orders.cart(customer));
        }
        assertThat(carts.get(ada).lines()).extracting(Orders.Line::productId).containsExactly("p-5", "p-6");
        assertThat(carts.get(bob).isEmpty()).isTrue();
    }

    @Test
    void aPreviewOfTheCartReminderShowsTheCustomersOwnCartOrCopesWithNone() {
        String withCart = "cart-" + run;
        String without = "empty-" + run;
        client.putCustomer(withCart, "{\"email\":\"" + withCart + "@example.com\"}").expectStatus(201);
        client.putCustomer(without, "{\"email\":\"" + without + "@example.com\"}").expectStatus(201);
        client.put("/api/v1/products/p-5-" + run, """
                {"name": "Catalogue <Mug>", "price": 9.5, "currency": "EUR", "imageUrl": "https://cdn.example.com/m.jpg",
                 "inStock": true}""").expectStatus(201);
        client.postEvents(("{\"messageId\":\"prev-%1$s\",\"type\":\"cart_viewed\",\"customerId\":\"%2$s\","
                + "\"properties\":{\"currency\":\"EUR\",\"products\":[{\"product_id\":\"p-5-%1$s\",\"price\":9.5,"
                + "\"quantity\":2}]}}").formatted(run, withCart)).expectStatus(202);

        JsonNode full = preview("cart-reminder", "{\"customerId\":\"" + withCart + "\"}");
        JsonNode empty = preview("cart-reminder", "{\"customerId\":\"" + without + "\"}");
        JsonNode sample = preview("cart-offer", "{\"sampleTraits\":{}}");

        assertThat(full.path("html").asText()).contains("Catalogue &lt;Mug&gt;", "2 &times; €9.50",
                "src=\"https://cdn.example.com/m.jpg\"", "Total: €19.00");
        assertThat(empty.path("html").asText()).doesNotContain("<img", "Total:").contains("Back to your cart");
        assertThat(sample.path("html").asText()).as("sample traits: the sample cart")
                .contains("Trail running shoe", "Merino socks", "https://shop.example.com/images/merino-socks.jpg");
    }

    private JsonNode preview(String template, String json) {
        StageflowClient.Response response = client.send(HttpRequest.newBuilder(
                        client.uri("/api/v1/templates/" + template + "/preview"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)), true);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json();
    }

    private void order(String customer, String orderId, String at, String productId) {
        client.postEvents(("{\"messageId\":\"%2$s\",\"type\":\"order_completed\",\"customerId\":\"%1$s\","
                + "\"timestamp\":\"%3$s\",\"properties\":{\"orderId\":\"%2$s\",\"currency\":\"EUR\",\"products\":["
                + "{\"product_id\":\"%4$s\",\"price\":10,\"quantity\":1}]}}")
                .formatted(customer, orderId, at, productId)).expectStatus(202);
    }

    private void cart(String customer, String... productIds) {
        StringBuilder products = new StringBuilder();
        for (String productId : productIds) {
            products.append(products.isEmpty() ? "" : ",").append("{\"product_id\":\"").append(productId)
                    .append("\",\"price\":3}");
        }
        client.postEvents(("{\"messageId\":\"cart-%1$s-%2$s\",\"type\":\"cart_viewed\",\"customerId\":\"%1$s\","
                + "\"properties\":{\"products\":[%3$s]}}").formatted(customer, run, products)).expectStatus(202);
    }
}
