package io.stageflow.events;

import static io.stageflow.events.Problems.assertProblem;
import static io.stageflow.events.Problems.fields;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.StageflowClient;
import io.stageflow.testing.StageflowClient.Response;

import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What real Segment and RudderStack libraries send, found to break before: group calls, invalid messages in a batch
 * (Segment answers 200), analytics.js's text/plain bodies on one-letter paths and its CORS, RudderStack's gzip bodies
 * and clock-skew fields, Segment's 2,500-message batch cap, and e-commerce product arrays.
 */
class TrackingApiCompatibilityTest extends IntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private StageflowClient client;
    private String serverKey;
    private String browserKey;
    private String userId;

    @BeforeEach
    void keys() {
        client = client();
        serverKey = client.newWriteKey("compat-server");
        browserKey = client.send(HttpRequest.newBuilder(client.uri("/api/v1/write-keys"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"name\":\"compat-browser\",\"kind\":\"browser\"}")), true)
                .expectStatus(201).json().path("key").asText();
        userId = "sc-" + UUID.randomUUID().toString().substring(0, 12);
    }

    @Test
    void aGroupCallIsKeptAsTheCustomersGroupAndNoLongerFailsTheBatch() {
        Response response = client.postSegment("/v1/batch", serverKey, """
                {"batch":[{"type":"identify","userId":"%1$s","messageId":"gi-%1$s","traits":{"email":"%1$s@example.com"}},
                          {"type":"group","userId":"%1$s","groupId":"acme-%1$s","messageId":"gg-%1$s",
                           "traits":{"name":"Acme Inc","plan":"enterprise","employees":120}},
                          {"type":"track","userId":"%1$s","event":"Report Built","messageId":"gt-%1$s"}]}"""
                .formatted(userId));

        assertThat(response.body()).isEqualTo("{\"success\":true}");
        JsonNode traits = client.get("/api/v1/customers/" + userId).expectStatus(200).json().path("traits");
        assertThat(traits.path("groupId").asText()).isEqualTo("acme-" + userId);
        assertThat(traits.path("group").path("name").asText()).isEqualTo("Acme Inc");
        assertThat(traits.path("group").path("plan").asText()).isEqualTo("enterprise");
        assertThat(traits.path("group").path("employees").asInt()).isEqualTo(120);
        assertThat(client.get("/api/v1/events/gt-" + userId).expectStatus(200).json().path("type").asText())
                .isEqualTo("report_built");
    }

    @Test
    void aBrowserKeysGroupCallCannotChangeAKnownCustomer() {
        client.putCustomer(userId, "{\"email\":\"" + userId + "@example.com\",\"traits\":{\"groupId\":\"mine\"}}")
                .expectStatus(201);

        Response response = client.postSegment("/v1/g", browserKey, """
                {"userId":"%1$s","groupId":"someone-elses","messageId":"bg-%1$s"}""".formatted(userId));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().path("ignored").asInt()).isEqualTo(1);
        assertThat(client.get("/api/v1/customers/" + userId).json().path("traits").path("groupId").asText())
                .isEqualTo("mine");
    }

    @Test
    void aBatchWithOneInvalidMessageIsAnswered200NamingItAndTheValidOnesAreStored() {
        Response response = client.postSegment("/v1/batch", serverKey, """
                {"batch":[{"type":"track","userId":"%1$s","event":"Signed Up","messageId":"v1-%1$s"},
                          {"type":"track","userId":"%1$s","messageId":"v2-%1$s"},
                          {"type":"page","userId":"%1$s","name":"Home","messageId":"v3-%1$s"}]}"""
                .formatted(userId));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.contentType()).startsWith("application/json");
        assertThat(response.json().path("success").asBoolean(true)).isFalse();
        assertThat(response.json().path("rejected").asInt()).isEqualTo(1);
        assertThat(fields(response)).containsExactly("batch[1].event");
        assertThat(response.json().path("results").findValuesAsText("status"))
                .containsExactly("accepted", "rejected", "accepted");
        assertThat(storedTypes()).containsExactlyInAnyOrder("signed_up", "page_viewed");
    }

    @Test
    void analyticsJsTextPlainBodiesOnTheOneLetterPathsAreAccepted() {
        String anonymousId = "anon-" + UUID.randomUUID();
        String common = "\"writeKey\":\"%s\",\"anonymousId\":\"%s\"".formatted(browserKey, anonymousId);

        assertThat(postPlain("/v1/p", "{%s,\"name\":\"Home\",\"messageId\":\"lp-%s\"}".formatted(common, userId))
                .status()).isEqualTo(200);
        assertThat(postPlain("/v1/s", "{%s,\"name\":\"Cart\",\"messageId\":\"ls-%s\"}".formatted(common, userId))
                .status()).isEqualTo(200);
        assertThat(postPlain("/v1/i", "{%s,\"userId\":\"%s\",\"messageId\":\"li-%s\",\"traits\":{\"plan\":\"pro\"}}"
                .formatted(common, userId, userId)).status()).isEqualTo(200);
        assertThat(postPlain("/v1/t", "{%s,\"userId\":\"%s\",\"event\":\"Clicked\",\"messageId\":\"lt-%s\"}"
                .formatted(common, userId, userId)).status()).isEqualTo(200);
        assertThat(postPlain("/v1/g", "{%s,\"groupId\":\"g-%s\",\"messageId\":\"lg-%s\"}"
                .formatted(common, userId, userId)).status()).isEqualTo(200);
        assertThat(postPlain("/v1/b", "{\"writeKey\":\"%s\",\"batch\":[{\"type\":\"track\",\"userId\":\"%s\","
                .formatted(browserKey, userId) + "\"event\":\"Batched\",\"messageId\":\"lb-%s\"}]}".formatted(userId))
                .status()).isEqualTo(200);
        Response alias = postPlain("/v1/a", "{\"writeKey\":\"%s\",\"userId\":\"%s\",\"previousId\":\"%s\"}"
                .formatted(browserKey, userId, anonymousId));

        assertThat(alias.status()).as("a browser key may not alias, on /v1/a as on /v1/alias").isEqualTo(403);
        assertThat(client.get("/api/v1/events/lp-" + userId).json().path("type").asText()).isEqualTo("page_viewed");
        assertThat(client.get("/api/v1/events/ls-" + userId).json().path("type").asText()).isEqualTo("screen_viewed");
        assertThat(client.get("/api/v1/events/lt-" + userId).json().path("type").asText()).isEqualTo("clicked");
        assertThat(client.get("/api/v1/events/lb-" + userId).json().path("type").asText()).isEqualTo("batched");
        assertThat(client.get("/api/v1/customers/" + userId).json().path("traits").path("plan").asText())
                .isEqualTo("pro");
        assertThat(client.get("/api/v1/customers/anonymous:" + anonymousId).json().path("traits").path("groupId")
                .asText()).as("the visitor's own profile").isEqualTo("g-" + userId);
        assertThat(postPlain("/v1/t", "{\"writeKey\":\"%s\",\"userId\":".formatted(serverKey)).status())
                .as("text/plain that is not JSON").isEqualTo(400);
    }

    @Test
    void corsIsForBrowserKeysFromTheAllowedOriginsOnly() {
        String allowed = "http://127.0.0.1:4321";
        Response preflight = client.send(HttpRequest.newBuilder(client.uri("/v1/t"))
                .header("Origin", allowed).header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()), false);
        Response strangerPreflight = client.send(HttpRequest.newBuilder(client.uri("/v1/t"))
                .header("Origin", "https://evil.example").header("Access-Control-Request-Method", "POST")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()), false);
        String track = "{\"userId\":\"%s\",\"event\":\"Clicked\",\"messageId\":\"%%s-%s\"}".formatted(userId, userId);
        java.net.http.HttpResponse<String> browser = raw(HttpRequest.newBuilder(client.uri("/v1/t"))
                .header("Origin", allowed).header("Content-Type", "text/plain")
                .header("Authorization", StageflowClient.basic(browserKey, ""))
                .POST(HttpRequest.BodyPublishers.ofString(track.formatted("cb"))));
        java.net.http.HttpResponse<String> server = raw(HttpRequest.newBuilder(client.uri("/v1/t"))
                .header("Origin", allowed).header("Content-Type", "text/plain")
                .header("Authorization", StageflowClient.basic(serverKey, ""))
                .POST(HttpRequest.BodyPublishers.ofString(track.formatted("cs"))));
        java.net.http.HttpResponse<String> stranger = raw(HttpRequest.newBuilder(client.uri("/v1/t"))
                .header("Origin", "https://evil.example").header("Content-Type", "text/plain")
                .header("Authorization", StageflowClient.basic(browserKey, ""))
                .POST(HttpRequest.BodyPublishers.ofString(track.formatted("ce"))));

        assertThat(preflight.status()).isEqualTo(204);
        assertThat(strangerPreflight.status()).isEqualTo(403);
        java.net.http.HttpResponse<String> preflightHeaders = raw(HttpRequest.newBuilder(client.uri("/v1/b"))
                .header("Origin", allowed).header("Access-Control-Request-Method", "POST")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
        assertThat(preflightHeaders.headers().firstValue("Access-Control-Allow-Origin")).contains(allowed);
        assertThat(preflightHeaders.headers().firstValue("Access-Control-Allow-Headers").orElse(""))
                .containsIgnoringCase("authorization").containsIgnoringCase("content-type");
        assertThat(browser.statusCode()).isEqualTo(200);
        assertThat(browser.headers().firstValue("Access-Control-Allow-Origin")).contains(allowed);
        assertThat(server.statusCode()).isEqualTo(200);
        assertThat(server.headers().firstValue("Access-Control-Allow-Origin")).as("never for a server key").isEmpty();
        assertThat(stranger.statusCode()).as("stored, but the page may not read the answer").isEqualTo(200);
        assertThat(stranger.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    @Test
    void aGzipBodyIsInflatedAsRudderStackSendsIt() {
        String batch = """
                {"batch":[{"type":"track","userId":"%1$s","event":"Gzipped","messageId":"gz-%1$s",
                           "originalTimestamp":"%2$s"}],
                 "sentAt":"%2$s"}""".formatted(userId, Instant.now().truncatedTo(ChronoUnit.SECONDS));

        // RudderStack's Node SDK posts its gzip bytes through axios, which labels them as a form.
        Response response = client.send(HttpRequest.newBuilder(client.uri("/v1/batch"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Content-Encoding", "gzip")
                .header("Authorization", StageflowClient.basic(serverKey, ""))
                .POST(HttpRequest.BodyPublishers.ofByteArray(gzip(batch.getBytes(StandardCharsets.UTF_8)))), false);

        assertThat(response.body()).isEqualTo("{\"success\":true}");
        assertThat(client.get("/api/v1/events/gz-" + userId).json().path("type").asText()).isEqualTo("gzipped");
    }

    @Test
    void aGzipBombIsCutOffAndNothingIsStored() {
        // 20 MB of spaces after a valid start inflate from about 20 KB: refused once the inflated body passes 500 KB.
        byte[] start = ("{\"batch\":[{\"type\":\"track\",\"userId\":\"" + userId + "\",\"event\":\"Bomb\"}")
                .getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(compressed)) {
            gzip.write(start);
            byte[] spaces = " ".repeat(1 << 20).getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < 20; i++) {
                gzip.write(spaces);
            }
            gzip.write("]}".getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(compressed.size()).isLessThan(100_000);

        Response bomb = postGzip("/v1/batch", serverKey, compressed.toByteArray());
        Response notGzip = postGzip("/v1/batch", serverKey, "{\"batch\":[]}".getBytes(StandardCharsets.UTF_8));
        Response brotli = client.send(HttpRequest.newBuilder(client.uri("/v1/batch"))
                .header("Content-Type", "application/json").header("Content-Encoding", "br")
                .header("Authorization", StageflowClient.basic(serverKey, ""))
                .POST(HttpRequest.BodyPublishers.ofString("{}")), false);

        assertProblem(bomb, 400);
        assertThat(bomb.json().path("detail").asText()).contains("inflates to more than");
        assertProblem(notGzip, 400);
        assertThat(notGzip.json().path("detail").asText()).contains("gzip");
        assertProblem(brotli, 415);
        assertThat(storedTypes()).isEmpty();
    }

    @Test
    void aBatchOver2500MessagesIsRefusedByName() {
        StringBuilder batch = new StringBuilder("{\"batch\":[");
        for (int i = 0; i <= TrackingApiController.MAX_BATCH_MESSAGES; i++) {
            batch.append(i == 0 ? "" : ",").append("{\"type\":\"track\",\"userId\":\"").append(userId)
                    .append("\",\"event\":\"E\"}");
        }

        Response response = client.postSegment("/v1/batch", serverKey, batch.append("]}").toString());

        assertProblem(response, 400);
        assertThat(fields(response)).containsExactly("batch");
        assertThat(response.json().path("errors").get(0).path("message").asText()).contains("2501").contains("2500");
        assertThat(storedTypes()).isEmpty();
    }

    @Test
    void sentAtCorrectsTheSendersClockAndOriginalTimestampIsRudderStacksTime() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        ClockUtil.setCurrentTime(Date.from(now)); // frozen: receivedAt is exactly now; put back after each test
        // Segment: the sender's clock is 3 hours behind; the event happened 10 minutes before it was sent.
        Instant behind = now.minus(Duration.ofHours(3));
        client.postSegment("/v1/track", serverKey, """
                {"userId":"%1$s","event":"Skewed","messageId":"sk-%1$s","timestamp":"%2$s","sentAt":"%3$s"}"""
                .formatted(userId, behind.minus(Duration.ofMinutes(10)), behind)).expectStatus(200);
        // RudderStack: originalTimestamp only, sentAt on the batch; its clock is 2 hours ahead.
        Instant ahead = now.plus(Duration.ofHours(2));
        client.postSegment("/v1/batch", serverKey, """
                {"batch":[{"type":"track","userId":"%1$s","event":"Rudder","messageId":"rs-%1$s","originalTimestamp":"%2$s"}],
                 "sentAt":"%3$s"}""".formatted(userId, ahead.minus(Duration.ofMinutes(1)), ahead)).expectStatus(200);
        // Without sentAt, the timestamp is taken as it is.
        client.postSegment("/v1/track", serverKey, """
                {"userId":"%1$s","event":"Plain","messageId":"pl-%1$s","timestamp":"2026-01-02T03:04:05Z"}"""
                .formatted(userId)).expectStatus(200);

        Response numericSentAt = client.postSegment("/v1/batch", serverKey, """
                {"batch":[{"type":"track","userId":"%1$s","event":"Numeric","timestamp":"%2$s"}],"sentAt":1764000000}"""
                .formatted(userId, now));

        Problems.assertRejected(numericSentAt);
        assertThat(fields(numericSentAt)).containsExactly("sentAt");
        assertThat(timestampOf("sk-" + userId)).isEqualTo(now.minus(Duration.ofMinutes(10)));
        assertThat(timestampOf("rs-" + userId)).isEqualTo(now.minus(Duration.ofMinutes(1)));
        assertThat(timestampOf("pl-" + userId)).isEqualTo(Instant.parse("2026-01-02T03:04:05Z"));
    }

    @Test
    void ecommerceProductArraysAreKeptOnTheStoredEvent() throws Exception {
        client.postSegment("/v1/track", serverKey, """
                {"userId":"%1$s","event":"Order Completed","messageId":"oc-%1$s",
                 "properties":{"order_id":"o-1","revenue":42.5,"currency":"EUR",
                  "products":[{"product_id":"p-1","sku":"SKU-1","name":"Mug","price":12.5,"quantity":1},
                              {"product_id":"p-2","sku":"SKU-2","name":"Tea","price":15,"quantity":2}]}}"""
                .formatted(userId)).expectStatus(200);

        JsonNode properties = JSON.readTree(jdbc.sql("select properties from sf_event where message_id = ?")
                .param("oc-" + userId).query(String.class).single());
        assertThat(properties.path("products").isArray()).isTrue();
        assertThat(properties.path("products")).hasSize(2);
        assertThat(properties.path("products").get(0).path("sku").asText()).isEqualTo("SKU-1");
        assertThat(properties.path("products").get(1).path("quantity").asInt()).isEqualTo(2);
        assertThat(properties.path("products").get(1).path("price").asDouble()).isEqualTo(15.0);
        assertThat(properties.path("revenue").asDouble()).isEqualTo(42.5);
    }

    private Instant timestampOf(String messageId) {
        return Instant.parse(client.get("/api/v1/events/" + messageId).expectStatus(200).json().path("timestamp")
                .asText());
    }

    private java.util.List<String> storedTypes() {
        return jdbc.sql("select type from sf_event where customer_id = ?").param(userId).query(String.class).list();
    }

    private Response postPlain(String path, String body) {
        return client.send(HttpRequest.newBuilder(client.uri(path)).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(body)), false);
    }

    private Response postGzip(String path, String writeKey, byte[] body) {
        return client.send(HttpRequest.newBuilder(client.uri(path)).header("Content-Type", "application/json")
                .header("Content-Encoding", "gzip").header("Authorization", StageflowClient.basic(writeKey, ""))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)), false);
    }

    private static byte[] gzip(byte[] plain) {
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(compressed)) {
            gzip.write(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return compressed.toByteArray();
    }

    private static java.net.http.HttpResponse<String> raw(HttpRequest.Builder request) {
        try {
            return java.net.http.HttpClient.newHttpClient().send(request.build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
