package io.stageflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.MimeParts;
import io.stageflow.testing.StageflowClient.Response;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;

import org.camunda.bpm.engine.HistoryService;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The referral program over real HTTP: A signs up, B signs up with A's code and orders, and A gets exactly one
 * reward email with a valid code and becomes an advocate. Self-referrals and a second referral of B are rejected,
 * each with its reason in the API.
 */
class ReferralEndToEndTest extends IntegrationTest {

    private static final Pattern CODE = Pattern.compile("[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}");

    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @Autowired
    HistoryService historyService;

    @Test
    void aFriendsFirstOrderRewardsTheReferrerOnceWithAValidCouponAndMakesThemAnAdvocate() throws Exception {
        String a = "ref-a-" + run;
        String b = "ref-b-" + run;
        client().signUp(a, a + "@example.com", "Ada");
        JsonNode referral = client().get("/api/v1/customers/" + a + "/referral").expectStatus(200).json();
        String code = referral.path("code").asText();
        assertThat(code).matches("[A-HJKMNP-Z2-9]{8}");
        assertThat(referral.path("link").asText()).isEqualTo("https://stageflow.test/r/" + code);
        assertThat(client().get("/api/v1/customers/" + a + "/referral").json().path("code").asText())
                .as("stable").isEqualTo(code);
        Response link = client(null, null).get("/r/" + code);
        assertThat(link.status()).isEqualTo(302);

        signUpWithCode(b, b + "@example.com", code, "signup-" + b);
        awaitSettled(b);
        JsonNode friend = client().get("/api/v1/customers/" + b + "/referral").json();
        assertThat(friend.path("referredBy").get(0).path("referrerId").asText()).isEqualTo(a);
        assertThat(friend.path("referredBy").get(0).path("status").asText()).isEqualTo("linked");
        Matcher friendCode = CODE.matcher(MimeParts.of(awaitMail(b + "@example.com", 1).get(0)).text());
        assertThat(friendCode.find()).as("the friend's welcome carries the friend offer").isTrue();
        assertThat(jdbc.sql("select offer_key from sf_coupon where code = ?").param(friendCode.group())
                .query(String.class).single()).isEqualTo("referral-friend");

        order(b, "b-order-1");
        awaitSettled(b);
        await().atMost(PATIENCE).until(() -> jdbc.sql("""
                select count(*) from sf_outbox where customer_id = ? and template_key = 'referral-reward'""")
                .param(a).query(Long.class).single() == 1);
        // A had the welcome email today: the reward waits for the frequency cap (one marketing email a day).
        advanceClock(Duration.ofHours(25));
        await().atMost(PATIENCE).until(() -> rewards(a).size() == 1);
        order(b, "b-order-2"); // a second order is no second conversion
        awaitSettled(b);
        awaitSettled(a);

        List<MimeMessage> rewards = rewards(a);
        assertThat(rewards).hasSize(1);
        Matcher found = CODE.matcher(MimeParts.of(rewards.get(0)).text());
        assertThat(found.find()).isTrue();
        JsonNode valid = client().post("/api/v1/coupons/" + found.group() + "/validate",
                "{\"customerId\":\"" + a + "\"}").expectStatus(200).json();
        assertThat(valid.path("valid").asBoolean()).isTrue();
        assertThat(valid.path("offer").asText()).isEqualTo("referral-reward");
        assertThat(client().get("/api/v1/customers/" + a).json().path("stage").asText()).isEqualTo("ADVOCACY");
        assertThat(client().get("/api/v1/customers/" + a + "/referral").json().path("referrals").get(0)
                .path("status").asText()).isEqualTo("converted");

        // B signs up again with another customer's code: B was referred already.
        String c = "ref-c-" + run;
        client().signUp(c, c + "@example.com", "Cy");
        String otherCode = client().get("/api/v1/customers/" + c + "/referral").json().path("code").asText();
        signUpWithCode(b, b + "@example.com", otherCode, "signup-again-" + b);
        awaitSettled(b);
        JsonNode second = client().get("/api/v1/customers/" + b + "/referral").json().path("referredBy").get(1);
        assertThat(second.path("status").asText()).isEqualTo("rejected");
        assertThat(second.path("reason").asText()).isEqualTo("The friend was already referred by another customer");
    }

    @Test
    void aRefundOfTheFriendsFirstOrderRevokesTheUnusedReward() {
        String a = "ref-ra-" + run;
        String b = "ref-rb-" + run;
        client().putCustomer(a, "{\"email\":\"" + a + "@example.com\"}").expectStatus(201);
        String code = client().get("/api/v1/customers/" + a + "/referral").json().path("code").asText();
        signUpWithCode(b, b + "@example.com", code, "signup-" + b);
        order(b, "rb-order-1");
        awaitSettled(b);
        await().atMost(PATIENCE).until(() -> rewards(a).size() == 1);
        String coupon = jdbc.sql("select code from sf_coupon where customer_id = ? and offer_key = 'referral-reward'")
                .param(a).query(String.class).single();
        await().atMost(PATIENCE).until(() -> "ISSUED".equals(couponStatus(coupon)));

        client().postEvents("""
                {"messageId":"refund-%1$s","type":"order_refunded","customerId":"%1$s","properties":{"orderId":"rb-order-1"}}"""
                .formatted(b)).expectStatus(202);
        awaitSettled(b);
        awaitSettled(a);

        await().atMost(PATIENCE).until(() -> "REVOKED".equals(couponStatus(coupon)));
        assertThat(client().post("/api/v1/coupons/" + coupon + "/validate", "{\"customerId\":\"" + a + "\"}").json()
                .path("status").asText()).isEqualTo("revoked");
        assertThat(client().get("/api/v1/customers/" + a + "/referral").json().path("referrals").get(0)
                .path("status").asText()).isEqualTo("refunded");
        assertThat(historyService.createHistoricActivityInstanceQuery().activityId("RewardRevoked")
                .processInstanceId(jdbc.sql("select journey_instance_id from sf_coupon where code = ?").param(coupon)
                        .query(String.class).single()).count()).isEqualTo(1);
    }

    private String couponStatus(String code) {
        return jdbc.sql("select status from sf_coupon where code = ?").param(code).query(String.class).single();
    }

    @Test
    void selfReferralsAreRejectedWithTheirReason() {
        String self = "ref-self-" + run;
        client().putCustomer(self, "{\"email\":\"" + self + "@example.com\"}").expectStatus(201);
        String code = client().get("/api/v1/customers/" + self + "/referral").json().path("code").asText();
        client().postEvents("""
                {"messageId":"signup-%1$s","type":"signed_up","customerId":"%1$s","properties":{"referralCode":"%2$s"}}"""
                .formatted(self, code)).expectStatus(202);
        awaitSettled(self);
        JsonNode sameCustomer = client().get("/api/v1/customers/" + self + "/referral").json().path("referredBy").get(0);
        assertThat(sameCustomer.path("status").asText()).isEqualTo("rejected");
        assertThat(sameCustomer.path("reason").asText()).startsWith("Self-referral: the referrer and the friend are the same");

        String owner = "ref-gmail-" + run;
        client().putCustomer(owner, "{\"email\":\"ada.lovelace" + run + "@gmail.com\"}").expectStatus(201);
        String ownerCode = client().get("/api/v1/customers/" + owner + "/referral").json().path("code").asText();
        String alias = "ref-alias-" + run;
        signUpWithCode(alias, "Ada.Love.Lace" + run + "+friend@googlemail.com", ownerCode, "signup-" + alias);
        awaitSettled(alias);
        JsonNode sameMailbox = client().get("/api/v1/customers/" + alias + "/referral").json().path("referredBy").get(0);
        assertThat(sameMailbox.path("status").asText()).isEqualTo("rejected");
        assertThat(sameMailbox.path("reason").asText()).contains("Self-referral").contains("mailbox");
        JsonNode ownerView = client().get("/api/v1/customers/" + owner + "/referral").json();
        assertThat(ownerView.path("referrals").get(0).path("reason").asText()).contains("Self-referral");

        String known = "ref-known-" + run;
        client().signUp(known, known + "@example.com", "Kim");
        signUpWithCode(known, known + "@example.com", ownerCode, "signup-later-" + known);
        awaitSettled(known);
        assertThat(client().get("/api/v1/customers/" + known + "/referral").json().path("referredBy").get(0)
                .path("reason").asText()).isEqualTo("The friend was already known before the referral");
    }

    private void signUpWithCode(String id, String email, String code, String messageId) {
        if (client().get("/api/v1/customers/" + id).status() == 404) {
            client().putCustomer(id, "{\"email\":\"" + email + "\",\"firstName\":\"Bo\"}").expectStatus(201);
        }
        client().postEvents("""
                {"messageId":"%s","type":"signed_up","customerId":"%s","properties":{"referralCode":"%s"}}"""
                .formatted(messageId, id, code)).expectStatus(202);
    }

    private void order(String id, String orderId) {
        client().postEvents("""
                {"messageId":"%1$s-%2$s","type":"order_completed","customerId":"%2$s",
                 "properties":{"orderId":"%1$s","total":42.50}}""".formatted(orderId, id)).expectStatus(202);
    }

    private static List<MimeMessage> rewards(String id) {
        return mailTo(id + "@example.com").stream().filter(mail -> {
            try {
                return mail.getSubject().startsWith("Thank you");
            } catch (MessagingException e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }
}
