package io.stageflow.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.StageflowClient;
import io.stageflow.testing.StageflowClient.Response;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A browser write key is public, so it may add to what Stageflow knows but never change a known customer: it tracks,
 * and identifies anonymous or new profiles, but cannot alter an existing customer's email, consent or traits, cannot
 * alias, and cannot use {@code /api/**}. A server key keeps every power.
 */
class BrowserWriteKeyTest extends IntegrationTest {

    private StageflowClient admin;
    private String browserKey;
    private String serverKey;
    private String userId;

    @BeforeEach
    void keys() {
        admin = client();
        browserKey = issue("{\"name\":\"web shop pages\",\"kind\":\"browser\"}").path("key").asText();
        serverKey = issue("{\"name\":\"shop backend\",\"kind\":\"server\"}").path("key").asText();
        userId = "bk-" + UUID.randomUUID().toString().substring(0, 12);
    }

    @Test
    void aBrowserKeyCannotChangeAKnownCustomersEmailConsentOrTraits() {
        admin.putCustomer(userId, """
                {"email":"%s@example.com","firstName":"Ada","marketingConsent":false,"traits":{"plan":"free"}}"""
                .formatted(userId)).expectStatus(201);

        Response answer = admin.postSegment("/v1/identify", browserKey, """
                {"userId":"%s","messageId":"takeover-%s","traits":{"email":"attacker@example.net",
                 "firstName":"Mallory","marketingConsent":true,"plan":"vip"},"context":{"locale":"fr-FR"}}"""
                .formatted(userId, userId));

        assertThat(answer.status()).as("a Segment library would retry anything else").isEqualTo(200);
        assertThat(answer.json().path("success").asBoolean()).isTrue();
        assertThat(answer.json().path("ignored").asInt()).isEqualTo(1);
        assertThat(answer.json().path("results").get(0).path("status").asText()).isEqualTo("ignored");
        JsonNode customer = admin.get("/api/v1/customers/" + userId).expectStatus(200).json();
        assertThat(customer.path("email").asText()).isEqualTo(userId + "@example.com");
        assertThat(customer.path("marketingConsent").asBoolean(true)).isFalse();
        assertThat(customer.path("firstName").asText()).isEqualTo("Ada");
        assertThat(customer.path("traits").path("plan").asText()).isEqualTo("free");
        assertThat(customer.path("locale").asText()).isNotEqualTo("fr-FR");
    }

    @Test
    void aBrowserKeyIdentifiesNewAndAnonymousProfiles() {
        String anonymousId = "anon-" + UUID.randomUUID();

        Response created = admin.postSegment("/v1/identify", browserKey, """
                {"userId":"%1$s","messageId":"new-%1$s","traits":{"email":"%1$s@example.com","marketingConsent":true}}"""
                .formatted(userId));
        admin.postSegment("/v1/identify", browserKey, """
                {"anonymousId":"%s","messageId":"anon-1-%s","traits":{"plan":"free"}}""".formatted(anonymousId, userId))
                .expectStatus(200);
        Response updated = admin.postSegment("/v1/identify", browserKey, """
                {"anonymousId":"%s","messageId":"anon-2-%s","traits":{"email":"%s@example.com","plan":"trial"}}"""
                .formatted(anonymousId, userId, userId));

        assertThat(created.status()).isEqualTo(200);
        assertThat(created.json().has("ignored")).isFalse();
        JsonNode customer = admin.get("/api/v1/customers/" + userId).expectStatus(200).json();
        assertThat(customer.path("email").asText()).isEqualTo(userId + "@example.com");
        assertThat(customer.path("marketingConsent").asBoolean()).isTrue();
        assertThat(updated.status()).isEqualTo(200);
        assertThat(updated.json().has("ignored")).as("the visitor's own anonymous profile").isFalse();
        JsonNode visitor = admin.get("/api/v1/customers/anonymous:" + anonymousId).expectStatus(200).json();
        assertThat(visitor.path("traits").path("plan").asText()).isEqualTo("trial");
        assertThat(visitor.path("email").asText()).isEqualTo(userId + "@example.com");
    }

    @Test
    void aBrowserKeyTracksPagesAndScreens() {
        admin.postSegment("/v1/track", browserKey, """
                {"userId":"%1$s","event":"Product Viewed","messageId":"track-%1$s","properties":{"sku":"A-1"}}"""
                .formatted(userId)).expectStatus(200);
        admin.postSegment("/v1/page", browserKey, """
                {"userId":"%1$s","name":"Pricing","messageId":"page-%1$s"}""".formatted(userId)).expectStatus(200);
        admin.postSegment("/v1/screen", browserKey, """
                {"userId":"%1$s","name":"Home","messageId":"screen-%1$s"}""".formatted(userId)).expectStatus(200);

        assertThat(admin.get("/api/v1/events/track-" + userId).json().path("type").asText()).isEqualTo("product_viewed");
        assertThat(admin.get("/api/v1/events/page-" + userId).json().path("type").asText()).isEqualTo("page_viewed");
        assertThat(admin.get("/api/v1/events/screen-" + userId).json().path("type").asText()).isEqualTo("screen_viewed");
    }

    @Test
    void aBrowserKeyCannotAliasAloneOrInABatch() {
        String anonymousId = "anon-" + UUID.randomUUID();
        admin.postSegment("/v1/page", browserKey, """
                {"anonymousId":"%s","name":"Pricing","messageId":"alias-page-%s"}""".formatted(anonymousId, userId))
                .expectStatus(200);
        admin.putCustomer(userId, "{\"email\":\"" + userId + "@example.com\"}").expectStatus(201);

        Response alias = admin.postSegment("/v1/alias", browserKey, """
                {"previousId":"%s","userId":"%s","messageId":"alias-%s"}""".formatted(anonymousId, userId, userId));
        Response batch = admin.postSegment("/v1/batch", browserKey, """
                {"batch":[{"type":"track","userId":"%1$s","event":"Clicked","messageId":"batch-track-%1$s"},
                          {"type":"alias","previousId":"%2$s","userId":"%1$s","messageId":"batch-alias-%1$s"}]}"""
                .formatted(userId, anonymousId));

        assertThat(alias.status()).isEqualTo(403);
        assertThat(alias.contentType()).startsWith("application/problem+json");
        assertThat(batch.status()).as("as Segment answers; its libraries would retry a 400 forever").isEqualTo(200);
        assertThat(batch.json().path("rejected").asInt()).isEqualTo(1);
        assertThat(batch.json().path("errors").get(0).path("field").asText()).isEqualTo("batch[1].type");
        assertThat(batch.json().path("results").get(0).path("status").asText()).isEqualTo("accepted");
        assertThat(admin.get("/api/v1/customers/anonymous:" + anonymousId).status()).as("not merged").isEqualTo(200);
        assertThat(admin.get("/api/v1/events/alias-page-" + userId).json().path("customerId").asText())
                .isEqualTo("anonymous:" + anonymousId);
    }

    @Test
    void aBrowserKeyCannotUseTheApiButAServerKeyCan() {
        admin.putCustomer(userId, "{\"email\":\"" + userId + "@example.com\"}").expectStatus(201);
        String event = "{\"messageId\":\"api-%1$s\",\"type\":\"page_viewed\",\"customerId\":\"%1$s\"}".formatted(userId);

        Response browser = client(browserKey, "").postEvents(event);
        Response coupon = client(browserKey, "").post("/api/v1/coupons/ANY-CODE/validate", "{}");

        assertThat(browser.status()).isEqualTo(403);
        assertThat(browser.contentType()).startsWith("application/problem+json");
        assertThat(coupon.status()).isEqualTo(403);
        assertThat(client(serverKey, "").postEvents(event).status()).isEqualTo(202);
    }

    @Test
    void aServerKeyKeepsEveryPower() {
        String anonymousId = "anon-" + UUID.randomUUID();
        admin.putCustomer(userId, "{\"email\":\"" + userId + "@example.com\",\"marketingConsent\":false}")
                .expectStatus(201);
        admin.postSegment("/v1/page", serverKey, """
                {"anonymousId":"%s","name":"Pricing","messageId":"srv-page-%s"}""".formatted(anonymousId, userId))
                .expectStatus(200);

        Response identify = admin.postSegment("/v1/identify", serverKey, """
                {"userId":"%1$s","messageId":"srv-id-%1$s","traits":{"email":"new-%1$s@example.com","marketingConsent":true}}"""
                .formatted(userId));
        Response alias = admin.postSegment("/v1/alias", serverKey, """
                {"previousId":"%s","userId":"%s","messageId":"srv-alias-%s"}""".formatted(anonymousId, userId, userId));

        assertThat(identify.body()).isEqualTo("{\"success\":true}");
        assertThat(alias.status()).isEqualTo(200);
        JsonNode customer = admin.get("/api/v1/customers/" + userId).json();
        assertThat(customer.path("email").asText()).isEqualTo("new-" + userId + "@example.com");
        assertThat(customer.path("marketingConsent").asBoolean()).isTrue();
        assertThat(admin.get("/api/v1/customers/anonymous:" + anonymousId).status()).as("merged").isEqualTo(404);
    }

    @Test
    void theKindIsChosenAtCreationDefaultsToServerAndIsListed() {
        JsonNode browser = issue("{\"name\":\"kind-list browser\",\"kind\":\"browser\"}");
        JsonNode unspecified = issue("{\"name\":\"kind-list default\"}");
        Response invalid = admin.post("/api/v1/write-keys", "{\"name\":\"kind-list wrong\",\"kind\":\"public\"}");

        assertThat(browser.path("kind").asText()).isEqualTo("browser");
        assertThat(unspecified.path("kind").asText()).isEqualTo("server");
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.body()).contains("\"field\":\"kind\"");
        JsonNode listed = admin.get("/api/v1/write-keys").expectStatus(200).json();
        assertThat(kindOf(listed, browser.path("id").asText())).isEqualTo("browser");
        assertThat(kindOf(listed, unspecified.path("id").asText())).isEqualTo("server");
    }

    private static String kindOf(JsonNode keys, String id) {
        for (JsonNode key : keys) {
            if (key.path("id").asText().equals(id)) {
                return key.path("kind").asText();
            }
        }
        throw new AssertionError("write key " + id + " is not listed");
    }

    private JsonNode issue(String body) {
        return admin.post("/api/v1/write-keys", body).expectStatus(201).json();
    }
}
