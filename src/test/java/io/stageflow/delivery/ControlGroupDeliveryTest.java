package io.stageflow.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import io.stageflow.customers.CustomerService;
import io.stageflow.subscriptions.EmailCategory;
import io.stageflow.subscriptions.Suppressions;
import io.stageflow.testing.IntegrationTest;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A customer a {@link MarketingHoldout} holds back gets no marketing email, journey's or broadcast's, finished as
 * suppressed with the holdout's reason and counted as {@code control_group}; their transactional email still goes,
 * and other customers' marketing email is not touched.
 */
class ControlGroupDeliveryTest extends IntegrationTest {

    @Autowired
    Outbox outbox;

    @Autowired
    OutboxStore store;

    @Autowired
    TransactionTemplate transactions;

    @Autowired
    Suppressions suppressions;

    @Autowired
    Pacing pacing;

    @Autowired
    CustomerService customers;

    @Autowired
    DeliveryProperties properties;

    @Autowired
    Clock clock;

    @Test
    void theHeldBackCustomerGetsNoMarketingEmailButTransactionalOnesAndOthersGoOn() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String member = "control-" + run;
        String other = "marketed-" + run;
        for (String id : List.of(member, other)) {
            client().putCustomer(id, "{\"email\":\"%s@example.com\",\"timeZone\":\"UTC\"}".formatted(id))
                    .expectStatus(201);
        }
        MarketingHoldout controlGroup = new MarketingHoldout() {
            @Override
            public boolean holdsBack(String customerId) {
                return Set.of(member).contains(customerId);
            }

            @Override
            public String reason() {
                return "In the control group";
            }
        };
        DeliveryGate gate = new DeliveryGate(suppressions, pacing, customers, store, transactions, properties, clock,
                List.of(controlGroup));
        // Due only at a moment no running dispatcher reaches: this test plays the dispatcher.
        Instant later = clock.instant().plus(Duration.ofDays(400));
        transactions.executeWithoutResult(tx -> {
            outbox.enqueue(email("news", member, EmailCategory.MARKETING, SendPriority.BROADCAST));
            outbox.enqueue(email("receipt", member, EmailCategory.TRANSACTIONAL, SendPriority.TRANSACTIONAL));
            outbox.enqueue(email("news", other, EmailCategory.MARKETING, SendPriority.BROADCAST));
            jdbc.sql("update sf_outbox set next_attempt_at = ? where customer_id in (?, ?)")
                    .params(Timestamp.from(later), member, other).update();
        });

        List<OutboxEntry> due = store.findDue(later, 10_000).stream()
                .filter(row -> row.customerId().equals(member) || row.customerId().equals(other)).toList();
        assertThat(due).hasSize(3);
        List<OutboxEntry> claimed = store.claimAll(due, later, clock.instant().plus(Duration.ofMinutes(2)));
        List<DeliveryGate.Checked> checked = gate.check(claimed, passed -> { });

        assertThat(checked).extracting(check -> check.entry().idempotencyKey() + " " + check.heldBack())
                .containsExactlyInAnyOrder("news:" + member + " suppressed", "receipt:" + member + " null",
                        "news:" + other + " null");
        assertThat(jdbc.sql("select status, last_error from sf_outbox where idempotency_key = ?")
                .param("news:" + member).query((rs, row) -> rs.getString(1) + ": " + rs.getString(2)).single())
                .isEqualTo("SUPPRESSED: In the control group");
        // Left unsent: the rows this dispatcher claimed would go out when a later test's clock reaches them.
        jdbc.sql("update sf_outbox set status = 'SKIPPED' where customer_id in (?, ?) and status <> 'SUPPRESSED'")
                .params(member, other).update();
    }

    private static EmailRequest email(String name, String customerId, EmailCategory category, SendPriority priority) {
        return new EmailRequest(name + ":" + customerId, customerId, "welcome", category, null, null,
                "broadcast:" + name, true, priority);
    }
}
