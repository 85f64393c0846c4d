package io.stageflow.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.stageflow.subscriptions.EmailCategory;
import io.stageflow.testing.ExtraNodes;
import io.stageflow.testing.IntegrationTest;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

/** Dispatchers on several nodes deliver each outbox row once; rows that cannot be sent never vanish. */
class OutboxDispatcherTest extends IntegrationTest {

    @Autowired
    Outbox outbox;

    @Autowired
    OutboxDispatcher dispatcher;

    @Autowired
    TransactionTemplate transactions;

    @Autowired
    DeliveryProperties delivery;

    @Test
    void dispatchersRacingForTheSameRowsSendEachEmailOnce() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String id = "c-" + UUID.randomUUID().toString().substring(0, 12);
            client().putCustomer(id, "{\"email\":\"" + id + "@example.com\",\"firstName\":\"Ida\"}").expectStatus(201);
            ids.add(id);
        }
        transactions.executeWithoutResult(tx -> ids.forEach(id -> outbox.enqueue(request(id))));
        // Three more dispatchers, as on three more nodes, race the application's own.
        ExtraNodes.race(3, 10, dispatcher::dispatchDue);

        for (String id : ids) {
            awaitMail(id + "@example.com", 1);
            awaitSettled(id);
        }
        assertThat(ids).allSatisfy(id -> assertThat(mailTo(id + "@example.com")).as(id).hasSize(1));
    }

    /**
     * The SMTP window stays one email a lane while a wave's record overlaps the next wave's SMTP transactions: the
     * rows handed over and not yet recorded never outnumber the lanes, sampled all through a delivery of many waves.
     */
    @Test
    void atMostOneEmailALaneIsBetweenItsHandOverAndItsRecord() {
        String run = "w-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String id = run + "-" + i;
            client().putCustomer(id, "{\"email\":\"" + id + "@example.com\"}").expectStatus(201);
            ids.add(id);
        }
        transactions.executeWithoutResult(tx -> ids.forEach(id -> outbox.enqueue(new EmailRequest("test:" + id, id,
                "welcome", EmailCategory.TRANSACTIONAL, "welcome", null, "Send"))));
        int[] mostInTheWindow = {0};
        int[] samples = {0};

        await().atMost(PATIENCE).pollInterval(java.time.Duration.ofMillis(2)).until(() -> {
            int inTheWindow = jdbc.sql("select count(*) from sf_outbox where customer_id like ? and status = 'SENDING'"
                    + " and handed_over_at is not null").param(run + "-%").query(Integer.class).single();
            mostInTheWindow[0] = Math.max(mostInTheWindow[0], inTheWindow);
            samples[0]++;
            return jdbc.sql("select count(*) from sf_outbox where customer_id like ? and status = 'SENT'")
                    .param(run + "-%").query(Integer.class).single() == ids.size();
        });

        assertThat(samples[0]).isGreaterThan(5);
        assertThat(mostInTheWindow[0]).isLessThanOrEqualTo(delivery.dispatcher().connections());
        assertThat(ids).allSatisfy(id -> assertThat(mailTo(id + "@example.com")).as(id).hasSize(1));
    }

    @Test
    void queuingTheSameKeyTwiceQueuesOnce() {
        String id = "c-" + UUID.randomUUID().toString().substring(0, 12);
        client().putCustomer(id, "{\"email\":\"" + id + "@example.com\"}").expectStatus(201);

        assertThat(outbox.enqueue(request(id))).isTrue();
        assertThat(outbox.enqueue(request(id))).isFalse();

        awaitMail(id + "@example.com", 1);
        awaitSettled(id);
        assertThat(mailTo(id + "@example.com")).hasSize(1);
    }

    @Test
    void aMissingTemplateIsRetriedAndKeptWithItsError() {
        String id = "c-" + UUID.randomUUID().toString().substring(0, 12);
        client().putCustomer(id, "{\"email\":\"" + id + "@example.com\"}").expectStatus(201);

        outbox.enqueue(new EmailRequest("test:" + id, id, "no-such-template", EmailCategory.MARKETING, "test", null, "Send"));

        await().atMost(PATIENCE).until(() -> jdbc.sql("select attempts from sf_outbox where customer_id = ?")
                .param(id).query(Integer.class).single() >= 1);
        await().atMost(PATIENCE).until(() -> "PENDING".equals(status(id)));
        assertThat(jdbc.sql("select last_error from sf_outbox where customer_id = ?").param(id).query(String.class).single())
                .contains("no-such-template");
        assertThat(mailTo(id + "@example.com")).isEmpty();
    }

    @Test
    void aCustomerWithoutAnEmailIsSkippedWithTheReason() {
        String id = "c-" + UUID.randomUUID().toString().substring(0, 12);
        client().putCustomer(id, "{\"firstName\":\"Noemail\"}").expectStatus(201);

        outbox.enqueue(request(id));

        await().atMost(PATIENCE).until(() -> "SKIPPED".equals(status(id)));
        assertThat(jdbc.sql("select last_error from sf_outbox where customer_id = ?").param(id).query(String.class).single())
                .contains("no email address");
    }

    private String status(String customerId) {
        return jdbc.sql("select status from sf_outbox where customer_id = ?").param(customerId).query(String.class).single();
    }

    private static EmailRequest request(String customerId) {
        return new EmailRequest("test:" + customerId, customerId, "welcome", EmailCategory.MARKETING, "welcome", null, "Send");
    }
}
