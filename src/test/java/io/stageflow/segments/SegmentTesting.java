package io.stageflow.segments;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.StageflowClient.Response;

import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Segment tests share the database with every other test, so each test tags its customers with a trait
 * {@code testRun} of its own and ANDs it into every rule: counts and members are then exact.
 */
abstract class SegmentTesting extends IntegrationTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @Autowired
    Clock clock;

    String run;
    private int segments;

    @BeforeEach
    void newRun() {
        run = UUID.randomUUID().toString().substring(0, 8);
    }

    /** Creates a customer {@code <run>-<name>} with these traits (a JSON object's inside) and the run's tag. */
    String customer(String name, String traitsJson) {
        String id = run + "-" + name;
        String traits = "{\"testRun\":\"" + run + "\"" + (traitsJson.isBlank() ? "" : ", " + traitsJson) + "}";
        client().putCustomer(id, "{\"email\":\"" + id + "@example.com\",\"traits\":" + traits + "}").expectStatus(201);
        return id;
    }

    void orders(String id, int count, String total, Instant lastOrderAt) {
        jdbc.sql("update sf_customer set order_count = ?, order_total = ?, last_order_at = ? where id = ?")
                .params(count, new java.math.BigDecimal(total), lastOrderAt == null ? null : Timestamp.from(lastOrderAt), id)
                .update();
    }

    /** An event of a type no journey starts on, so it is only stored; {@code ago} before the (moved) clock. */
    void event(String id, String type, Duration ago) {
        client().postEvents("{\"messageId\":\"%s\",\"type\":\"%s\",\"customerId\":\"%s\",\"timestamp\":\"%s\"}"
                .formatted(UUID.randomUUID(), type, id, clock.instant().minus(ago))).expectStatus(202);
    }

    Instant daysAgo(double days) {
        return clock.instant().minus(Duration.ofMinutes(Math.round(days * 24 * 60)));
    }

    /** Saves the rule, ANDed with the run's tag, as a new segment and returns its key. */
    String segment(String ruleJson) {
        String key = "t-" + run + "-" + (++segments);
        post(key, ruleJson).expectStatus(201);
        return key;
    }

    Response post(String key, String ruleJson) {
        return client().post("/api/v1/segments", "{\"key\":\"" + key + "\",\"name\":\"Test " + key + "\",\"rule\":{\"all\":["
                + "{\"field\":\"traits.testRun\",\"op\":\"eq\",\"value\":\"" + run + "\"}," + ruleJson + "]}}");
    }

    /** The customers the rule selects, by name (without the run prefix), sorted; counted and previewed alike. */
    List<String> members(String ruleJson) {
        String key = segment(ruleJson);
        JsonNode preview = client().get("/api/v1/segments/" + key + "/preview?limit=100").expectStatus(200).json();
        List<String> names = new ArrayList<>();
        preview.path("customers").forEach(c -> names.add(c.path("id").asText().substring(run.length() + 1)));
        long count = client().get("/api/v1/segments/" + key + "/count").expectStatus(200).json().path("count").asLong();
        if (count != names.size()) {
            throw new AssertionError("count " + count + " but preview " + names + " for " + ruleJson);
        }
        return names.stream().sorted().toList();
    }

    static String condition(String field, String op, Object value) {
        ObjectNode node = JSON.createObjectNode().put("field", field).put("op", op);
        node.set("value", JSON.valueToTree(value));
        return node.toString();
    }

    static String condition(String field, String op) {
        return JSON.createObjectNode().put("field", field).put("op", op).toString();
    }

    static String not(String rule) {
        return "{\"not\":" + rule + "}";
    }

    static String all(String... rules) {
        return "{\"all\":[" + String.join(",", rules) + "]}";
    }

    static String any(String... rules) {
        return "{\"any\":[" + String.join(",", rules) + "]}";
    }

    static ArrayNode array(Object... values) {
        return JSON.valueToTree(values);
    }
}
