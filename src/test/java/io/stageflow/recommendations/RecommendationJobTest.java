package io.stageflow.recommendations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import io.stageflow.customers.Customer;
import io.stageflow.orders.Orders;
import io.stageflow.testing.IntegrationTest;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The recommendation job on the real database, started through the jobs API: it stores, for each product, the
 * products bought (and, weighted lower, viewed) by the same customers, by cosine, above the minimum support; the
 * best-sellers per category prefix and overall; and each run publishes a new generation, keeping the latest two.
 * Emails show the stored lists, and a product changed through the API is shown as changed at once.
 */
class RecommendationJobTest extends IntegrationTest {

    @Autowired
    Orders orders;

    @Autowired
    RecommendationTemplateExtras extras;

    @Test
    void storesCoOccurrenceListsAndBestsellersUnderANewGenerationEachRun() {
        String p = "rj" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS).minus(10, ChronoUnit.DAYS);
        ShopData shop = new ShopData(jdbc);
        shop.product(p + "-shoe", "Shoe", p + " Shoes > Running", "89.90", true)
                .product(p + "-lace", "Laces", p + " Shoes > Accessories", "4.90", true)
                .product(p + "-sock", "Socks", p + " Socks", "12.50", true);
        for (int i = 0; i < 3; i++) {
            shop.order(p + "-c" + i, p + "-o" + i, at.plusSeconds(i), p + "-shoe", p + "-sock");
        }
        shop.order(p + "-c3", p + "-o3", at, p + "-shoe", p + "-lace")
                .order(p + "-c4", p + "-o4", at, p + "-hat"); // a product the catalogue does not have
        for (int i = 5; i < 9; i++) {
            shop.view(p + "-c" + i, p + "-shoe", at).view(p + "-c" + i, p + "-lace", at.plusSeconds(1));
        }
        shop.store();

        JsonNode first = run();

        assertThat(first.path("read").asLong()).as("customers read").isGreaterThanOrEqualTo(9);
        int generation = latestGeneration();
        // shoe: 4 bought + 4 views x 0.25 = 5; sock: 3; laces: 1 + 1 = 2. Shoe and socks 3 together, shoe and
        // laces 1 + 4 x 0.25 = 2 (the minimum support); socks and laces never.
        List<Stored> shoe = stored(generation, p + "-shoe");
        assertThat(shoe).extracting(Stored::id).containsExactly(p + "-sock", p + "-lace");
        assertThat(shoe.get(0).score()).isCloseTo(3 / Math.sqrt(5 * 3), within(1e-9));
        assertThat(shoe.get(1).score()).isCloseTo(2 / Math.sqrt(5 * 2), within(1e-9));
        assertThat(stored(generation, p + "-lace")).extracting(Stored::id).containsExactly(p + "-shoe");
        assertThat(stored(generation, p + "-hat")).isEmpty();
        assertThat(bestsellers(generation, p + " Shoes")).containsExactly(p + "-shoe", p + "-lace");
        assertThat(bestsellers(generation, p + " Shoes > Running")).containsExactly(p + "-shoe");
        assertThat(bestsellers(generation, p + " Socks")).containsExactly(p + "-sock");
        // Overall: other tests' shops share the database and may outsell this one, so only what holds regardless.
        List<String> overall = bestsellers(generation, "");
        assertThat(overall).as("overall: catalogue products only").isNotEmpty().doesNotContain(p + "-hat")
                .allSatisfy(id -> assertThat(jdbc.sql("select count(*) from sf_product where id = ?").param(id)
                        .query(Long.class).single()).as(id + " is in the catalogue").isEqualTo(1L));

        Customer laceBuyer = new Customer(p + "-c3", p + "-c3@example.com", null, "en", "UTC", Map.of(), true, null,
                null);
        assertThat(firstPick(laceBuyer)).as("bought shoe and laces: the socks bought with shoes")
                .isEqualTo(p + "-sock");
        client().put("/api/v1/products/" + p + "-sock", """
                {"name": "Socks", "categoryPath": "%s Socks", "price": 12.50, "currency": "EUR", "inStock": false}"""
                .formatted(p)).expectStatus(200);
        assertThat(firstPick(laceBuyer)).as("out of stock now: the change made on this node is seen at once, though"
                + " the catalogue row was kept in memory").isNotEqualTo(p + "-sock");

        run();
        run();

        assertThat(latestGeneration()).isEqualTo(generation + 2);
        assertThat(jdbc.sql("select distinct generation from sf_recommendation order by generation")
                .query(Integer.class).list()).as("the latest two are kept").containsExactly(generation + 1,
                        generation + 2);
        assertThat(stored(generation + 2, p + "-shoe")).isEqualTo(shoe);
    }

    @Test
    void historiesComeAPageAtATimeInCustomerOrderWithoutSplittingACustomer() {
        String p = "rh" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS).minus(10, ChronoUnit.DAYS);
        new ShopData(jdbc)
                .order(p + "-a", p + "-o1", at, p + "-x", p + "-y")
                .order(p + "-a", p + "-o2", at.plusSeconds(60), p + "-z")
                .view(p + "-a", p + "-v", at)
                .view(p + "-b", p + "-v", at).view(p + "-b", p + "-w", at.plusSeconds(5))
                .order(p + "-c", p + "-o3", at, p + "-x")
                .store();
        jdbc.sql("update sf_order_line set refunded_at = ordered_at where order_id = ? and line_number = 2")
                .param(p + "-o1").update();

        List<Orders.History> mine = new ArrayList<>();
        int pages = 0;
        String after = p;
        while (after != null && after.startsWith(p)) {
            Orders.HistoryPage page = orders.histories(after, 2);
            page.customers().stream().filter(history -> history.customerId().startsWith(p)).forEach(mine::add);
            after = page.last();
            pages++;
        }

        assertThat(pages).isGreaterThan(1);
        assertThat(mine).extracting(Orders.History::customerId).containsExactly(p + "-a", p + "-b", p + "-c");
        assertThat(mine.get(0).bought()).as("latest first; the refunded line left out")
                .containsExactly(new Orders.Bought(p + "-z", 1), new Orders.Bought(p + "-x", 1));
        assertThat(mine.get(0).viewed()).containsExactly(p + "-v");
        assertThat(mine.get(1).bought()).isEmpty();
        assertThat(mine.get(1).viewed()).containsExactly(p + "-w", p + "-v");
        assertThat(orders.boughtProducts(List.of(p + "-a", p + "-b"))).as("refunded or not")
                .containsOnlyKeys(p + "-a").containsEntry(p + "-a", List.of(p + "-z", p + "-x", p + "-y"));
    }

    /** The first product {@code $recommendations.forCustomer(1)} shows the customer in an email. */
    private String firstPick(Customer customer) {
        Recommendations recommendations = (Recommendations) extras.forDeliveries(Map.of("key", customer)).get("key")
                .get(RecommendationTemplateExtras.NAME);
        List<Map<String, Object>> picks = recommendations.forCustomer(1);
        return picks.isEmpty() ? null : (String) picks.get(0).get("id");
    }

    private JsonNode run() {
        JsonNode started = client().post("/api/v1/jobs/recommendations").expectStatus(202).json();
        assertThat(started.path("job").asText()).isEqualTo(RecommendationJobConfiguration.JOB);
        long id = started.path("id").asLong();
        await().atMost(PATIENCE).until(() -> Set.of("COMPLETED", "FAILED")
                .contains(client().get("/api/v1/jobs/" + id).expectStatus(200).json().path("status").asText()));
        JsonNode done = client().get("/api/v1/jobs/" + id).expectStatus(200).json();
        assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("COMPLETED");
        return done;
    }

    private int latestGeneration() {
        return jdbc.sql("select max(generation) from sf_recommendation_run").query(Integer.class).single();
    }

    private List<Stored> stored(int generation, String productId) {
        return jdbc.sql("select recommended_id, score from sf_recommendation where generation = ? and product_id = ?"
                        + " order by place")
                .params(generation, productId).query((rs, n) -> new Stored(rs.getString(1), rs.getDouble(2))).list();
    }

    private List<String> bestsellers(int generation, String category) {
        return jdbc.sql("select product_id from sf_bestseller where generation = ? and category = ? order by place")
                .params(generation, category).query(String.class).list();
    }

    private record Stored(String id, double score) {
    }
}
