package io.stageflow.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import io.stageflow.orders.Orders.Line;
import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.StageflowClient;

import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Order lines, carts and product views from e-commerce events, through the events API and Segment's tracking API:
 * on disk when the API answers, once per messageId and per order, and gone with an erasure.
 */
class OrdersTest extends IntegrationTest {

    @Autowired
    Orders orders;

    @Autowired
    HistoryService history;

    private StageflowClient client;
    private String run;

    @BeforeEach
    void newRun() {
        client = client();
        run = UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void anOrderWithTwoProductsIsStoredLineByLineThroughEitherApiAndOnceOnly() {
        String nativeCustomer = customer("native");
        String order = """
                {"messageId":"order-%1$s","type":"order_completed","customerId":"%2$s","timestamp":"2026-03-01T10:00:00Z",
                 "properties":{"orderId":"o-%1$s","total":39.5,"currency":"eur","products":[
                   {"product_id":"p-1","sku":"SKU-1","name":"Mug","category":"Kitchen","price":12.25,"quantity":2},
                   {"product_id":"p-2","name":"Tea","price":"15.004"}]}}""".formatted(run, nativeCustomer);

        client.postEvents(order).expectStatus(202);

        Orders.OrderView stored = orders.order(nativeCustomer, "o-" + run).orElseThrow();
        assertThat(stored.lines()).containsExactly(
                new Line(1, "p-1", "SKU-1", "Mug", "Kitchen", new java.math.BigDecimal("12.25"), 2, "EUR", null),
                new Line(2, "p-2", null, "Tea", null, new java.math.BigDecimal("15.00"), 1, "EUR", null));
        assertThat(stored.total()).isEqualByComparingTo("39.50");
        assertThat(orders.latestOrder(nativeCustomer)).contains(stored);

        // The same messageId again, and the same order under a new messageId: nothing more.
        client.postEvents(order).expectStatus(202);
        client.postEvents(order.replace("\"order-" + run, "\"order-again-" + run)).expectStatus(202);
        assertThat(lines("o-" + run)).isEqualTo(2);

        String writeKey = client.newWriteKey("orders-" + run);
        String segmentCustomer = "seg-" + run;
        String segmentOrder = """
                {"type":"track","event":"Order Completed","userId":"%2$s","messageId":"seg-order-%1$s",
                 "properties":{"order_id":"so-%1$s","revenue":30,"currency":"USD","products":[
                   {"product_id":"p-1","sku":"SKU-1","name":"Mug","price":10,"quantity":1},
                   {"product_id":"p-3","name":"Spoon","price":20,"quantity":1}]}}""".formatted(run, segmentCustomer);

        client.postSegment("/v1/track", writeKey, segmentOrder).expectStatus(200);
        client.postSegment("/v1/track", writeKey, segmentOrder).expectStatus(200);

        Orders.OrderView segment = orders.latestOrder(segmentCustomer).orElseThrow();
        assertThat(segment.orderId()).as("Segment's order_id").isEqualTo("so-" + run);
        assertThat(segment.lines()).extracting(Line::productId).containsExactly("p-1", "p-3");
        assertThat(segment.currency()).isEqualTo("USD");
        assertThat(lines("so-" + run)).isEqualTo(2);
        assertThat(orders.order(nativeCustomer, "so-" + run)).as("another customer's order").isEmpty();
    }

    @Test
    void theCartIsAddedToTakenFromReplacedAndEmptiedByTheOrder() {
        String writeKey = client.newWriteKey("cart-" + run);
        String id = "cart-" + run;

        track(writeKey, id, 1, "Product Added", "{\"product_id\":\"p-1\",\"name\":\"Mug\",\"price\":12,\"quantity\":1}");
        track(writeKey, id, 2, "Product Added", "{\"product_id\":\"p-1\",\"price\":11,\"quantity\":2}");
        track(writeKey, id, 3, "Product Added", "{\"sku\":\"SKU-9\",\"name\":\"Tea\",\"price\":5}");
        assertThat(orders.cart(id).lines()).extracting(OrdersTest::key, Line::quantity, Line::price)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("p-1", 3, new java.math.BigDecimal("11.00")),
                        org.assertj.core.groups.Tuple.tuple("SKU-9", 1, new java.math.BigDecimal("5.00")));
        assertThat(orders.cart(id).lines().get(0).name()).as("kept from the first add").isEqualTo("Mug");

        track(writeKey, id, 4, "Product Removed", "{\"product_id\":\"p-1\",\"quantity\":1}");
        track(writeKey, id, 5, "Product Removed", "{\"sku\":\"SKU-9\"}");
        assertThat(orders.cart(id).lines()).extracting(OrdersTest::key, Line::quantity)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("p-1", 2));

        client.postEvents("""
                {"messageId":"checkout-%1$s","type":"checkout_started","customerId":"%2$s",
                 "properties":{"products":[{"product_id":"p-7","price":3,"quantity":4}]}}""".formatted(run, id))
                .expectStatus(202);
        Orders.CartView replaced = orders.cart(id);
        assertThat(replaced.lines()).extracting(OrdersTest::key, Line::quantity)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("p-7", 4));
        assertThat(replaced.total()).isEqualByComparingTo("12");
        assertThat(replaced.updatedAt()).isNotNull();

        track(writeKey, id, 6, "Order Completed", "{\"order_id\":\"cart-order-" + run + "\",\"products\":[]}");
        assertThat(orders.cart(id).isEmpty()).isTrue();
        assertThat(orders.cart(id).updatedAt()).isNull();
    }

    @Test
    void productViewsAreCountedPerDayARefundMarksTheLinesAndAnErasureRemovesItAll() {
        String writeKey = client.newWriteKey("views-" + run);
        String id = "views-" + run;
        track(writeKey, id, 1, "Product Viewed", "{\"product_id\":\"p-1\"}");
        track(writeKey, id, 2, "Product Viewed", "{\"product_id\":\"p-1\"}");
        track(writeKey, id, 3, "Product Viewed", "{\"product_id\":\"p-2\"}");
        track(writeKey, id, 4, "Product Added", "{\"product_id\":\"p-2\"}");
        track(writeKey, id, 5, "Order Completed", "{\"order_id\":\"r-" + run + "\",\"products\":["
                + "{\"product_id\":\"p-1\",\"price\":1},{\"product_id\":\"p-2\",\"price\":2}]}");
        track(writeKey, id, 6, "Product Added", "{\"product_id\":\"p-3\"}");

        assertThat(jdbc.sql("select views from sf_product_view where customer_id = ? order by product_id").param(id)
                .query(Integer.class).list()).as("one row per product and day").containsExactly(2, 1);

        track(writeKey, id, 7, "Order Refunded", "{\"order_id\":\"r-" + run + "\",\"products\":[{\"product_id\":\"p-2\"}]}");
        Orders.OrderView partly = orders.order(id, "r-" + run).orElseThrow();
        assertThat(partly.lines()).extracting(line -> line.refundedAt() != null).containsExactly(false, true);
        track(writeKey, id, 8, "Order Refunded", "{\"order_id\":\"r-" + run + "\"}");
        assertThat(orders.order(id, "r-" + run).orElseThrow().refunded()).isTrue();

        JsonNode export = client.get("/api/v1/customers/" + id + "/export").expectStatus(200).json()
                .path("ordersAndCart");
        assertThat(export.path("orders").get(0).path("lines")).hasSize(2);
        assertThat(export.path("cart").get(0).path("productId").asText()).isEqualTo("p-3");
        assertThat(export.path("productViews")).hasSize(2);

        client.delete("/api/v1/customers/" + id).expectStatus(204);
        for (String table : new String[] {"sf_order_line", "sf_cart_line", "sf_product_view"}) {
            assertThat(jdbc.sql("select count(*) from " + table + " where customer_id = ?").param(id)
                    .query(Long.class).single()).as(table).isZero();
        }
    }

    @Test
    void aVisitorsCartAndViewsFollowThemWhenAliasedToTheCustomer() {
        String writeKey = client.newWriteKey("alias-" + run);
        String anonymousId = "anon-" + run;
        String userId = "known-" + run;
        client.postSegment("/v1/track", writeKey, """
                {"event":"Product Added","anonymousId":"%s","messageId":"a1-%s","properties":{"product_id":"p-1"}}"""
                .formatted(anonymousId, run)).expectStatus(200);
        client.postSegment("/v1/track", writeKey, """
                {"event":"Product Viewed","anonymousId":"%s","messageId":"a2-%s","properties":{"product_id":"p-1"}}"""
                .formatted(anonymousId, run)).expectStatus(200);
        track(writeKey, userId, 1, "Product Viewed", "{\"product_id\":\"p-1\"}");

        client.postSegment("/v1/alias", writeKey, """
                {"previousId":"%s","userId":"%s","messageId":"alias-%s"}""".formatted(anonymousId, userId, run))
                .expectStatus(200);

        assertThat(orders.cart(userId).lines()).extracting(Line::productId).containsExactly("p-1");
        assertThat(jdbc.sql("select views from sf_product_view where customer_id = ?").param(userId)
                .query(Integer.class).list()).containsExactly(2);
        assertThat(jdbc.sql("select count(*) from sf_product_view where customer_id = ?")
                .param("anonymous:" + anonymousId).query(Long.class).single()).isZero();
    }

    @Test
    void stageflowsOrderCountWinsOverTheShopsWhichJourneysGetAsShopOrderCount() {
        String id = customer("count");
        client.postEvents("""
                {"messageId":"count-%1$s","type":"order_completed","customerId":"%2$s",
                 "properties":{"orderId":"count-%1$s","total":30,"orderCount":5}}""".formatted(run, id))
                .expectStatus(202);
        awaitSettled(id);

        HistoricProcessInstance loyalty = await().atMost(PATIENCE).until(() -> history
                .createHistoricProcessInstanceQuery().processInstanceBusinessKey(id)
                .processDefinitionKey("loyalty-milestone").singleResult(), instance -> instance != null);
        assertThat(loyalty.getEndActivityId()).as("the first order is no 5th").isEqualTo("NotAMilestone");
        assertThat(variable(loyalty, "orderCount")).isEqualTo(1);
        assertThat(((Number) variable(loyalty, "shopOrderCount")).intValue()).isEqualTo(5);
        assertThat(jdbc.sql("select properties from sf_event where message_id = ?").param("count-" + run)
                .query(String.class).single()).as("kept on the stored event").contains("\"orderCount\":5");
    }

    // --- helpers

    private String customer(String prefix) {
        String id = prefix + "-" + run;
        client.putCustomer(id, "{\"email\":\"" + id + "@example.com\"}").expectStatus(201);
        return id;
    }

    @Test
    void whatACustomerBoughtComesOnceEachLatestFirstAndTiesByProductId() {
        String buyer = customer("bought");
        String other = customer("other");
        String order = """
                {"messageId":"%1$s","type":"order_completed","customerId":"%2$s","timestamp":"%3$s",
                 "properties":{"orderId":"%1$s","currency":"EUR","products":[%4$s]}}""";
        client.postEvents(order.formatted("b1-" + run, buyer, "2026-03-01T10:00:00Z",
                "{\"product_id\":\"mug\"},{\"product_id\":\"tea\"}")).expectStatus(202);
        client.postEvents(order.formatted("b2-" + run, buyer, "2026-03-02T10:00:00Z",
                "{\"product_id\":\"spoon\"},{\"name\":\"Gift wrap\"}")).expectStatus(202);
        client.postEvents(order.formatted("b3-" + run, buyer, "2026-03-03T10:00:00Z",
                "{\"product_id\":\"tea\"}")).expectStatus(202);
        client.postEvents(order.formatted("b4-" + run, other, "2026-03-04T10:00:00Z",
                "{\"product_id\":\"kettle\"}")).expectStatus(202);

        // tea again on the 3rd: first, and once; spoon (2nd) before mug (1st); a line without a product is left out.
        assertThat(orders.boughtProducts(List.of(buyer, other, "nobody-" + run))).isEqualTo(Map.of(
                buyer, List.of("tea", "spoon", "mug"), other, List.of("kettle")));

        client.postEvents(order.formatted("b5-" + run, buyer, "2026-03-05T10:00:00Z",
                "{\"product_id\":\"zest\"},{\"product_id\":\"apron\"}")).expectStatus(202);
        assertThat(orders.boughtProducts(List.of(buyer)).get(buyer)).as("bought at the same time: by id")
                .containsExactly("apron", "zest", "tea", "spoon", "mug");
    }

    private void track(String writeKey, String userId, int n, String event, String properties) {
        StageflowClient.Response answer = client.postSegment("/v1/track", writeKey, """
                {"event":"%s","userId":"%s","messageId":"%s-%d-%s","properties":%s}"""
                .formatted(event, userId, userId, n, run, properties));
        answer.expectStatus(200);
        assertThat(answer.json().path("success").asBoolean()).as(answer.body()).isTrue();
    }

    private static String key(Line line) {
        return line.productId() != null ? line.productId() : line.sku();
    }

    private long lines(String orderId) {
        return jdbc.sql("select count(*) from sf_order_line where order_id = ?").param(orderId).query(Long.class)
                .single();
    }

    private Object variable(HistoricProcessInstance instance, String name) {
        return history.createHistoricVariableInstanceQuery().processInstanceId(instance.getId()).variableName(name)
                .singleResult().getValue();
    }
}
