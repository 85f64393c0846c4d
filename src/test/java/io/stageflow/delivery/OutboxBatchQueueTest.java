package io.stageflow.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;

import io.stageflow.subscriptions.EmailCategory;
import io.stageflow.support.MultiRowInsert;
import io.stageflow.support.Tallies;
import io.stageflow.testing.IntegrationTest;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Queueing many emails in one batch (a broadcast's chunk) queues each idempotency key once: keys queued before are
 * left out, and a key that meets one queued meanwhile (here: the same key twice in one batch, which the batch insert
 * meets as another node's row) sends the batch back to one row at a time, in the same transaction, without losing
 * the others.
 */
class OutboxBatchQueueTest extends IntegrationTest {

    @Autowired
    Outbox outbox;

    @Autowired
    PlatformTransactionManager transactions;

    @Autowired
    Tallies tallies;

    @Test
    void eachKeyIsQueuedOnceWhateverTheBatchHolds() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> customers = List.of("batch-a-" + run, "batch-b-" + run, "batch-c-" + run);
        customers.forEach(id -> client().putCustomer(id, "{\"email\":\"" + id + "@example.com\"}").expectStatus(201));
        TransactionTemplate transaction = new TransactionTemplate(transactions);

        Set<String> first = transaction.execute(status -> outbox.enqueueAll(List.of(request(run, customers.get(0)),
                request(run, customers.get(1)), request(run, customers.get(0)))));
        assertThat(first).containsExactlyInAnyOrder(key(run, customers.get(0)), key(run, customers.get(1)));

        Set<String> second = transaction.execute(status -> outbox.enqueueAll(List.of(request(run, customers.get(1)),
                request(run, customers.get(2)))));
        assertThat(second).containsExactly(key(run, customers.get(2)));

        assertThat(jdbc.sql("select count(*) from sf_outbox where idempotency_key like ?").param("batch:" + run + ":%")
                .query(Long.class).single()).isEqualTo(3);
        tallies.foldAll();
        assertThat(jdbc.sql("select coalesce(sum(amount), 0) from sf_tally_hourly where subject = 'welcome'"
                        + " and element = ? and figure = 'QUEUED'").param("broadcast:batch-" + run)
                .query(Long.class).single()).as("each queued row counted once").isEqualTo(3);
        assertThat(jdbc.sql("select distinct priority from sf_outbox where idempotency_key like ?")
                .param("batch:" + run + ":%").query(Integer.class).list()).containsExactly(SendPriority.BROADCAST.rank());
    }

    @Test
    void aConflictInOneStatementLeavesTheBatchsOtherStatementsAsTheyWere() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        int size = MultiRowInsert.ROWS_PER_STATEMENT + 50;
        List<String> customers = IntStream.range(0, size).mapToObj(i -> "many-" + i + "-" + run).toList();
        TransactionTemplate transaction = new TransactionTemplate(transactions);
        String queuedBefore = customers.get(MultiRowInsert.ROWS_PER_STATEMENT + 10); // in the second statement
        transaction.execute(status -> outbox.enqueueAll(List.of(request(run, queuedBefore))));

        Set<String> queued = transaction.execute(status -> outbox.enqueueAll(customers.stream()
                .map(customer -> request(run, customer)).toList()));

        assertThat(queued).hasSize(size - 1).doesNotContain(key(run, queuedBefore));
        assertThat(jdbc.sql("select count(*) from sf_outbox where idempotency_key like ?").param("batch:" + run + ":%")
                .query(Long.class).single()).isEqualTo(size);
    }

    private static EmailRequest request(String run, String customerId) {
        return new EmailRequest(key(run, customerId), customerId, "welcome", EmailCategory.MARKETING, null, null,
                "broadcast:batch-" + run, true, SendPriority.BROADCAST);
    }

    private static String key(String run, String customerId) {
        return "batch:" + run + ":" + customerId;
    }
}
