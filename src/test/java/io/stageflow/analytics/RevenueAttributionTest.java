package io.stageflow.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.MimeParts;
import io.stageflow.testing.StageflowClient;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.mail.internet.MimeMessage;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.junit.jupiter.api.Test;

/**
 * Revenue attribution over real HTTP and SMTP, rule by rule: an order within a day of the welcome email is credited
 * to it as received (once, however often the event is delivered), in its own currency; an order outside every window
 * is credited to nothing; an order that redeems the reminder's coupon is credited to the reminder exactly. The report
 * never adds two currencies together. (Clicked and opened are in EngagementEndToEndTest, with real tracking.)
 */
class RevenueAttributionTest extends IntegrationTest {

    private static final Pattern CODE = Pattern.compile("[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}");

    @Test
    void anOrderWithinADayOfAJourneyEmailIsCreditedToItOnceAndInItsCurrency() {
        Instant day = Instant.parse("2037-03-04T00:00:00Z"); // no other test orders on this day
        ClockUtil.setCurrentTime(Date.from(day.plus(Duration.ofHours(10))));
        String id = "rev-" + UUID.randomUUID().toString().substring(0, 8);
        client().signUp(id, id + "@example.com", "Ada");
        awaitMail(id + "@example.com", 1);
        awaitSettled(id);
        ClockUtil.setCurrentTime(Date.from(day.plus(Duration.ofHours(22))));
        String order = """
                {"messageId":"order-1-%1$s","type":"order_completed","customerId":"%1$s",
                 "timestamp":"2037-03-04T20:00:00Z","properties":{"orderId":"o1-%1$s","total":30.5,"currency":"eur"}}"""
                .formatted(id);
        client().postEvents(order).expectStatus(202);
        client().postEvents(order).expectStatus(202); // delivered twice: credited once
        client().postEvents("""
                {"messageId":"order-2-%1$s","type":"order_completed","customerId":"%1$s",
                 "timestamp":"2037-03-04T21:00:00Z","properties":{"orderId":"o2-%1$s","revenue":"12.25"}}"""
                .formatted(id)).expectStatus(202);
        awaitSettled(id);

        JsonNode report = client().get("/api/v1/analytics/revenue?from=2037-03-04&to=2037-03-04").expectStatus(200)
                .json();

        assertThat(report.path("timeZone").asText()).isEqualTo("UTC");
        JsonNode totals = report.path("totals");
        assertThat(totals).hasSize(2);
        assertThat(totals.get(0).path("currency").asText()).isEqualTo("EUR");
        assertThat(totals.get(0).path("orders").asLong()).isEqualTo(1);
        assertThat(totals.get(0).path("revenue").decimalValue()).isEqualByComparingTo("30.50");
        assertThat(totals.get(0).at("/ordersByRule/received").asLong()).isEqualTo(1);
        assertThat(totals.get(1).path("currency").asText()).as("no currency: the default").isEqualTo("USD");
        assertThat(totals.get(1).path("revenue").decimalValue()).isEqualByComparingTo("12.25");
        assertThat(report.path("journeys")).hasSize(1);
        JsonNode welcome = report.path("journeys").get(0);
        assertThat(welcome.path("journey").asText()).isEqualTo("welcome");
        assertThat(welcome.path("steps")).hasSize(1);
        assertThat(welcome.at("/steps/0/step").asText()).isEqualTo("SendWelcomeEmail");
        assertThat(welcome.at("/steps/0/template").asText()).isEqualTo("welcome");
        assertThat(welcome.at("/steps/0/totals")).hasSize(2);
        assertThat(report.at("/templates/0/template").asText()).isEqualTo("welcome");

        StageflowClient.Response csv = client().send(HttpRequest.newBuilder(client().uri(
                "/api/v1/analytics/revenue?from=2037-03-04&to=2037-03-04")).header("Accept", "text/csv").GET(), true)
                .expectStatus(200);
        assertThat(csv.contentType()).startsWith("text/csv");
        assertThat(csv.body().split("\r\n")).containsExactly(
                "journey,step,template,currency,rule,orders,revenue",
                "welcome,SendWelcomeEmail,welcome,EUR,received,1,30.50",
                "welcome,SendWelcomeEmail,welcome,USD,received,1,12.25");

        JsonNode export = client().get("/api/v1/customers/" + id + "/export").expectStatus(200).json();
        assertThat(export.path("attributedOrders")).hasSize(2);
    }

    @Test
    void anOrderOutsideEveryWindowIsCreditedToNothing() {
        Instant day = Instant.parse("2037-04-06T00:00:00Z");
        ClockUtil.setCurrentTime(Date.from(day.plus(Duration.ofHours(9))));
        String id = "rev-late-" + UUID.randomUUID().toString().substring(0, 8);
        client().signUp(id, id + "@example.com", "Bo");
        awaitMail(id + "@example.com", 1);
        awaitSettled(id);
        ClockUtil.setCurrentTime(Date.from(day.plus(Duration.ofHours(33))));
        client().postEvents("""
                {"messageId":"late-%1$s","type":"order_completed","customerId":"%1$s",
                 "timestamp":"2037-04-07T09:00:01Z","properties":{"orderId":"late-%1$s","total":99}}"""
                .formatted(id)).expectStatus(202); // a day and a second after the email: outside "received"
        awaitSettled(id);

        JsonNode report = client().get("/api/v1/analytics/revenue?from=2037-04-06&to=2037-04-07").expectStatus(200)
                .json();
        assertThat(report.path("totals")).isEmpty();
        assertThat(report.path("journeys")).isEmpty();
    }

    @Test
    void anOrderThatRedeemsTheRemindersCouponIsCreditedToTheReminderExactly() {
        Instant day = Instant.parse("2037-05-08T00:00:00Z");
        ClockUtil.setCurrentTime(Date.from(day.plus(Duration.ofHours(8))));
        String id = "rev-coupon-" + UUID.randomUUID().toString().substring(0, 8);
        String email = id + "@example.com";
        client().signUp(id, email, "Cy");
        awaitMail(email, 1);
        awaitSettled(id);
        advanceClock(Duration.ofDays(3).plusMinutes(1));
        List<MimeMessage> mail = awaitMail(email, 2);
        Matcher code = CODE.matcher(MimeParts.of(mail.get(1)).text());
        assertThat(code.find()).as("the reminder carries a coupon").isTrue();
        awaitSettled(id);
        String reminderTemplate = jdbc.sql("select template_key from sf_outbox where customer_id = ? and step_id = ?")
                .params(id, "SendReminderEmail").query(String.class).single();
        client().postEvents("""
                {"messageId":"coupon-order-%1$s","type":"order_completed","customerId":"%1$s",
                 "properties":{"orderId":"coupon-order-%1$s","total":54.90,"currency":"EUR","couponCode":"%2$s"}}"""
                .formatted(id, code.group())).expectStatus(202);
        awaitSettled(id);

        JsonNode report = client().get("/api/v1/analytics/revenue?from=2037-05-11&to=2037-05-11&journey=welcome")
                .expectStatus(200).json();
        JsonNode steps = report.at("/journeys/0/steps");
        assertThat(steps).hasSize(1);
        assertThat(steps.at("/0/step").asText()).isEqualTo("SendReminderEmail");
        assertThat(steps.at("/0/template").asText()).isEqualTo(reminderTemplate);
        assertThat(steps.at("/0/totals/0/currency").asText()).isEqualTo("EUR");
        assertThat(steps.at("/0/totals/0/revenue").decimalValue()).isEqualByComparingTo("54.90");
        assertThat(steps.at("/0/totals/0/ordersByRule/coupon").asLong()).isEqualTo(1);
    }

    @Test
    void aBadPeriodIsRefusedNamingTheField() {
        StageflowClient.Response refused = client().get("/api/v1/analytics/revenue?from=2037-02-30&to=2037-03-01")
                .expectStatus(400);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.body()).contains("\"from\"");
    }
}
