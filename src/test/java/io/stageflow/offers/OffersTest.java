package io.stageflow.offers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;

import io.stageflow.subscriptions.TestSuppressions;
import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.MimeParts;

import jakarta.mail.internet.MimeMessage;

import org.camunda.bpm.engine.RepositoryService;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

/**
 * Offers and coupons end to end: the Issue coupon step, the email that carries the coupon ({@code $offer}), release
 * when that email is suppressed, the checkout's validate call in every case, redemption by an order with its
 * attribution, and twenty concurrent redemptions of one single-use code.
 */
class OffersTest extends IntegrationTest {

    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @Autowired
    RepositoryService repositoryService;

    @Autowired
    Coupons coupons;

    @Autowired
    ApplicationContext context;

    @Test
    void theEmailAfterTheIssueCouponStepCarriesTheCouponAndSendingIssuesIt() throws Exception {
        String offer = offer("percent", "12.5", 20, "30");
        String journey = journey(offer);
        String id = customer("issued", "de-DE", "Europe/Berlin");

        String instance = runtimeService.startProcessInstanceByKey(journey, id).getId();
        String code = couponOf(instance);
        assertThat(code).matches("[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}");

        MimeMessage mail = awaitMail(email(id), 1).get(0);
        String text = MimeParts.of(mail).text().replace('\u00a0', ' ').replace('\u202f', ' ');
        assertThat(text).contains(code).contains("12,5 %").contains("30,00 €");
        await().atMost(PATIENCE).until(() -> status(code).equals("ISSUED"));
        assertThat(report(offer)).containsEntry("issued", 1).containsEntry("released", 0);

        // The same step execution asking again gets the same coupon.
        assertThat(coupons.reserve(offer, id, instance + ":Issue:0", journey, instance, "Issue")).isEqualTo(code);
    }

    @Test
    void aCouponWhoseEmailIsSuppressedIsReleasedAndNotCountedAsIssued() {
        String offer = offer("amount", "5", 7, null);
        String journey = journey(offer);
        String id = customer("suppressed", "en-GB", "Europe/London");
        TestSuppressions.unsubscribe(context, email(id));

        String instance = runtimeService.startProcessInstanceByKey(journey, id).getId();
        String code = couponOf(instance);
        awaitSettled(id);

        await().atMost(PATIENCE).until(() -> status(code).equals("RELEASED"));
        assertThat(mailTo(email(id))).isEmpty();
        assertThat(report(offer)).containsEntry("issued", 0).containsEntry("released", 1).containsEntry("reserved", 0);
        assertThat(validate(code, id, null).path("status").asText()).isEqualTo("not_issued");
    }

    @Test
    void theValidateEndpointAnswersEveryCaseWithoutRedeeming() {
        String offer = offer("percent", "10", 14, "50");
        String journey = journey(offer);
        String id = customer("validate", "en-US", "America/New_York");
        String code = issue(journey, id);

        JsonNode valid = validate(code, id, "80");
        assertThat(valid.path("valid").asBoolean()).isTrue();
        assertThat(valid.path("status").asText()).isEqualTo("valid");
        assertThat(valid.path("offer").asText()).isEqualTo(offer);
        assertThat(validate(code.toLowerCase(Locale.ROOT).replace("-", " "), id, "80").path("status").asText())
                .as("typed in lower case with spaces").isEqualTo("valid");
        assertThat(validate(code, id, null).path("status").asText()).as("no order total yet").isEqualTo("valid");
        assertThat(validate(code, id, "49.99").path("status").asText()).isEqualTo("below_minimum");
        assertThat(validate(code, "someone-else-" + run, "80").path("status").asText()).isEqualTo("wrong_customer");
        assertThat(validate("ABCD-EFGH-JKMN", id, "80").path("status").asText()).isEqualTo("not_found");
        assertThat(validate("not a code", id, "80").path("valid").asBoolean()).isFalse();
        assertThat(status(code)).as("validating never redeems").isEqualTo("ISSUED");

        order(id, "o-1", "80", code);
        awaitSettled(id);
        assertThat(validate(code, id, "80").path("status").asText()).isEqualTo("used");
        assertThat(validate(code, id, "80").path("message").asText()).isEqualTo("The code has already been used");

        // One marketing email a day per customer (the frequency cap): the other cases get customers of their own.
        String revokedId = customer("validate-revoked", "en-US", "America/New_York");
        String revoked = issue(journey, revokedId);
        coupons.revokeUnredeemed(instanceOf(revoked), "test");
        assertThat(validate(revoked, revokedId, "80").path("status").asText()).isEqualTo("revoked");

        String expiredId = customer("validate-expired", "en-US", "America/New_York");
        String expired = issue(journey, expiredId);
        advanceClock(Duration.ofDays(15));
        assertThat(validate(expired, expiredId, "80").path("status").asText()).isEqualTo("expired");

        client().post("/api/v1/coupons/" + code + "/validate", "{}").expectStatus(400);
    }

    @Test
    void anOrderWithTheCodeRedeemsItAndIsAttributedToTheStepThatIssuedIt() {
        String offer = offer("amount", "5", 30, null);
        String journey = journey(offer);
        String id = customer("redeem", "en-GB", "Europe/London");
        String code = issue(journey, id);

        order(id, "o-77", "64.90", code);
        awaitSettled(id);

        assertThat(status(code)).isEqualTo("REDEEMED");
        JsonNode attribution = client().get("/api/v1/coupons/attribution?journey=" + journey).expectStatus(200).json();
        assertThat(attribution).hasSize(1);
        assertThat(attribution.get(0).path("stepId").asText()).as("the send step whose email carried the code")
                .isEqualTo("Send");
        assertThat(attribution.get(0).path("orders").asLong()).isEqualTo(1);
        assertThat(attribution.get(0).path("revenue").decimalValue()).isEqualByComparingTo("64.90");
        assertThat(client().get("/api/v1/events/order-o-77-" + run).json().path("outcome").asText()).isNotBlank();
    }

    @Test
    void couponsAreInTheExportAndAnErasureRevokesTheUnusedOnes() {
        String offer = offer("amount", "5", 30, null);
        String id = customer("erased", "en-GB", "Europe/London");
        String code = issue(journey(offer), id);

        JsonNode export = client().get("/api/v1/customers/" + id + "/export").expectStatus(200).json();
        assertThat(export.path("coupons").get(0).path("code").asText()).isEqualTo(code);
        assertThat(export.path("coupons").get(0).path("status").asText()).isEqualTo("issued");

        client().delete("/api/v1/customers/" + id).expectStatus(204);
        assertThat(status(code)).isEqualTo("REVOKED");
        assertThat(jdbc.sql("select customer_id from sf_coupon where code = ?").param(code).query(String.class).single())
                .startsWith("erased:");
    }

    @Test
    void theLoyaltyMilestoneRewardEmailCarriesALoyaltyRewardCoupon() throws Exception {
        String id = customer("loyal", "en-GB", "Europe/London");
        // Four orders counted before (Stageflow's own count decides, not one the shop sends).
        jdbc.sql("update sf_customer set order_count = 4 where id = ?").param(id).update();
        client().postEvents("""
                {"messageId":"order-loyal-%1$s","type":"order_completed","customerId":"%2$s",
                 "properties":{"orderId":"loyal-5","total":30}}""".formatted(run, id)).expectStatus(202);
        awaitSettled(id);
        advanceClock(Duration.ofHours(12)); // past quiet hours, whatever the time of day

        MimeMessage reward = awaitMail(email(id), 1).get(0);
        assertThat(reward.getSubject()).startsWith("Thank you for your loyalty");
        String code = jdbc.sql("select code from sf_coupon where customer_id = ? and offer_key = 'loyalty-reward'")
                .param(id).query(String.class).single();
        assertThat(MimeParts.of(reward).text()).contains(code).contains("€15.00");
        await().atMost(PATIENCE).until(() -> status(code).equals("ISSUED"));
    }

    /** The acceptance test for MariaDB: run with -Dstageflow.test.db=mariadb. */
    @Test
    void ofTwentyConcurrentRedemptionsOfASingleUseCodeExactlyOneSucceeds() throws Exception {
        String offer = offer("percent", "20", 30, null);
        String journey = journey(offer);
        String id = customer("race", "en-GB", "Europe/London");
        String code = issue(journey, id);

        int threads = 20;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<CouponCheck>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < threads; i++) {
                String order = "race-order-" + i;
                Callable<CouponCheck> redeem = () -> {
                    start.await();
                    return coupons.redeem(code, id, order, new BigDecimal("100"));
                };
                answers.add(pool.submit(redeem));
            }
            start.countDown();
            List<CouponCheck> results = new ArrayList<>();
            for (Future<CouponCheck> answer : answers) {
                results.add(answer.get());
            }
            assertThat(results).filteredOn(r -> r == CouponCheck.VALID).hasSize(1);
            assertThat(results).filteredOn(r -> r == CouponCheck.USED).hasSize(threads - 1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(jdbc.sql("select uses from sf_coupon where code = ?").param(code).query(Integer.class).single())
                .isEqualTo(1);
        assertThat(jdbc.sql("""
                select count(*) from sf_coupon_redemption r join sf_coupon c on c.id = r.coupon_id where c.code = ?""")
                .param(code).query(Long.class).single()).isEqualTo(1);
    }

    // --- helpers

    private String offer(String kind, String value, int validityDays, String minimumOrder) {
        String key = "test-" + kind + "-" + run + "-" + UUID.randomUUID().toString().substring(0, 4);
        client().post("/api/v1/offers", """
                {"key":"%s","kind":"%s","value":%s,"currency":"EUR","validityDays":%d%s}"""
                .formatted(key, kind, value, validityDays, minimumOrder == null ? "" : ",\"minimumOrder\":" + minimumOrder))
                .expectStatus(201);
        return key;
    }

    private String journey(String offer) {
        String process = "offer-journey-" + offer;
        String bpmn = """
                <?xml version="1.0" encoding="UTF-8"?>
                <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d-%1$s" targetNamespace="http://bpmn.io/schema/bpmn">
                  <bpmn:process id="%1$s" isExecutable="true" camunda:historyTimeToLive="P1D">
                    <bpmn:startEvent id="Start"/>
                    <bpmn:serviceTask id="Issue" camunda:delegateExpression="${issueCoupon}">
                      <bpmn:extensionElements><camunda:inputOutput>
                        <camunda:inputParameter name="offer">%2$s</camunda:inputParameter>
                      </camunda:inputOutput></bpmn:extensionElements>
                    </bpmn:serviceTask>
                    <bpmn:serviceTask id="Send" camunda:delegateExpression="${sendEmail}">
                      <bpmn:extensionElements><camunda:inputOutput>
                        <camunda:inputParameter name="template">first-order-offer</camunda:inputParameter>
                        <camunda:inputParameter name="quietHours">ignore</camunda:inputParameter>
                      </camunda:inputOutput></bpmn:extensionElements>
                    </bpmn:serviceTask>
                    <bpmn:endEvent id="End"/>
                    <bpmn:sequenceFlow id="f1" sourceRef="Start" targetRef="Issue"/>
                    <bpmn:sequenceFlow id="f2" sourceRef="Issue" targetRef="Send"/>
                    <bpmn:sequenceFlow id="f3" sourceRef="Send" targetRef="End"/>
                  </bpmn:process>
                </bpmn:definitions>
                """.formatted(process, offer);
        repositoryService.createDeployment().name("offers-test").addString(process + ".bpmn", bpmn).deploy();
        return process;
    }

    private String customer(String name, String locale, String timeZone) {
        String id = "offers-" + name + "-" + run;
        client().putCustomer(id, """
                {"email":"%s","firstName":"Kim","locale":"%s","timeZone":"%s"}"""
                .formatted(email(id), locale, timeZone)).expectStatus(201);
        return id;
    }

    private static String email(String id) {
        return id + "@example.com";
    }

    /** Runs the journey once for the customer and waits until its coupon is issued (its email sent). */
    private String issue(String journey, String id) {
        String instance = runtimeService.startProcessInstanceByKey(journey, id).getId();
        String code = couponOf(instance);
        await().atMost(PATIENCE).until(() -> status(code).equals("ISSUED"));
        return code;
    }

    private String couponOf(String instance) {
        return jdbc.sql("select code from sf_coupon where journey_instance_id = ? order by id").param(instance)
                .query(String.class).list().get(0);
    }

    private String instanceOf(String code) {
        return jdbc.sql("select journey_instance_id from sf_coupon where code = ?").param(code).query(String.class).single();
    }

    private String status(String code) {
        return jdbc.sql("select status from sf_coupon where code = ?").param(code).query(String.class).single();
    }

    private Map<String, Object> report(String offer) {
        JsonNode coupons = client().get("/api/v1/offers/" + offer + "/report").expectStatus(200).json().path("coupons");
        Map<String, Object> counts = new java.util.HashMap<>();
        coupons.fields().forEachRemaining(field -> counts.put(field.getKey(), field.getValue().asInt()));
        return counts;
    }

    private JsonNode validate(String code, String customerId, String orderTotal) {
        return client().post("/api/v1/coupons/" + code.replace(" ", "%20") + "/validate", """
                {"customerId":"%s"%s}""".formatted(customerId, orderTotal == null ? "" : ",\"orderTotal\":" + orderTotal))
                .expectStatus(200).json();
    }

    private void order(String id, String orderId, String total, String code) {
        client().postEvents("""
                {"messageId":"order-%s-%s","type":"order_completed","customerId":"%s",
                 "properties":{"orderId":"%s","total":%s,"couponCode":"%s"}}"""
                .formatted(orderId, run, id, orderId, total, code)).expectStatus(202);
    }
}
