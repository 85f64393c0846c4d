package io.stageflow.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import io.stageflow.offers.Coupons;
import io.stageflow.testing.IntegrationTest;

import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Goals withdraw mail: an abandoned-cart reminder held back by quiet hours is withdrawn when the order for the cart
 * arrives first, its coupon goes back, and nothing is sent when the quiet hours end; one that a dispatcher is
 * delivering already goes on.
 */
class WithdrawalTest extends IntegrationTest {

    private static final String REMINDER_STEP = "SendCartReminderEmail";

    @Autowired
    SwitchableQuietHours quietHours;

    @Autowired
    OutboxDispatcher dispatcher;

    @Autowired
    OutboxStore store;

    @Autowired
    Coupons coupons;

    @AfterEach
    void quietHoursOff() {
        quietHours.switchOff();
    }

    @Test
    void aCartReminderDeferredByQuietHoursIsWithdrawnWhenTheOrderArrivesFirstAndNeverSent() {
        String id = customerAtHalfPastNinePm();
        String email = id + "@example.com";
        quietHours.switchOn();

        String instance = cartUpdated(id, "cart-1");
        String coupon = reserveCouponFor(id, instance);
        advanceClock(Duration.ofHours(1).plusMinutes(1)); // 22:31 UTC: the reminder is due, in quiet hours
        long row = awaitReminderDeferred(instance);
        Instant eightAm = jdbc.sql("select next_attempt_at from sf_outbox where id = ?").param(row)
                .query(Timestamp.class).single().toInstant();
        assertThat(eightAm.atZone(ZoneOffset.UTC).toLocalTime()).isEqualTo(LocalTime.of(8, 0));
        assertThat(couponStatus(coupon)).as("the coupon rides with the deferred reminder").isEqualTo("RESERVED");

        LocalDate today = ClockUtil.getCurrentTime().toInstant().atZone(ZoneOffset.UTC).toLocalDate();
        long withdrawnBefore = withdrawnReminders(today);
        orderCompleted(id, "cart-1");
        awaitSettled(id);

        assertThat(runtimeService.createProcessInstanceQuery().processInstanceId(instance).count())
                .as("the order ended the journey").isZero();
        assertThat(status(row)).isEqualTo("WITHDRAWN");
        assertThat(reason(row)).contains("goal").contains("Order completed for this cart").contains("Cart ordered");
        assertThat(couponStatus(coupon)).isEqualTo("RELEASED");
        assertThat(jdbc.sql("select status_reason from sf_coupon where code = ?").param(coupon).query(String.class)
                .single()).contains("withdrawn");

        JsonNode log = client().get("/api/v1/customers/" + id + "/messages").expectStatus(200).json();
        JsonNode reminder = entry(log, row);
        assertThat(reminder.path("status").asText()).isEqualTo("withdrawn");
        assertThat(reminder.path("step").asText()).isEqualTo(REMINDER_STEP);
        assertThat(reminder.path("reason").asText()).contains("the journey reached its goal")
                .contains("Order completed for this cart");
        assertThat(reminder.hasNonNull("nextAttemptAt")).as("a withdrawn email waits for nothing").isFalse();

        assertThat(withdrawnReminders(today)).as("the message report counts the withdrawal")
                .isEqualTo(withdrawnBefore + 1);

        // The quiet hours end and the dispatcher runs: the withdrawn reminder stays withdrawn, and nothing is sent.
        advanceClock(Duration.between(ClockUtil.getCurrentTime().toInstant(), eightAm).plusMinutes(1));
        dispatcher.dispatchDue();
        dispatcher.dispatchDue();
        awaitSettled(id);
        assertThat(status(row)).isEqualTo("WITHDRAWN");
        assertThat(mailTo(email)).as("no cart reminder after the order").isEmpty();
        assertThat(jdbc.sql("select count(*) from sf_outbox where customer_id = ? and status = 'SENT'").param(id)
                .query(Long.class).single()).isZero();
    }

    @Test
    void aReminderBeingDeliveredWhenTheOrderArrivesIsNotWithdrawn() {
        String id = customerAtHalfPastNinePm();
        String email = id + "@example.com";
        quietHours.switchOn();

        String instance = cartUpdated(id, "cart-2");
        String coupon = reserveCouponFor(id, instance);
        advanceClock(Duration.ofHours(1).plusMinutes(1));
        long row = awaitReminderDeferred(instance);
        Instant due = jdbc.sql("select next_attempt_at from sf_outbox where id = ?").param(row)
                .query(Timestamp.class).single().toInstant();
        // A dispatcher claims the reminder: from now on it is being delivered.
        assertThat(store.claimAll(List.of(store.find(row).orElseThrow()), due,
                ClockUtil.getCurrentTime().toInstant().plus(Duration.ofMinutes(30)))).hasSize(1);

        orderCompleted(id, "cart-2");
        await().atMost(PATIENCE).until(() -> runtimeService.createProcessInstanceQuery().processInstanceId(instance)
                .count() == 0);

        assertThat(status(row)).as("a row being delivered is left alone").isEqualTo("SENDING");
        assertThat(couponStatus(coupon)).isEqualTo("RESERVED");

        // That dispatcher stops before the hand-over; the row is taken back and delivered, as it was meant to be.
        quietHours.switchOff();
        jdbc.sql("update sf_outbox set lease_until = ? where id = ?")
                .params(Timestamp.from(ClockUtil.getCurrentTime().toInstant().minusSeconds(1)), row).update();
        awaitMail(email, 1);
        await().atMost(PATIENCE).until(() -> "SENT".equals(status(row)));
        await().atMost(PATIENCE).until(() -> "ISSUED".equals(couponStatus(coupon)));
        assertThat(mailTo(email)).hasSize(1);
    }

    @Test
    void deletingAJourneyInstanceWithdrawsItsDeferredEmailAsCancelled() {
        String id = customerAtHalfPastNinePm();
        quietHours.switchOn();

        String instance = cartUpdated(id, "cart-3");
        advanceClock(Duration.ofHours(1).plusMinutes(1));
        long row = awaitReminderDeferred(instance);

        runtimeService.deleteProcessInstance(instance, "Stopped by an operator");

        assertThat(status(row)).isEqualTo("WITHDRAWN");
        assertThat(reason(row)).contains("cancelled").contains("Stopped by an operator");
    }

    /** Cart reminders withdrawn around {@code day} (whatever the analytics time zone), as the message report counts them. */
    private long withdrawnReminders(LocalDate day) {
        JsonNode report = client().get("/api/v1/analytics/messages?from=" + day.minusDays(1) + "&to=" + day.plusDays(1)
                + "&template=cart-reminder").expectStatus(200).json();
        for (JsonNode messages : report.path("messages")) {
            if (messages.path("sender").asText().equals("abandoned-cart/" + REMINDER_STEP)) {
                return messages.at("/totals/withdrawn").asLong();
            }
        }
        return 0;
    }

    private String customerAtHalfPastNinePm() {
        String id = "c-" + UUID.randomUUID().toString().substring(0, 12);
        client().putCustomer(id, "{\"email\":\"%s@example.com\",\"firstName\":\"Cleo\",\"timeZone\":\"UTC\"}"
                .formatted(id)).expectStatus(201);
        ZonedDateTime now = ClockUtil.getCurrentTime().toInstant().atZone(ZoneOffset.UTC);
        ZonedDateTime evening = now.with(LocalTime.of(21, 30));
        advanceClock(Duration.between(now, evening.isAfter(now) ? evening : evening.plusDays(1)));
        return id;
    }

    /** Starts the customer's abandoned-cart journey for the cart; its instance id. */
    private String cartUpdated(String customerId, String cartId) {
        post("cart-" + cartId + "-" + customerId, "cart_updated", customerId, cartId);
        awaitSettled(customerId);
        return runtimeService.createProcessInstanceQuery().processDefinitionKey("abandoned-cart")
                .processInstanceBusinessKey(customerId).variableValueEquals("cartId", cartId).singleResult().getId();
    }

    private void orderCompleted(String customerId, String cartId) {
        post("order-" + cartId + "-" + customerId, "order_completed", customerId, cartId);
    }

    private void post(String messageId, String type, String customerId, String cartId) {
        client().postEvents("{\"messageId\":\"" + messageId + "\",\"type\":\"" + type + "\",\"customerId\":\""
                + customerId + "\",\"properties\":{\"cartId\":\"" + cartId + "\"}}").expectStatus(202);
    }

    /**
     * A coupon reserved by the journey instance before its reminder, as an "Issue coupon" step before the send step
     * reserves one: the send step hands it to the reminder.
     */
    private String reserveCouponFor(String customerId, String instance) {
        return coupons.reserve("first-order", customerId, instance + ":IssueCartCoupon", "abandoned-cart", instance,
                "IssueCartCoupon");
    }

    private long awaitReminderDeferred(String instance) {
        await().atMost(PATIENCE).until(() -> "DEFERRED".equals(jdbc.sql(
                "select status from sf_outbox where journey_instance_id = ? and step_id = ?")
                .params(instance, REMINDER_STEP).query(String.class).optional().orElse(null)));
        return jdbc.sql("select id from sf_outbox where journey_instance_id = ? and step_id = ?")
                .params(instance, REMINDER_STEP).query(Long.class).single();
    }

    private String status(long row) {
        return jdbc.sql("select status from sf_outbox where id = ?").param(row).query(String.class).single();
    }

    private String reason(long row) {
        return jdbc.sql("select last_error from sf_outbox where id = ?").param(row).query(String.class).single();
    }

    private String couponStatus(String code) {
        return jdbc.sql("select status from sf_coupon where code = ?").param(code).query(String.class).single();
    }

    private static JsonNode entry(JsonNode log, long row) {
        for (JsonNode entry : log) {
            if (entry.path("id").asLong() == row) {
                return entry;
            }
        }
        throw new AssertionError("no message " + row + " in " + log);
    }
}
