package io.stageflow.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.UUID;

import io.stageflow.subscriptions.EmailCategory;
import io.stageflow.testing.ExtraNodes;
import io.stageflow.testing.IntegrationTest;

import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

/** The frequency cap and quiet hours defer marketing email, which then goes out exactly once. */
class PacingTest extends IntegrationTest {

    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    @Autowired
    Outbox outbox;

    @Autowired
    SwitchableQuietHours quietHours;

    @Autowired
    OutboxDispatcher dispatcher;

    @Autowired
    TransactionTemplate transactions;

    @Test
    void threeMarketingEmailsInOneDayGoOutOneADay() {
        String id = customer("UTC");
        String email = id + "@example.com";

        for (int i = 1; i <= 3; i++) {
            outbox.enqueue(marketing(id, "cap-" + i));
        }

        awaitMail(email, 1);
        // Which of the three goes first is not fixed when several dispatchers race; how many go is.
        await().atMost(PATIENCE).until(() -> sorted(statuses(id)).equals(List.of("DEFERRED", "DEFERRED", "SENT")));
        assertThat(jdbc.sql("select last_error from sf_outbox where customer_id = ? and status = 'DEFERRED'")
                .param(id).query(String.class).list()).allMatch(reason -> reason.contains("frequency cap"));
        advanceClock(Duration.ofHours(24).plusMinutes(1));
        awaitMail(email, 2);
        await().atMost(PATIENCE).until(() -> sorted(statuses(id)).equals(List.of("DEFERRED", "SENT", "SENT")));
        advanceClock(Duration.ofHours(24).plusMinutes(1));
        awaitMail(email, 3);
        awaitSettled(id);
        assertThat(statuses(id)).containsExactly("SENT", "SENT", "SENT");
        assertThat(mailTo(email)).hasSize(3);
    }

    @Test
    void dispatchersOnSeveralNodesStillSendOnlyTheDaysOneEmail() throws Exception {
        String id = customer("UTC");
        transactions.executeWithoutResult(tx -> {
            for (int i = 1; i <= 3; i++) {
                outbox.enqueue(marketing(id, "race-" + i));
            }
        });

        ExtraNodes.race(3, 10, dispatcher::dispatchDue);

        await().atMost(PATIENCE).until(() -> !statuses(id).contains("PENDING") && !statuses(id).contains("SENDING"));
        assertThat(statuses(id)).containsExactlyInAnyOrder("SENT", "DEFERRED", "DEFERRED");
        assertThat(awaitMail(id + "@example.com", 1)).hasSize(1);
    }

    @Test
    void aSendAtElevenPmInNewYorkGoesOutAtEightNewYorkTimeWhileTransactionalAndRepliesGoAtOnce() {
        String id = customer("America/New_York");
        String email = id + "@example.com";
        ZonedDateTime now = ClockUtil.getCurrentTime().toInstant().atZone(NEW_YORK);
        ZonedDateTime elevenPm = now.with(LocalTime.of(23, 0));
        advanceClock(Duration.between(now, elevenPm.isAfter(now) ? elevenPm : elevenPm.plusDays(1)));
        Instant eightAm = ClockUtil.getCurrentTime().toInstant().atZone(NEW_YORK).plusDays(1).with(LocalTime.of(8, 0))
                .toInstant();
        quietHours.switchOn();
        try {
            outbox.enqueue(marketing(id, "night"));
            outbox.enqueue(new EmailRequest("night-receipt:" + id, id, "welcome", EmailCategory.TRANSACTIONAL, null, null,
                    "Receipt"));
            String replyCustomer = customer("America/New_York");
            outbox.enqueue(new EmailRequest("night-welcome:" + replyCustomer, replyCustomer, "welcome",
                    EmailCategory.MARKETING, "welcome", null, "SendWelcomeEmail", false));

            awaitMail(email, 1);
            assertThat(awaitMail(replyCustomer + "@example.com", 1)).as("a reply to the customer's own action goes at once")
                    .hasSize(1);
            String lateSignup = "c-" + UUID.randomUUID().toString().substring(0, 12);
            client().putCustomer(lateSignup, "{\"email\":\"%s@example.com\",\"timeZone\":\"America/New_York\"}"
                    .formatted(lateSignup)).expectStatus(201);
            client().postEvents("{\"messageId\":\"late-%1$s\",\"type\":\"signed_up\",\"customerId\":\"%1$s\"}"
                    .formatted(lateSignup)).expectStatus(202);
            assertThat(awaitMail(lateSignup + "@example.com", 1)).as("the welcome journey's email is such a reply")
                    .hasSize(1);
            await().atMost(PATIENCE).until(() -> "DEFERRED".equals(status(id, "night")));
            assertThat(jdbc.sql("select next_attempt_at from sf_outbox where idempotency_key = ?")
                    .param("night:" + id).query(Timestamp.class).single().toInstant()).isEqualTo(eightAm);
            advanceClock(Duration.between(ClockUtil.getCurrentTime().toInstant(), eightAm).plusMinutes(1));
            awaitMail(email, 2);
            awaitSettled(id);
        } finally {
            quietHours.switchOff();
        }
        assertThat(mailTo(email)).hasSize(2);
        assertThat(status(id, "night")).isEqualTo("SENT");
    }

    private String customer(String timeZone) {
        String id = "c-" + UUID.randomUUID().toString().substring(0, 12);
        client().putCustomer(id, "{\"email\":\"%s@example.com\",\"timeZone\":\"%s\"}".formatted(id, timeZone))
                .expectStatus(201);
        return id;
    }

    private static EmailRequest marketing(String customerId, String key) {
        return new EmailRequest(key + ":" + customerId, customerId, "welcome", EmailCategory.MARKETING, "test", null, key);
    }

    private List<String> statuses(String customerId) {
        return jdbc.sql("select status from sf_outbox where customer_id = ? order by id").param(customerId)
                .query(String.class).list();
    }

    private static List<String> sorted(List<String> statuses) {
        return statuses.stream().sorted().toList();
    }

    private String status(String customerId, String key) {
        return jdbc.sql("select status from sf_outbox where idempotency_key = ?").param(key + ":" + customerId)
                .query(String.class).optional().orElse(null);
    }
}
