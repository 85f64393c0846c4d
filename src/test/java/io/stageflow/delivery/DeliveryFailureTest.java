package io.stageflow.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.UUID;

import io.stageflow.subscriptions.EmailCategory;
import io.stageflow.subscriptions.Suppressions;
import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.SmtpOutages;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * What happens when the mail server is not there or says no: temporary failures are retried with backoff and
 * delivered once; a hard bounce is not retried and keeps every later email away from the address.
 */
class DeliveryFailureTest extends IntegrationTest {

    @Autowired
    SmtpOutages smtp;

    @Autowired
    Outbox outbox;

    @Test
    void smtpDownForThreeAttemptsThenUpDeliversExactlyOneEmail() {
        String id = customerId();
        String email = id + "@example.com";
        smtp.downFor(email, 3);

        client().signUp(id, email, "Ada");
        for (int failed = 1; failed <= 3; failed++) {
            int attempts = failed;
            await().atMost(PATIENCE).until(() -> row(id, "attempts").equals(String.valueOf(attempts))
                    && "PENDING".equals(row(id, "status")));
            assertThat(row(id, "last_error")).contains("MailConnectException: Couldn't connect to host");
            assertThat(mailTo(email)).isEmpty();
            // Backoff doubles from 30 seconds: the next attempt is due 30 s, 60 s, then 120 s later.
            advanceClock(Duration.ofSeconds(30L << (failed - 1)).plusSeconds(1));
        }

        awaitMail(email, 1);
        awaitSettled(id);
        assertThat(mailTo(email)).hasSize(1);
        assertThat(row(id, "status")).isEqualTo("SENT");
        assertThat(row(id, "attempts")).isEqualTo("4");
        assertThat(events(id, "email_delivered")).as("one email_delivered, however many attempts")
                .containsExactly("email-delivered-" + row(id, "id"));
        assertThat(events(id, "email_bounced")).isEmpty();
    }

    private java.util.List<String> events(String customerId, String type) {
        return jdbc.sql("select message_id from sf_event where customer_id = ? and type = ?").params(customerId, type)
                .query(String.class).list();
    }

    @Test
    void aRecipientRejectedWith550IsBouncedAtOnceAndSuppressedForEveryCategory() {
        String id = customerId();
        String email = id + "@example.com";
        client().putCustomer(id, "{\"email\":\"" + email + "\"}").expectStatus(201);
        smtp.rejectRecipient(email);

        outbox.enqueue(new EmailRequest("bounce:" + id, id, "welcome", EmailCategory.MARKETING, null, null, "Send"));
        await().atMost(PATIENCE).until(() -> "FAILED".equals(row(id, "status")));
        smtp.restore(email);
        outbox.enqueue(new EmailRequest("receipt:" + id, id, "welcome", EmailCategory.TRANSACTIONAL, null, null, "Receipt"));
        awaitSettled(id);

        assertThat(row(id, "attempts")).as("a hard bounce is not retried").isEqualTo("1");
        assertThat(row(id, "last_error")).startsWith("Bounced, address suppressed").contains("550")
                .doesNotContain(email);
        assertThat(jdbc.sql("select reason from sf_suppression where email_hash = ?").param(Suppressions.hash(email))
                .query(String.class).single()).isEqualTo("BOUNCED");
        assertThat(jdbc.sql("select status from sf_outbox where idempotency_key = ?").param("receipt:" + id)
                .query(String.class).single()).as("nothing goes to a bounced address").isEqualTo("SUPPRESSED");
        assertThat(mailTo(email)).isEmpty();
        long bounced = jdbc.sql("select id from sf_outbox where idempotency_key = ?").param("bounce:" + id)
                .query(Long.class).single();
        assertThat(events(id, "email_bounced")).containsExactly("email-bounced-" + bounced);
        assertThat(events(id, "email_delivered")).isEmpty();
    }

    @Test
    void aCustomerWhoDeclinedMarketingGetsTransactionalEmailOnly() {
        String id = customerId();
        String email = id + "@example.com";
        client().putCustomer(id, "{\"email\":\"" + email + "\",\"marketingConsent\":false}").expectStatus(201);

        outbox.enqueue(new EmailRequest("news:" + id, id, "welcome", EmailCategory.MARKETING, null, null, "Send"));
        outbox.enqueue(new EmailRequest("receipt:" + id, id, "welcome", EmailCategory.TRANSACTIONAL, null, null, "Receipt"));
        awaitMail(email, 1);
        awaitSettled(id);

        assertThat(jdbc.sql("select status, last_error from sf_outbox where idempotency_key = ?").param("news:" + id)
                .query((rs, row) -> rs.getString(1) + ": " + rs.getString(2)).single())
                .isEqualTo("SUPPRESSED: The customer declined marketing email (marketingConsent: false)");
        assertThat(mailTo(email)).hasSize(1);
        assertThat(client().get("/api/v1/customers/" + id).expectStatus(200).json().path("marketingConsent").asBoolean(true))
                .isFalse();
    }

    private String row(String customerId, String column) {
        return jdbc.sql("select " + column + " from sf_outbox where customer_id = ? order by id limit 1")
                .param(customerId).query(String.class).optional().orElse("");
    }

    private static String customerId() {
        return "c-" + UUID.randomUUID().toString().substring(0, 12);
    }
}
