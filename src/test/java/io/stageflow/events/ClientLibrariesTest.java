package io.stageflow.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.stageflow.testing.Browser;
import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.StageflowClient;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;

/**
 * The real client libraries against the running application: {@code @segment/analytics-node} and
 * {@code @rudderstack/rudder-sdk-node} with their default settings (RudderStack's: gzip bodies), run by Node, and
 * analytics.js ({@code @segment/analytics-next}'s browser bundle) in headless Chromium on a page served from another
 * origin, with a browser write key. The libraries are the exact versions {@code src/test/clients/package-lock.json}
 * pins, installed with {@code npm ci} under {@code target/clients}. Without Node the tests are skipped on a
 * developer's machine and fail under CI ({@code CI} set; {@code .ci/run} installs nodejs and npm).
 */
class ClientLibrariesTest extends IntegrationTest {

    @RegisterExtension
    static final Browser BROWSER = new Browser();

    private static final Path SOURCES = Path.of("src/test/clients");
    private static final Path CLIENTS = Path.of("target/clients");
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void installTheLibraries() throws Exception {
        boolean installed = run(Path.of("."), Duration.ofSeconds(30), "node", "--version").exitCode() == 0
                && run(Path.of("."), Duration.ofSeconds(30), "npm", "--version").exitCode() == 0;
        if (!installed && System.getenv("CI") != null) {
            throw new IllegalStateException("node and npm are not installed: .ci/run installs them with apt-get");
        }
        Assumptions.assumeTrue(installed, "node and npm are not installed: apt-get install nodejs npm");
        Files.createDirectories(CLIENTS);
        boolean sameLock = Files.exists(CLIENTS.resolve("node_modules"))
                && Files.exists(CLIENTS.resolve("package-lock.json"))
                && Files.mismatch(SOURCES.resolve("package-lock.json"), CLIENTS.resolve("package-lock.json")) == -1;
        try (Stream<Path> files = Files.list(SOURCES)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.copy(file, CLIENTS.resolve(file.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        if (!sameLock) {
            Result npm = run(CLIENTS, Duration.ofMinutes(5), "npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund");
            assertThat(npm.exitCode()).as("npm ci in %s: %s", CLIENTS, npm.output()).isZero();
        }
    }

    @AfterAll
    static void closeBrowser() {
        BROWSER.close();
    }

    @Test
    void analyticsNodeDeliversIdentifyGroupTrackWithProductsAndPage() throws Exception {
        StageflowClient client = client();
        String userId = "an-" + UUID.randomUUID().toString().substring(0, 12);

        Result node = run(CLIENTS, Duration.ofSeconds(90), "node", "segment-node.js", baseUrl(),
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

        Result node = run(CLIENTS, Duration.ofSeconds(90), "node", "rudder-node.js", baseUrl(),
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
        Path bundles = CLIENTS.resolve("node_modules/@segment/analytics-next/dist/umd");

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
        return Files.readString(CLIENTS.resolve("analytics-js.html"))
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

    private record Result(int exitCode, String output) {
    }

    private static Result run(Path directory, Duration patience, String... command) {
        List<String> line = new ArrayList<>(List.of(command));
        try {
            Process process = new ProcessBuilder(line).directory(directory.toFile()).redirectErrorStream(true).start();
            process.getOutputStream().close();
            StringBuilder output = new StringBuilder();
            Thread reader = new Thread(() -> {
                try {
                    output.append(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException e) {
                    output.append(e);
                }
            });
            reader.start();
            if (!process.waitFor(patience.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                reader.join(5000);
                return new Result(-1, "timed out after " + patience + ": " + output);
            }
            reader.join(5000);
            return new Result(process.exitValue(), output.toString());
        } catch (IOException notInstalled) {
            return new Result(-1, notInstalled.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException(e));
        }
    }
}
