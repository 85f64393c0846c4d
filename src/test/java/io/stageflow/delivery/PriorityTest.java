package io.stageflow.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import io.stageflow.customers.CustomerService;
import io.stageflow.subscriptions.EmailCategory;
import io.stageflow.subscriptions.Suppressions;
import io.stageflow.testing.IntegrationTest;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Priorities across journeys under the frequency cap (one marketing email a day in tests): a journey's email goes
 * before a broadcast queued earlier, a broadcast never delays a journey's email, and with {@code on-limit: skip} the
 * broadcast is skipped with the reason.
 */
class PriorityTest extends IntegrationTest {

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
    void aTriggeredEmailQueuedAfterABroadcastGoesFirstAndTheBroadcastIsDeferred() {
        String id = customer();
        transactions.executeWithoutResult(tx -> {
            outbox.enqueue(broadcast(id, "newsletter"));
            outbox.enqueue(triggered(id, "cart"));
        });
        long newsletter = row("newsletter", id);
        long cart = row("cart", id);
        assertThat(newsletter).as("the broadcast was queued first").isLessThan(cart);

        awaitMail(id + "@example.com", 1);
        await().atMost(PATIENCE).until(() -> "DEFERRED".equals(status(newsletter)));
        awaitSettled(id);

        assertThat(status(cart)).isEqualTo("SENT");
        assertThat(reason(newsletter)).contains("frequency cap (1 a day").contains("priority broadcast");
        assertThat(mailTo(id + "@example.com")).hasSize(1);
        JsonLog log = new JsonLog(client().get("/api/v1/customers/" + id + "/messages").expectStatus(200).json());
        assertThat(log.field(cart, "priority")).isEqualTo("triggered");
        assertThat(log.field(newsletter, "priority")).isEqualTo("broadcast");
        assertThat(log.field(newsletter, "status")).isEqualTo("deferred");
    }

    @Test
    void aBroadcastSentTodayNeverDelaysATriggeredEmailButATriggeredOneHoldsTheNextBroadcastBack() {
        String id = customer();
        outbox.enqueue(broadcast(id, "morning-newsletter"));
        long newsletter = row("morning-newsletter", id);
        await().atMost(PATIENCE).until(() -> "SENT".equals(status(newsletter)));

        outbox.enqueue(triggered(id, "cart"));
        long cart = row("cart", id);
        await().atMost(PATIENCE).until(() -> "SENT".equals(status(cart)));
        assertThat(Duration.between(sentAt(newsletter), sentAt(cart))).as("the same day, not held back by the cap")
                .isLessThan(Duration.ofDays(1));

        outbox.enqueue(broadcast(id, "evening-newsletter"));
        long evening = row("evening-newsletter", id);
        await().atMost(PATIENCE).until(() -> "DEFERRED".equals(status(evening)));
        awaitSettled(id);
        assertThat(mailTo(id + "@example.com")).hasSize(2);
    }

    @Test
    void withOnLimitSkipTheDispatcherTakesTheTriggeredEmailFirstAndSkipsTheBroadcastSayingWhy() {
        DeliveryGate skipping = new DeliveryGate(suppressions, pacing, customers, store, transactions,
                withOnLimit(DeliveryProperties.Pacing.OnLimit.SKIP), clock, List.of());
        String id = customer();
        // Queued, but due only at a moment no running dispatcher has reached: this test plays the dispatcher.
        Instant later = clock.instant().plus(Duration.ofDays(365));
        transactions.executeWithoutResult(tx -> {
            outbox.enqueue(broadcast(id, "newsletter"));
            outbox.enqueue(triggered(id, "cart"));
            jdbc.sql("update sf_outbox set next_attempt_at = ? where customer_id = ?")
                    .params(Timestamp.from(later), id).update();
        });
        long newsletter = row("newsletter", id);
        long cart = row("cart", id);

        List<OutboxEntry> due = store.findDue(later, 10_000).stream()
                .filter(row -> row.id() == newsletter || row.id() == cart).toList();
        assertThat(due).extracting(OutboxEntry::id).as("the dispatcher's order").containsExactly(cart, newsletter);

        for (OutboxEntry row : due) {
            OutboxEntry entry = store.claimAll(List.of(row), later, clock.instant().plus(Duration.ofMinutes(2)))
                    .get(0);
            String heldBack = skipping.check(List.of(entry), passed -> { }).get(0).heldBack();
            if (heldBack == null) {
                store.markAllSent(List.of(new OutboxStore.Accepted(entry, clock.instant(), id + "@example.com", "Cart",
                        "<" + row.id() + "@test>", 0)));
            }
        }

        assertThat(status(cart)).isEqualTo("SENT");
        assertThat(status(newsletter)).isEqualTo("SKIPPED");
        assertThat(reason(newsletter)).isEqualTo("Not sent (priority broadcast): frequency cap (1 a day, 3 a week)");
        JsonLog log = new JsonLog(client().get("/api/v1/customers/" + id + "/messages").expectStatus(200).json());
        assertThat(log.field(newsletter, "status")).isEqualTo("skipped");
        assertThat(log.field(newsletter, "reason")).contains("frequency cap");
    }

    private DeliveryProperties withOnLimit(DeliveryProperties.Pacing.OnLimit onLimit) {
        DeliveryProperties.Pacing pacingSettings = properties.pacing();
        return new DeliveryProperties(properties.from(), properties.transport(), properties.fileOutboxDir(),
                properties.dispatcher(), new DeliveryProperties.Pacing(pacingSettings.marketingPerDay(),
                        pacingSettings.marketingPerWeek(), pacingSettings.quietHoursStart(),
                        pacingSettings.quietHoursEnd(), onLimit),
                properties.consent(), properties.sentCopies(), properties.returnPath(), properties.channels());
    }

    /**
     * The email these tests left deferred would go out whenever a later test moves the clock past the cap, and be
     * counted on that test's day: it is skipped now.
     */
    @AfterEach
    void skipWhatIsStillDeferred() {
        if (!madeHere.isEmpty()) {
            jdbc.sql("update sf_outbox set status = 'SKIPPED', last_error = 'Skipped at the end of PriorityTest'"
                    + " where customer_id in (:ids) and status in ('PENDING', 'DEFERRED')")
                    .param("ids", madeHere).update();
        }
    }

    private final List<String> madeHere = new java.util.ArrayList<>();

    private String customer() {
        String id = "c-" + UUID.randomUUID().toString().substring(0, 12);
        madeHere.add(id);
        client().putCustomer(id, "{\"email\":\"%s@example.com\",\"timeZone\":\"UTC\"}".formatted(id)).expectStatus(201);
        return id;
    }

    private static EmailRequest broadcast(String customerId, String name) {
        return new EmailRequest(name + ":" + customerId, customerId, "welcome", EmailCategory.MARKETING, null, null,
                "broadcast:" + name, true, SendPriority.BROADCAST);
    }

    private static EmailRequest triggered(String customerId, String name) {
        return new EmailRequest(name + ":" + customerId, customerId, "welcome", EmailCategory.MARKETING, "test", null,
                name, true);
    }

    private long row(String name, String customerId) {
        return jdbc.sql("select id from sf_outbox where idempotency_key = ?").param(name + ":" + customerId)
                .query(Long.class).single();
    }

    private String status(long row) {
        return jdbc.sql("select status from sf_outbox where id = ?").param(row).query(String.class).single();
    }

    private Instant sentAt(long row) {
        return jdbc.sql("select sent_at from sf_outbox where id = ?").param(row).query(Timestamp.class).single()
                .toInstant();
    }

    private String reason(long row) {
        return jdbc.sql("select last_error from sf_outbox where id = ?").param(row)
                .query((rs, line) -> rs.getString(1)).list().get(0);
    }

    /** The message log as the API answers it. */
    private record JsonLog(JsonNode entries) {

        String field(long row, String field) {
            for (JsonNode entry : entries) {
                if (entry.path("id").asLong() == row) {
                    return entry.path(field).asText();
                }
            }
            throw new AssertionError("no message " + row + " in " + entries);
        }
    }
}
