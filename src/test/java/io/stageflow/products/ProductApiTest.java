package io.stageflow.products;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import io.stageflow.security.Roles;
import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.StageflowClient;
import io.stageflow.testing.StageflowClient.Response;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.PayloadApplicationEvent;
import org.springframework.context.event.ApplicationEventMulticaster;

/**
 * The catalogue over {@code /api/v1/products}: an upsert creates, replaces and is idempotent; bad input is answered
 * as problem+json naming each field; pages and category prefixes; deletes; who may do what; and the
 * {@link Products} other features read.
 */
class ProductApiTest extends IntegrationTest {

    private static final String PASSWORD = "Catalogue-pass-42";

    @Autowired
    Products products;

    @Autowired
    ApplicationContext context;

    @Test
    void anUpsertCreatesThenReplacesAndTheSameProductTwiceChangesNothing() {
        String id = id();
        Response created = client().put(path(id), product("Trail Runner", "Shoes > Running", "59.9", "eur", true));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode stored = created.json();
        assertThat(stored.path("id").asText()).isEqualTo(id);
        assertThat(stored.path("price").decimalValue()).isEqualByComparingTo("59.90");
        assertThat(created.body()).as("two decimals, as every amount").contains("\"price\":59.90");
        assertThat(stored.path("currency").asText()).as("stored in capitals").isEqualTo("EUR");
        assertThat(stored.path("inStock").asBoolean()).isTrue();

        Response again = client().put(path(id), product("Trail Runner", " Shoes>Running ", "59.90", "EUR", true));
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().path("updatedAt").asText()).as("unchanged, so not written")
                .isEqualTo(stored.path("updatedAt").asText());
        assertThat(again.json().path("categoryPath").asText()).isEqualTo("Shoes > Running");

        client().put(path(id), """
                {"sku": "TR-2", "name": "Trail Runner 2", "categoryPath": "Shoes > Trail", "price": 64.5,
                 "currency": "USD", "inStock": false}""").expectStatus(200);
        JsonNode read = client().get(path(id)).expectStatus(200).json();
        assertThat(read.path("sku").asText()).isEqualTo("TR-2");
        assertThat(read.path("name").asText()).isEqualTo("Trail Runner 2");
        assertThat(read.path("categoryPath").asText()).isEqualTo("Shoes > Trail");
        assertThat(read.path("price").decimalValue()).isEqualByComparingTo("64.5");
        assertThat(read.path("currency").asText()).isEqualTo("USD");
        assertThat(read.path("inStock").asBoolean()).isFalse();
        assertThat(read.has("url")).as("a whole product replaces the stored one").isFalse();
        assertThat(read.path("createdAt").asText()).isEqualTo(stored.path("createdAt").asText());

        ProductView view = products.find(id).orElseThrow();
        assertThat(view.name()).isEqualTo("Trail Runner 2");
        assertThat(products.findAll(List.of(id, "no-such-product"))).containsOnlyKeys(id);
        client().get(path("no-such-product")).expectStatus(404);
    }

    @Test
    void badProductsAreRefusedNamingEachField() {
        Response bad = client().put(path(id()), """
                {"sku": "S", "name": " ", "categoryPath": "Shoes > ", "price": 19.999, "currency": "EURO",
                 "url": "javascript:alert(1)", "imageUrl": "/relative.png"}""");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.contentType()).startsWith("application/problem+json");
        assertThat(fields(bad)).containsExactlyInAnyOrder("name", "categoryPath", "price", "currency", "url",
                "imageUrl", "inStock");

        assertThat(fields(client().put(path(id()), product("N", null, "-1", "EUR", true)))).containsExactly("price");
        assertThat(fields(client().put(path(id()), product("N", null, "1000000000000", "EUR", true))))
                .containsExactly("price");
        assertThat(fields(client().put(path(id()), product("N", null, "1", "XYZ", true)))).containsExactly("currency");
        assertThat(fields(client().put(path("bad!id"), product("N", null, "1", "EUR", true)))).containsExactly("id");
        assertThat(fields(client().put(path(id()), "{\"name\": \"N\", \"price\": \"cheap\", \"currency\": \"EUR\","
                + " \"inStock\": true}"))).containsExactly("price");
        assertThat(fields(client().put(path(id()), "{\"name\": \"N\", \"price\": 1, \"currency\": \"EUR\","
                + " \"inStock\": true, \"colour\": \"red\"}"))).containsExactly("colour");
        for (String url : List.of("data:text/html,hi", "http://", "https://user@shop.example/x", "ftp://shop.example/x",
                "https://shop.example/a b", "https://shop.example/\"onmouseover=x")) {
            assertThat(fields(client().put(path(id()), """
                    {"name": "N", "price": 1, "currency": "EUR", "inStock": true, "url": "%s"}"""
                    .formatted(url.replace("\"", "\\\""))))).as(url).containsExactly("url");
        }
        String longName = "x".repeat(ProductRules.MAX_NAME + 1);
        assertThat(fields(client().put(path(id()), product(longName, null, "1", "EUR", true))))
                .containsExactly("name");
        client().put(path(id()), product("N", null, "0", "EUR", true)).expectStatus(201);
    }

    @Test
    void aCategoryPrefixTakesItsCategoryAndThoseBelowPageByPage() {
        String category = "Cat" + UUID.randomUUID().toString().substring(0, 8);
        List<String> ids = new ArrayList<>();
        for (String path : List.of(category, category + " > Running", category + " > Running > Kids",
                category + "strings", "Other > " + category)) {
            String id = id();
            client().put(path(id), product("P", path, "10", "EUR", true)).expectStatus(201);
            ids.add(id);
        }

        JsonNode first = client().get("/api/v1/products?limit=2&category=" + category).expectStatus(200).json();
        assertThat(first.path("products")).hasSize(2);
        JsonNode second = client().get("/api/v1/products?limit=2&category=" + category + "&after="
                + first.path("nextAfter").asText()).expectStatus(200).json();
        List<String> found = new ArrayList<>();
        first.path("products").forEach(p -> found.add(p.path("id").asText()));
        second.path("products").forEach(p -> found.add(p.path("id").asText()));
        assertThat(found).containsExactlyElementsOf(ids.subList(0, 3).stream().sorted().toList());
        assertThat(second.has("nextAfter")).as("the last page").isFalse();

        JsonNode running = client().get("/api/v1/products?category=" + (category + ">Running").replace(">", "%3E"))
                .expectStatus(200).json();
        assertThat(running.path("products")).hasSize(2);

        assertThat(fields(client().get("/api/v1/products?limit=0"))).containsExactly("limit");
        assertThat(fields(client().get("/api/v1/products?category=%3E"))).containsExactly("category");
    }

    @Test
    void creatingChangingAndDeletingAProductTellTheFeaturesThatKeepItInMemory() {
        String id = id();
        List<ProductsChanged> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        ApplicationListener<PayloadApplicationEvent<ProductsChanged>> listener = event -> heard.add(event.getPayload());
        ApplicationEventMulticaster multicaster = context.getBean(ApplicationEventMulticaster.class);
        multicaster.addApplicationListener(listener);
        try {
            client().put(path(id), product("P", null, "1", "EUR", true)).expectStatus(201);
            client().put(path(id), product("P", null, "1", "EUR", true)).expectStatus(200);
            client().put(path(id), product("P", null, "1", "EUR", false)).expectStatus(200);
            client().delete(path(id)).expectStatus(204);
        } finally {
            multicaster.removeApplicationListener(listener);
        }
        assertThat(heard).as("created, out of stock, deleted; the unchanged upsert is no change")
                .extracting(ProductsChanged::ids).containsExactly(Set.of(id), Set.of(id), Set.of(id));
    }

    @Test
    void aDeletedProductIsGone() {
        String id = id();
        client().put(path(id), product("P", null, "1", "EUR", true)).expectStatus(201);
        client().delete(path(id)).expectStatus(204);
        client().get(path(id)).expectStatus(404);
        client().delete(path(id)).expectStatus(404);
    }

    @Test
    void marketersWriteTheCatalogueOperatorsReadItAndNobodyElse() {
        String id = id();
        StageflowClient marketer = client(newUser(Roles.MARKETER, PASSWORD), PASSWORD);
        StageflowClient operator = client(newUser(Roles.OPERATOR, PASSWORD), PASSWORD);
        StageflowClient approver = client(newUser(Roles.APPROVER, PASSWORD), PASSWORD);
        String body = product("P", null, "1", "EUR", true);

        assertThat(client(null, null).put(path(id), body).status()).isEqualTo(401);
        assertThat(operator.put(path(id), body).status()).isEqualTo(403);
        assertThat(approver.put(path(id), body).status()).isEqualTo(403);
        assertThat(marketer.put(path(id), body).status()).isEqualTo(201);
        assertThat(operator.get(path(id)).status()).isEqualTo(200);
        assertThat(approver.get(path(id)).status()).isEqualTo(403);
        assertThat(client(null, null).get("/api/v1/products").status()).isEqualTo(401);
        assertThat(operator.delete(path(id)).status()).isEqualTo(403);
        assertThat(marketer.delete(path(id)).status()).isEqualTo(204);
    }

    static String id() {
        return "prod-" + UUID.randomUUID().toString().substring(0, 13);
    }

    private static String path(String id) {
        return "/api/v1/products/" + id;
    }

    private static String product(String name, String categoryPath, String price, String currency, boolean inStock) {
        return """
                {"sku": "SKU-1", "name": "%s", "categoryPath": %s, "price": %s, "currency": "%s",
                 "url": "https://shop.example/p/1", "imageUrl": "https://cdn.shop.example/p/1.jpg", "inStock": %s}"""
                .formatted(name, categoryPath == null ? "null" : "\"" + categoryPath + "\"", price, currency, inStock);
    }

    private static List<String> fields(Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        List<String> fields = new ArrayList<>();
        response.json().path("errors").forEach(error -> fields.add(error.path("field").asText()));
        return fields;
    }
}
