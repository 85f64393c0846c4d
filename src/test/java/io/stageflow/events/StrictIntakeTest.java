package io.stageflow.events;

import static io.stageflow.events.Problems.assertProblem;
import static io.stageflow.events.Problems.assertRejected;
import static io.stageflow.events.Problems.fields;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.StageflowClient;
import io.stageflow.testing.StageflowClient.Response;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Strict intake, over real HTTP: whatever Stageflow would store wrongly, drop silently or fail on later is a 400
 * problem+json naming the field, and every other client error on every route is problem+json too.
 */
class StrictIntakeTest extends IntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;

    private StageflowClient client;
    private String customerId;

    @BeforeEach
    void knownCustomer() {
        client = client();
        customerId = "c-" + UUID.randomUUID().toString().substring(0, 12);
        client.putCustomer(customerId, "{\"email\":\"" + customerId + "@example.com\"}").expectStatus(201);
    }

    // --- JSON: one value, each key once ---

    @Test
    void twoConcatenatedEventsAreRefusedRatherThanTheSecondDropped() {
        Response response = client.postEvents(event("one-" + customerId, "") + event("two-" + customerId, ""));

        assertProblem(response, 400);
        assertThat(storedEvents()).isZero();
    }

    @Test
    void trailingGarbageIsRefused() {
        assertProblem(client.postEvents(event("m-" + customerId, "") + " trailing"), 400);
        assertProblem(client.postEvents("[" + event("m-" + customerId, "") + "]]"), 400);
        assertThat(storedEvents()).isZero();
    }

    @Test
    void aDuplicateKeyIsRefused() {
        Response response = client.postEvents("""
                {"messageId":"a-%1$s","type":"signed_up","customerId":"%1$s","messageId":"b-%1$s"}"""
                .formatted(customerId));

        assertProblem(response, 400);
        assertThat(response.json().path("detail").asText()).contains("messageId");
        assertThat(storedEvents()).isZero();
    }

    @Test
    void theSegmentApiIsJustAsStrict() {
        String writeKey = client.newWriteKey("strict-segment");
        String track = track("s-" + customerId, "\"properties\":{}");

        assertProblem(client.postSegment("/v1/track", writeKey, track + track), 400);
        assertProblem(client.postSegment("/v1/track", writeKey, track.replace("{\"userId\"",
                "{\"userId\":\"someone-else\",\"userId\"")), 400);
        assertProblem(client.postSegment("/v1/batch", writeKey, "{\"batch\":[" + track + "]} x"), 400);
        assertThat(storedEvents()).isZero();
    }

    // --- ids are strings without control characters ---

    @ParameterizedTest
    @ValueSource(strings = {"\"messageId\":42", "\"messageId\":true", "\"type\":7", "\"customerId\":12345"})
    void anIdThatIsNotAJsonStringIsNamed(String field) {
        String name = field.substring(1, field.indexOf('"', 1));
        String body = event("m-" + customerId, "").replaceFirst("\"" + name + "\":\"[^\"]*\"", field);

        Response response = client.postEvents(body);

        assertProblem(response, 400);
        assertThat(fields(response)).containsExactly(name);
        assertThat(storedEvents()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"\\u0000", "\\u001f", "\\u007f", "\\u0085", "\\n"})
    void aControlCharacterInAMessageIdIsNamed(String control) {
        Response response = client.postEvents(event("m-" + customerId + control, ""));

        assertProblem(response, 400);
        assertThat(fields(response)).containsExactly("messageId");
        assertThat(storedEvents()).isZero();
    }

    @Test
    void theNulByteMessageIdIsRejectedInABatchWhileTheGoodEventIsStored() {
        Response response = client.postEvents("[" + event("nul\\u0000-" + customerId, "") + ","
                + event("good-" + customerId, "") + "]");

        assertProblem(response, 400);
        assertThat(fields(response)).containsExactly("[0].messageId");
        assertThat(response.json().path("results").get(0).path("status").asText()).isEqualTo("rejected");
        assertThat(response.json().path("results").get(1).path("status").asText()).isEqualTo("accepted");
        assertThat(storedEvents()).isEqualTo(1);
    }

    @Test
    void segmentIdsMustBeStringsWithoutControlCharacters() {
        String writeKey = client.newWriteKey("strict-segment-ids");

        Response numericMessageId = client.postSegment("/v1/track", writeKey, """
                {"userId":"%s","messageId":12345,"event":"Page Viewed"}""".formatted(customerId));
        Response numericUserId = client.postSegment("/v1/track", writeKey, """
                {"userId":12345,"messageId":"n-%s","event":"Page Viewed"}""".formatted(customerId));
        Response nulAnonymousId = client.postSegment("/v1/page", writeKey, """
                {"anonymousId":"a\\u0000-%1$s","messageId":"p-%1$s"}""".formatted(customerId));
        Response controlInBatch = client.postSegment("/v1/batch", writeKey, """
                {"batch":[{"type":"track","userId":"%1$s","messageId":"b\\u0007-%1$s","event":"Page Viewed"}]}"""
                .formatted(customerId));

        assertRejected(numericMessageId);
        assertThat(fields(numericMessageId)).containsExactly("messageId");
        assertRejected(numericUserId);
        assertThat(fields(numericUserId)).containsExactly("userId");
        assertRejected(nulAnonymousId);
        assertThat(fields(nulAnonymousId)).containsExactly("anonymousId");
        assertRejected(controlInBatch);
        assertThat(fields(controlInBatch)).containsExactly("batch[0].messageId");
        assertThat(storedEvents()).isZero();
        assertThat(jdbc.sql("select count(*) from sf_customer where id like ?").param("%" + customerId)
                .query(Long.class).single()).as("only the customer made by the test").isEqualTo(1);
    }

    @Test
    void aWriteKeyNameWithAControlCharacterIsNamed() {
        Response response = client.post("/api/v1/write-keys", "{\"name\":\"shop\\u0000backend\"}");

        assertProblem(response, 400);
        assertThat(fields(response)).containsExactly("name");
    }

    // --- timestamps ---

    @ParameterizedTest
    @ValueSource(strings = {"1764000000", "1764000000.5", "true", "\"+99999-01-01T00:00:00Z\"",
            "\"0001-01-01T00:00:00Z\"", "\"1999-12-31T23:59:59Z\""})
    void aTimestampOutsideTheWindowOrNotAStringIsNamed(String timestamp) {
        Response response = client.postEvents(event("m-" + customerId, ",\"timestamp\":" + timestamp));

        assertProblem(response, 400);
        assertThat(fields(response)).containsExactly("timestamp");
        assertThat(storedEvents()).isZero();
    }

    @Test
    void aTimestampMoreThanADayAheadIsNamedButAnHourAheadIsFine() {
        Instant now = Instant.now();
        Response tooFar = client.postEvents(event("far-" + customerId,
                ",\"timestamp\":\"" + now.plus(Duration.ofDays(2)) + "\""));
        Response slightlyAhead = client.postEvents(event("near-" + customerId,
                ",\"timestamp\":\"" + now.plus(Duration.ofHours(1)) + "\""));

        assertProblem(tooFar, 400);
        assertThat(fields(tooFar)).containsExactly("timestamp");
        slightlyAhead.expectStatus(202);
        assertThat(storedEvents()).isEqualTo(1);
    }

    @Test
    void segmentTimestampsFollowTheSameRules() {
        String writeKey = client.newWriteKey("strict-segment-time");

        Response numeric = client.postSegment("/v1/track", writeKey,
                track("t1-" + customerId, "\"timestamp\":1764000000"));
        Response yearOne = client.postSegment("/v1/track", writeKey,
                track("t2-" + customerId, "\"timestamp\":\"0001-01-01T00:00:00.000Z\""));

        assertRejected(numeric);
        assertThat(fields(numeric)).containsExactly("timestamp");
        assertRejected(yearOne);
        assertThat(fields(yearOne)).containsExactly("timestamp");
        assertThat(storedEvents()).isZero();
    }

    // --- money and counts ---

    @ParameterizedTest
    @ValueSource(strings = {"\"total\":-1e308", "\"total\":1e400", "\"revenue\":1e300", "\"total\":1000000000000",
            "\"total\":\"12 EUR\"", "\"price\":999999999999.999", "\"quantity\":1.5", "\"quantity\":-1",
            "\"quantity\":10000000", "\"quantity\":\"3\"", "\"seats\":123456789012345678901234567890"})
    void moneyAndCountsThatDoNotFitAreNamed(String property) {
        String name = property.substring(1, property.indexOf('"', 1));

        Response response = client.postEvents(event("m-" + customerId, ",\"properties\":{" + property + "}"));

        assertProblem(response, 400);
        assertThat(fields(response)).containsExactly("properties." + name);
        assertThat(storedEvents()).isZero();
    }

    @Test
    void moneyThatFitsIsAcceptedAndProductsAreCheckedItemByItem() {
        Response fits = client.postEvents(event("fits-" + customerId,
                ",\"properties\":{\"total\":999999999999.99,\"revenue\":\"19.99\",\"price\":-5,\"quantity\":3}"));
        Response products = client.postEvents(event("products-" + customerId,
                ",\"properties\":{\"products\":[{\"price\":10,\"quantity\":1},{\"price\":1e20,\"quantity\":2}]}"));

        fits.expectStatus(202);
        assertProblem(products, 400);
        assertThat(fields(products)).containsExactly("properties.products[1].price");
        assertThat(storedEvents()).isEqualTo(1);
    }

    @Test
    void aProductsPriceIsNeverNegativeAndAnOrderIdFitsItsColumn() {
        Response negative = client.postEvents(event("negative-" + customerId,
                ",\"properties\":{\"products\":[{\"price\":\"-0.01\"}]}"));
        Response longId = client.postEvents(event("long-" + customerId,
                ",\"properties\":{\"order_id\":\"" + "x".repeat(101) + "\"}"));
        Response zero = client.postEvents(event("zero-" + customerId,
                ",\"properties\":{\"orderId\":\"" + "x".repeat(100) + "\",\"products\":[{\"price\":0}]}"));

        assertProblem(negative, 400);
        assertThat(fields(negative)).containsExactly("properties.products[0].price");
        assertProblem(longId, 400);
        assertThat(fields(longId)).containsExactly("properties.order_id");
        zero.expectStatus(202);
        assertThat(storedEvents()).isEqualTo(1);
    }

    @Test
    void aBatchKeepsItsGoodEventsAndNamesTheBadTotal() {
        Response response = client.postEvents("[" + event("good-" + customerId, "") + ","
                + event("bad-" + customerId, ",\"properties\":{\"total\":-1e308}") + "]");

        assertProblem(response, 400);
        assertThat(fields(response)).containsExactly("[1].properties.total");
        assertThat(response.json().path("results").get(0).path("status").asText()).isEqualTo("accepted");
        assertThat(response.json().path("results").get(1).path("status").asText()).isEqualTo("rejected");
        assertThat(storedEvents()).isEqualTo(1);
    }

    @Test
    void segmentMoneyIsCheckedToo() {
        String writeKey = client.newWriteKey("strict-segment-money");

        Response revenue = client.postSegment("/v1/track", writeKey,
                track("r-" + customerId, "\"properties\":{\"revenue\":1e300}"));
        Response productQuantity = client.postSegment("/v1/batch", writeKey, "{\"batch\":[" + track("q-" + customerId,
                "\"type\":\"track\",\"properties\":{\"products\":[{\"quantity\":1e9}]}") + "]}");

        assertRejected(revenue);
        assertThat(fields(revenue)).containsExactly("properties.revenue");
        assertRejected(productQuantity);
        assertThat(fields(productQuantity)).containsExactly("batch[0].properties.products[0].quantity");
        assertThat(storedEvents()).isZero();
    }

    // --- every client error on every route is problem+json ---

    @Test
    void unknownPathsAreProblems() {
        assertProblem(client.postSegment("/v1/nothing-here", client.newWriteKey("strict-unknown"), "{}"), 404);
        assertProblem(client.get("/v1/nothing-here"), 404);
        assertProblem(client.get("/api/v1/nothing-here"), 404);
        assertProblem(client(null, null).get("/api/v1/nothing-here"), 401);
        assertThat(client.get("/nothing-here").contentType()).startsWith("application/problem+json");
    }

    @Test
    void aMethodTheEventsPathDoesNotTakeIsA405Problem() {
        Response get = client.get("/api/v1/events?status=dead_lettered&limit=1");
        Response put = client.put("/api/v1/events", event("m-" + customerId, ""));
        Response delete = client.delete("/api/v1/events");
        Response patch = client.send(HttpRequest.newBuilder(client.uri("/api/v1/events"))
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{}"))
                .header("Content-Type", "application/json"), true);

        get.expectStatus(200);
        assertProblem(put, 405);
        assertProblem(delete, 405);
        assertProblem(patch, 405);
    }

    @Test
    void aWrongContentTypeIsA415AndAnUnacceptableAcceptA406Problem() {
        Response plain = client.send(HttpRequest.newBuilder(client.uri("/api/v1/events"))
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString(
                        event("m-" + customerId, ""))), true);
        Response html = client.send(HttpRequest.newBuilder(client.uri("/api/v1/customers/" + customerId))
                .header("Accept", "text/html").GET(), true);

        assertProblem(plain, 415);
        assertProblem(html, 406);
        assertThat(storedEvents()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/v1/events;jsessionid=x", "/api/v1/events/a%2Fb", "/api/v1/events/%25",
            "/v1/track%2F..", "/api//v1/events", "/v1/%zz", "/api/v1/events/%00", "/api/v1/../v1/events",
            "/v1/track/..;/..;/engine-rest"})
    void oddPathsAreProblemsNotHtml(String path) throws IOException {
        RawResponse response = raw("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n"
                + "Authorization: " + StageflowClient.basic("admin", ADMIN_PASSWORD) + "\r\n"
                + "Connection: close\r\n\r\n");

        assertThat(response.status()).as(response.text()).isBetween(400, 499);
        assertThat(response.contentType()).as(response.text()).startsWith("application/problem+json");
        assertThat(JSON.readTree(response.body()).path("status").asInt()).isEqualTo(response.status());
    }

    private String event(String messageId, String more) {
        return "{\"messageId\":\"%s\",\"type\":\"page_viewed\",\"customerId\":\"%s\"%s}"
                .formatted(messageId, customerId, more);
    }

    private String track(String messageId, String more) {
        return "{\"userId\":\"%s\",\"messageId\":\"%s\",\"event\":\"Page Viewed\",%s}"
                .formatted(customerId, messageId, more);
    }

    private long storedEvents() {
        return jdbc.sql("select count(*) from sf_event where customer_id like ?")
                .param("%" + customerId).query(Long.class).single();
    }

    /** Sends bytes as they are, for paths an HTTP client library would refuse or normalise. */
    private RawResponse raw(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            return new RawResponse(all.toString(StandardCharsets.UTF_8));
        }
    }

    private record RawResponse(String text) {

        int status() {
            return Integer.parseInt(text.substring(9, 12));
        }

        String contentType() {
            for (String line : head().split("\r\n")) {
                if (line.toLowerCase().startsWith("content-type:")) {
                    return line.substring(13).strip();
                }
            }
            return "";
        }

        String head() {
            int end = text.indexOf("\r\n\r\n");
            return end < 0 ? text : text.substring(0, end);
        }

        String body() {
            String body = text.substring(head().length()).strip();
            if (head().toLowerCase().contains("transfer-encoding: chunked")) {
                // one chunk: size line, data, 0
                body = body.substring(body.indexOf("\r\n") + 2, body.lastIndexOf("\r\n0"));
            }
            return body;
        }
    }
}
