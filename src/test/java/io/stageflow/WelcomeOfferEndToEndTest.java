package io.stageflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.MimeParts;

import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.Test;

/**
 * The welcome journey's reminder carries a first-order coupon; the order that redeems it is attributed, with its
 * revenue, to the welcome journey's reminder step, both in the redemption table and in the attribution API.
 */
class WelcomeOfferEndToEndTest extends IntegrationTest {

    private static final Pattern CODE = Pattern.compile("[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}");

    @Test
    void theReminderCouponIsRedeemedAndTheOrderIsAttributedToTheReminderStep() throws Exception {
        String id = "welcome-offer-" + UUID.randomUUID().toString().substring(0, 12);
        String email = id + "@example.com";
        client().signUp(id, email, "Bea");
        awaitMail(email, 1);
        awaitSettled(id);

        advanceClock(Duration.ofDays(3).plusMinutes(1));
        List<MimeMessage> mail = awaitMail(email, 2);
        String text = MimeParts.of(mail.get(1)).text();
        Matcher found = CODE.matcher(text);
        assertThat(found.find()).as("the reminder shows a coupon code").isTrue();
        String code = found.group();
        assertThat(text).contains("10% off your first order").contains("€20.00");
        await().atMost(PATIENCE).until(() -> "ISSUED".equals(status(code)));

        String orderId = "first-" + id;
        client().postEvents("""
                {"messageId":"%1$s","type":"order_completed","customerId":"%2$s",
                 "properties":{"orderId":"%1$s","total":54.90,"couponCode":"%3$s"}}""".formatted(orderId, id, code))
                .expectStatus(202);
        awaitSettled(id);

        assertThat(status(code)).isEqualTo("REDEEMED");
        Map<String, Object> redemption = jdbc.sql("""
                select journey_key, step_id, order_total from sf_coupon_redemption where order_id = ?""")
                .param(orderId).query().singleRow();
        assertThat(redemption.values()).hasSize(3);
        assertThat(value(redemption, "journey_key")).isEqualTo("welcome");
        assertThat(value(redemption, "step_id")).isEqualTo("SendReminderEmail");
        assertThat((BigDecimal) value(redemption, "order_total")).isEqualByComparingTo("54.90");

        JsonNode attribution = client().get("/api/v1/coupons/attribution?journey=welcome").expectStatus(200).json();
        JsonNode reminder = null;
        for (JsonNode row : attribution) {
            if (row.path("stepId").asText().equals("SendReminderEmail")) {
                reminder = row;
            }
        }
        assertThat(reminder).as("the reminder step in the attribution").isNotNull();
        assertThat(reminder.path("orders").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(reminder.path("revenue").decimalValue()).isGreaterThanOrEqualTo(new BigDecimal("54.90"));
    }

    private String status(String code) {
        return jdbc.sql("select status from sf_coupon where code = ?").param(code).query(String.class).single();
    }

    private static Object value(Map<String, Object> row, String column) {
        return row.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(column)).findFirst().orElseThrow()
                .getValue();
    }
}
