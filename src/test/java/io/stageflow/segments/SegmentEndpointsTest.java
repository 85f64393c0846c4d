package io.stageflow.segments;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import io.stageflow.security.Roles;
import io.stageflow.testing.StageflowClient;
import io.stageflow.testing.StageflowClient.Response;

import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.identity.User;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The segments API: saving with validation that names the bad part of a rule, count and preview, file segments,
 * who may do what, and injection attempts that stay plain data.
 */
class SegmentEndpointsTest extends SegmentTesting {

    static final String INJECTION = "x' OR 1=1 --";

    @Autowired
    IdentityService identityService;

    @Test
    void createUpdateReadCountPreviewAndDelete() {
        customer("a", "\"plan\":\"pro\"");
        customer("b", "\"plan\":\"pro\"");
        customer("c", "\"plan\":\"free\"");
        String key = "t-" + run + "-crud";

        Response created = post(key, condition("traits.plan", "eq", "pro")).expectStatus(201);
        assertThat(created.json().path("key").asText()).isEqualTo(key);
        assertThat(created.json().path("source").asText()).isEqualTo("api");
        assertThat(created.json().path("rule").path("all").get(1).path("value").asText()).isEqualTo("pro");
        assertThat(client().get("/api/v1/segments/" + key + "/count").expectStatus(200).json().toString())
                .isEqualTo("{\"key\":\"" + key + "\",\"count\":2}");

        JsonNode preview = client().get("/api/v1/segments/" + key + "/preview?limit=1").expectStatus(200).json();
        assertThat(preview.path("customers")).hasSize(1);
        assertThat(preview.path("customers").get(0).path("id").asText()).isEqualTo(run + "-a");
        assertThat(preview.path("customers").get(0).path("stage").asText()).isEqualTo("AWARENESS");
        assertThat(preview.path("customers").get(0).has("email")).as("no personal data").isFalse();
        assertThat(client().get("/api/v1/segments/" + key + "/preview?limit=5000").expectStatus(200).json()
                .path("limit").asInt()).as("capped").isEqualTo(100);
        assertThat(client().get("/api/v1/segments/" + key + "/preview?limit=0").expectStatus(400).json()
                .path("errors").get(0).path("field").asText()).isEqualTo("limit");

        post(key, condition("traits.plan", "eq", "free")).expectStatus(200);
        assertThat(client().get("/api/v1/segments/" + key + "/count").json().path("count").asLong()).isEqualTo(1);
        assertThat(client().get("/api/v1/segments/" + key).expectStatus(200).json().path("name").asText())
                .isEqualTo("Test " + key);
        assertThat(client().get("/api/v1/segments").expectStatus(200).json().findValuesAsText("key")).contains(key);

        client().delete("/api/v1/segments/" + key).expectStatus(204);
        assertThat(client().get("/api/v1/segments/" + key).status()).isEqualTo(404);
        assertThat(client().get("/api/v1/segments/" + key + "/count").status()).isEqualTo(404);
        assertThat(client().delete("/api/v1/segments/" + key).status()).isEqualTo(404);
    }

    @Test
    void anInjectionAttemptIsPlainDataThatMatchesOnlyItself() {
        customer("plain", "\"plan\":\"pro\"");
        customer("tricky", "\"plan\":\"" + INJECTION + "\"");

        assertThat(members(condition("traits.plan", "eq", "x' OR 1=1 --x"))).isEmpty();
        assertThat(members(condition("traits.plan", "eq", INJECTION))).containsExactly("tricky");
        assertThat(members(condition("traits.plan", "neq", INJECTION))).containsExactly("plain");
        assertThat(members(condition("traits.plan", "contains", "' OR 1=1"))).containsExactly("tricky");
        assertThat(members(condition("traits.plan", "contains", "' OR '1'='1"))).isEmpty();
        assertThat(members(condition("traits.plan", "in", array("x", INJECTION)))).containsExactly("tricky");
        assertThat(members(condition("traits.nothing", "in", array(INJECTION, "') OR ('1'='1")))).isEmpty();
        assertThat(members(condition("events.x.withinDays", "exists"))).isEmpty();

        Response badName = post("t-" + run + "-inj", condition("traits.x' OR 1=1 --", "eq", "x"));
        assertThat(badName.status()).isEqualTo(400);
        assertThat(badName.contentType()).startsWith("application/problem+json");
        assertThat(badName.json().path("errors").get(0).path("field").asText()).isEqualTo("rule.all[1].field");
        assertThat(badName.json().path("errors").get(0).path("message").asText()).contains("not a usable trait name");
        assertThat(post("t-" + run + "-inj", condition("events.x' OR 1=1 --.withinDays", "exists")).status())
                .isEqualTo(400);
        assertThat(post("t-" + run + "-inj", condition("stage", "eq", INJECTION)).json().path("errors").get(0)
                .path("field").asText()).isEqualTo("rule.all[1].value");
        assertThat(client().post("/api/v1/segments", "{\"key\":\"" + INJECTION + "\",\"name\":\"n\",\"rule\":"
                + condition("stage", "eq", "LAPSED") + "}").json().path("errors").get(0).path("field").asText())
                .isEqualTo("key");

        assertThat(jdbc.sql("select count(*) from sf_customer where id like ?").param(run + "-%").query(Long.class).single())
                .as("nothing was changed or dropped").isEqualTo(2);
    }

    @Test
    void problemsNameTheirPathInTheRule() {
        assertThat(errors(condition("nope", "eq", 1))).containsEntry("rule.all[1].field",
                "'nope' is not a known field; use " + SegmentField.KNOWN);
        assertThat(errors(condition("orders.count", "like", 1))).containsKey("rule.all[1].op");
        assertThat(errors(condition("orders.count", "like", 1)).get("rule.all[1].op")).contains("'like' is not a known operator");
        assertThat(errors(condition("orders.count", "contains", "3")).get("rule.all[1].op"))
                .contains("'contains' does not apply to orders.count");
        assertThat(errors(condition("orders.count", "gte", "3"))).containsEntry("rule.all[1].value", "must be a whole number");
        assertThat(errors(condition("orders.total", "gt", true))).containsEntry("rule.all[1].value", "must be a number");
        assertThat(errors(condition("traits.plan", "gt", "b"))).containsEntry("rule.all[1].value", "must be a number for gt");
        assertThat(errors(condition("traits.plan", "in", "pro"))).containsKey("rule.all[1].value");
        assertThat(errors(condition("traits.plan", "in", array("a", 1)))).containsKey("rule.all[1].value[1]");
        assertThat(errors(condition("consent.marketing", "eq", "yes"))).containsKey("rule.all[1].value");
        assertThat(errors(condition("lastOrder.daysAgo", "gt", -1))).containsKey("rule.all[1].value");
        assertThat(errors(condition("stage", "eq", "GOLD")).get("rule.all[1].value")).contains("AWARENESS");
        assertThat(errors(not(all(condition("orders.count", "gt", 1), condition("traits.a", "exists", "yes")))))
                .containsOnlyKeys("rule.all[1].not.all[1].value");
        assertThat(errors("{\"any\":[]}")).containsKey("rule.all[1].any");
        assertThat(errors("{\"field\":\"stage\",\"op\":\"eq\",\"value\":\"LAPSED\",\"extra\":1}"))
                .containsKey("rule.all[1].extra");
        assertThat(errors("{\"all\":[],\"any\":[]}")).containsKey("rule.all[1].all");

        JsonNode missing = client().post("/api/v1/segments", "{\"name\":\"x\",\"rules\":{}}").expectStatus(400).json();
        assertThat(missing.findValuesAsText("field")).contains("key", "rule", "rules");
    }

    @Test
    void fileSegmentsAreLoadedAtStartAndChangeOnlyInTheirFile() {
        JsonNode vip = client().get("/api/v1/segments/vip-lapsed").expectStatus(200).json();
        assertThat(vip.path("source").asText()).isEqualTo("segments/vip-lapsed.json");
        assertThat(vip.path("rule").path("all")).hasSize(3);
        client().get("/api/v1/segments/cart-abandoners/count").expectStatus(200);

        Response overwrite = client().post("/api/v1/segments", "{\"key\":\"vip-lapsed\",\"name\":\"x\",\"rule\":"
                + condition("stage", "eq", "LAPSED") + "}");
        assertThat(overwrite.status()).isEqualTo(409);
        assertThat(overwrite.contentType()).startsWith("application/problem+json");
        assertThat(overwrite.json().path("detail").asText()).contains("segments/vip-lapsed.json");
        assertThat(client().delete("/api/v1/segments/vip-lapsed").status()).isEqualTo(409);
    }

    @Test
    void configurationSegmentsAreLoadedAtStartAndChangeOnlyInTheConfiguration() {
        JsonNode big = client().get("/api/v1/segments/config-big-spenders").expectStatus(200).json();
        assertThat(big.path("source").asText()).isEqualTo("config:stageflow.segments.definitions.config-big-spenders");
        assertThat(big.path("rule").path("field").asText()).isEqualTo("orders.total");
        client().get("/api/v1/segments/config-big-spenders/count").expectStatus(200);

        Response overwrite = client().post("/api/v1/segments", "{\"key\":\"config-big-spenders\",\"name\":\"x\",\"rule\":"
                + condition("stage", "eq", "LAPSED") + "}");
        assertThat(overwrite.status()).isEqualTo(409);
        assertThat(overwrite.json().path("detail").asText()).contains("config:stageflow.segments.definitions.config-big-spenders");
    }

    @Test
    void marketersManageSegmentsOperatorsOnlyReadThem() {
        StageflowClient marketer = client(user(Roles.MARKETER), "Segment-pass-42");
        StageflowClient operator = client(user(Roles.OPERATOR), "Segment-pass-42");
        String key = "t-" + run + "-roles";
        String body = "{\"key\":\"" + key + "\",\"name\":\"Roles\",\"rule\":" + condition("stage", "eq", "LAPSED") + "}";

        assertThat(client(null, null).get("/api/v1/segments").status()).isEqualTo(401);
        assertThat(operator.post("/api/v1/segments", body).status()).isEqualTo(403);
        marketer.post("/api/v1/segments", body).expectStatus(201);
        operator.get("/api/v1/segments/" + key).expectStatus(200);
        operator.get("/api/v1/segments/" + key + "/count").expectStatus(200);
        operator.get("/api/v1/segments/" + key + "/preview").expectStatus(200);
        operator.get("/api/v1/segments").expectStatus(200);
        assertThat(operator.delete("/api/v1/segments/" + key).status()).isEqualTo(403);
        marketer.delete("/api/v1/segments/" + key).expectStatus(204);
    }

    private Map<String, String> errors(String rule) {
        Response response = post("t-" + run + "-bad", rule).expectStatus(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        Map<String, String> errors = new LinkedHashMap<>();
        response.json().path("errors").forEach(e -> errors.put(e.path("field").asText(), e.path("message").asText()));
        return errors;
    }

    private String user(String group) {
        String id = group + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        User user = identityService.newUser(id);
        user.setPassword("Segment-pass-42");
        identityService.saveUser(user);
        identityService.createMembership(id, group);
        return id;
    }
}
