package io.stageflow.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.stageflow.testing.Browser;
import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.NodeProject;
import io.stageflow.testing.StageflowClient;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;

/**
 * The real client libraries against the running application: {@code @segment/analytics-node} and
 * {@code @rudderstack/rudder-sdk-node} with their default settings (RudderStack's: gzip bodies), run by Node, and
 * analytics.js ({@code @segment/analytics-next}'s browser bundle) in headless Chromium on a page served from another
 * origin, with a browser write key. The libraries are the exact versions {@code src/test/clients/package-lock.json}
 * pins, installed with {@code npm ci} under {@code target/clients} ({@link NodeProject}). Without Node the tests are skipped on a
 * developer's machine and fail under CI ({@code CI} set; {@code .ci/run} installs nodejs and npm).
 */
class ClientLibrariesTest extends IntegrationTest {

    @RegisterExtension
    static final Browser BROWSER = new Browser();

    private static NodeProject clients;
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void installTheLibraries() throws Exception {
        clients = NodeProject.install("clients");
    }

    @AfterAll
    static void closeBrowser() {
        BROWSER.close();
    }

    @Test
    void analyticsNodeDeliversIdentifyGroupTrackWithProductsAndPage() throws Exception {
        StageflowClient client = client();
        String userId = "an-" + UUID.randomUUID().toString().substring(0, 12);

        NodeProject.Result node = clients.node(Duration.ofSeconds(90), "segment-node.js", baseUrl(),
                client.newWriteKey("analytics-node"), userId);

        assertThat(node.exitCode()).as(node.output()).isZero();
        assertThat(node.output()).contains("segment-node: sent");
        JsonNode customer = client.get("/api/v1/customers/" + userId).expectStatus(200).json();
        assertThat(customer.path("email").asText()).isEqualTo(userId + "@example.com");
        assertThat(customer.path("firstName").asText()).isEqualTo("Node");
        assertThat(customer.path("traits").path("plan").asText()).isEqualTo("pro");
        assertThat(customer.path("traits").path("groupId").asText()).isEqualTo("acme-" + userId);
        assertThat(customer.path("traits").path("group").path("employees").asInt()).isEqualTo(120);
        JsonNode order = client.get("/api/v1/events/segment-node-order-" + userId).expectStatus(200).json();
        assertThat(order.path("type").asText()).isEqualTo("order_completed");
        assertThat(Duration.between(Instant.parse(order.path("timestamp").asText()), Instant.now()).abs())
                .isLessThan(Duration.ofMinutes(2));
        JsonNode products = properties("segment-node-order-" + userId).path("products");
        assertThat(products).hasSize(2);
        assertThat(products.get(1).path("sku").asText()).isEqualTo("TEA-2");
        assertThat(products.get(1).path("quantity").asInt()).isEqualTo(2);
        assertThat(storedTypes(userId)).contains("order_completed", "page_viewed");
    }

    @Test
    void rudderStackNodeWithItsDefaultsDeliversGzipBatches() throws Exception {
        StageflowClient client = client();
        String userId = "rn-" + UUID.randomUUID().toString().substring(0, 12);

        NodeProject.Result node = clients.node(Duration.ofSeconds(90), "rudder-node.js", baseUrl(),
                client.newWriteKey("rudder-node"), userId);

        assertThat(node.exitCode()).as(node.output()).isZero();
        assertThat(node.output()).contains("rudder-node: gzip true, path /v1/batch").contains("rudder-node: sent");
        JsonNode customer = client.get("/api/v1/customers/" + userId).expectStatus(200).json();
        assertThat(customer.path("email").asText()).isEqualTo(userId + "@example.com");
        assertThat(customer.path("traits").path("groupId").asText()).isEqualTo("rudder-group-" + userId);
        JsonNode added = client.get("/api/v1/events/rudder-node-added-" + userId).expectStatus(200).json();
        assertThat(added.path("type").asText()).isEqualTo("product_added");
        assertThat(Duration.between(Instant.parse(added.path("timestamp").asText()), Instant.now()).abs())
                .as("its originalTimestamp, corrected by sentAt").isLessThan(Duration.ofMinutes(2));
        assertThat(properties("rudder-node-added-" + userId).path("sku").asText()).isEqualTo("SKU-9");
    }

    @Test
    void analyticsJsOnAPageOfAnotherOriginIdentifiesAndTracksWithABrowserKey() throws Exception {
        StageflowClient client = client();
        String userId = "aj-" + UUID.randomUUID().toString().substring(0, 12);
        String browserKey = client.send(HttpRequest.newBuilder(client.uri("/api/v1/write-keys"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"name\":\"analytics.js page\",\"kind\":\"browser\"}")), true)
                .expectStatus(201).json().path("key").asText();
        String serverKeyUser = "as-" + UUID.randomUUID().toString().substring(0, 12);
        Path bundles = clients.directory().resolve("node_modules/@segment/analytics-next/dist/umd");

        HttpServer shop = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        shop.createContext("/", exchange -> serve(exchange, page(browserKey, userId), bundles));
        String serverKey = client.newWriteKey("leaked into a page");
        shop.createContext("/with-a-server-key", exchange -> serve(exchange, page(serverKey, serverKeyUser), bundles));
        shop.start();
        try {
            BROWSER.driver().get("http://127.0.0.1:" + shop.getAddress().getPort() + "/");
            BROWSER.awaitText(By.id("status"), "sent");
            assertThat(deliveries()).as("the page read each answer: CORS for its origin and browser key")
                    .isEqualTo("i 200, t 200");

            await().atMost(PATIENCE).until(() -> storedTypes(userId).contains("product_viewed"));
            JsonNode customer = client.get("/api/v1/customers/" + userId).expectStatus(200).json();
            assertThat(customer.path("email").asText()).isEqualTo(userId + "@example.com");
            assertThat(customer.path("firstName").asText()).isEqualTo("Browser");
            assertThat(jdbc.sql("select properties from sf_event where customer_id = ? and type = 'product_viewed'")
                    .param(userId).query(String.class).single()).contains("SKU-7");

            // The same page with a server key: stored (the server cannot tell), but no page may read the answer.
            BROWSER.driver().get("http://127.0.0.1:" + shop.getAddress().getPort() + "/with-a-server-key");
            await().atMost(PATIENCE).until(() -> deliveries().startsWith("i blocked"));
        } finally {
            BROWSER.driver().get("about:blank"); // no retries from the server key's page after the test
            shop.stop(0);
        }
    }

    private String page(String writeKey, String userId) throws IOException {
        return Files.readString(clients.directory().resolve("analytics-js.html"))
                .replace("STAGEFLOW_WRITE_KEY", writeKey).replace("STAGEFLOW_USER_ID", userId)
                .replace("STAGEFLOW_HOST", baseUrl().replaceFirst("^http://", ""));
    }

    private static String deliveries() {
        return String.valueOf(((org.openqa.selenium.JavascriptExecutor) BROWSER.driver())
                .executeScript("return (window.deliveries || []).join(', ');"));
    }

    /** The page at {@code /}, analytics.js's bundles under {@code /analytics-next/bundles/}; nothing else. */
    private static void serve(HttpExchange exchange, String page, Path bundles) throws IOException {
        String path = exchange.getRequestURI().getPath();
        byte[] body;
        String type;
        if (path.equals("/") || path.equals("/with-a-server-key")) {
            body = page.getBytes(StandardCharsets.UTF_8);
            type = "text/html; charset=utf-8";
        } else if (path.startsWith("/analytics-next/bundles/") && path.endsWith(".js")
                && !path.contains("..") && Files.isRegularFile(bundles.resolve(path.substring(24)))) {
            body = Files.readAllBytes(bundles.resolve(path.substring(24)));
            type = "text/javascript";
        } else {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private JsonNode properties(String messageId) throws IOException {
        return JSON.readTree(jdbc.sql("select properties from sf_event where message_id = ?").param(messageId)
                .query(String.class).single());
    }

    private List<String> storedTypes(String customerId) {
        return jdbc.sql("select type from sf_event where customer_id = ?").param(customerId).query(String.class).list();
    }

}
