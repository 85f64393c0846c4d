package io.stageflow.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.UUID;

import io.stageflow.testing.IntegrationTest;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The copy of each sent email (docs/console.md, "Customers"): kept as it was written, before tracking rewrote its
 * links, only for the customer it went to, exported and erased with their data, and deleted after the retention.
 */
class SentCopiesTest extends IntegrationTest {

    @Autowired
    CustomerMessages messages;

    @Autowired
    SentCopies copies;

    @Test
    void aSentEmailsCopyIsKeptAsWrittenForItsCustomerOnly() {
        String id = "copy-" + UUID.randomUUID().toString().substring(0, 8);
        client().signUp(id, id + "@example.com", "Grace");
        MessageLogEntry welcome = awaitSent(id);

        SentCopy copy = messages.copyOf(id, welcome.id()).orElseThrow();
        assertThat(copy.subject()).isEqualTo(welcome.subject());
        assertThat(copy.html()).contains("Grace").doesNotContain("/c/").doesNotContain("/o/");
        assertThat(copy.text()).contains("Grace");
        assertThat(copy.sentAt()).isEqualTo(welcome.sentAt());
        assertThat(messages.copyOf("someone-else", welcome.id())).as("another customer's email").isEmpty();
        assertThat(jdbc.sql("select count(*) from sf_sent_copy where outbox_id = ? and body is not null and html is null"
                        + " and text_body is null").param(welcome.id()).query(Long.class).single())
                .as("kept deflated").isEqualTo(1);

        assertThat(client().get("/api/v1/customers/" + id + "/export").expectStatus(200).json()
                .path("sentCopies").path(0).path("html").asText()).contains("Grace");
        client().delete("/api/v1/customers/" + id).expectStatus(204);
        assertThat(jdbc.sql("select count(*) from sf_sent_copy where customer_id = ?").param(id)
                .query(Long.class).single()).as("erased with the customer").isZero();
    }

    @Test
    void aCopyKeptBeforeCopiesWereDeflatedStillReads() {
        String id = "copy-plain-" + UUID.randomUUID().toString().substring(0, 8);
        long outboxId = -System.nanoTime(); // no outbox row needed: the copy is read by its id and customer
        jdbc.sql("insert into sf_sent_copy (outbox_id, customer_id, subject, html, text_body, kept_at, template_version)"
                        + " values (?, ?, 'Welcome', '<p>Hi Ada</p>', 'Hi Ada', ?, 3)")
                .params(outboxId, id, java.sql.Timestamp.from(java.time.Instant.now())).update();

        SentCopy copy = messages.copyOf(id, outboxId).orElseThrow();

        assertThat(copy.html()).isEqualTo("<p>Hi Ada</p>");
        assertThat(copy.text()).isEqualTo("Hi Ada");
        assertThat(copy.templateVersion()).isEqualTo(3);
    }

    @Test
    void copiesOlderThanTheRetentionAreDeleted() {
        String id = "copy-old-" + UUID.randomUUID().toString().substring(0, 8);
        client().signUp(id, id + "@example.com", "Grace");
        MessageLogEntry welcome = awaitSent(id);

        advanceClock(Duration.ofDays(89));
        while (copies.deleteExpired()) {
            // a backlog from other tests goes in batches
        }
        assertThat(messages.copyOf(id, welcome.id())).as("within 90 days").isPresent();
        advanceClock(Duration.ofDays(2));
        while (copies.deleteExpired()) {
            // a backlog from other tests goes in batches
        }
        assertThat(messages.copyOf(id, welcome.id())).as("after 90 days").isEmpty();
    }

    private MessageLogEntry awaitSent(String customerId) {
        org.awaitility.Awaitility.await().atMost(PATIENCE).until(() -> messages.of(customerId).stream()
                .anyMatch(SentCopiesTest::sent));
        return messages.of(customerId).stream().filter(SentCopiesTest::sent).findFirst().orElseThrow();
    }

    /** Sent: the row's sent_at is set while it is being sent, for the pacing caps. */
    private static boolean sent(MessageLogEntry entry) {
        return "SENT".equalsIgnoreCase(entry.status());
    }
}
