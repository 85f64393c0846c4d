package io.stageflow.loyalty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.Clock;
import java.util.List;
import java.util.UUID;

import io.stageflow.loyalty.PointsLedger.Entry;
import io.stageflow.loyalty.PointsLedger.Kind;
import io.stageflow.testing.IntegrationTest;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The points ledger's rules on the real database: an order earns once per order id, a refund takes back once and in
 * proportion, the balance never goes below zero, points expire oldest first, and tiers move with the window's points.
 * The defaults hold: 1 point per unit of any currency, points last 365 days, Member 0 / Silver 500 / Gold 2000.
 */
class LoyaltyLedgerTest extends IntegrationTest {

    @Autowired
    Loyalty loyalty;

    @Autowired
    PointsLedger ledger;

    @Autowired
    Clock clock;

    private String customer;

    @BeforeEach
    void newCustomer() {
        customer = "loyal-" + UUID.randomUUID().toString().substring(0, 8);
        client().putCustomer(customer, "{\"email\":\"" + customer + "@example.com\"}").expectStatus(201);
    }

    @Test
    void anOrderEarnsItsAmountRoundedDownOncePerOrderId() {
        Instant now = clock.instant();
        loyalty.orderCompleted(customer, "o-1", new BigDecimal("42.99"), "EUR", now, "m-1");
        loyalty.orderCompleted(customer, "o-1", new BigDecimal("42.99"), "EUR", now, "m-1");
        loyalty.orderCompleted(customer, "o-1", new BigDecimal("42.99"), "EUR", now, "m-1-again");

        assertThat(balance()).isEqualTo(42);
        List<Entry> rows = ledger.ofCustomer(customer);
        assertThat(rows).singleElement().satisfies(row -> {
            assertThat(row.kind()).isEqualTo(Kind.EARNED_ORDER);
            assertThat(row.causeType()).isEqualTo("order");
            assertThat(row.causeId()).isEqualTo("o-1");
            assertThat(row.messageId()).isEqualTo("m-1");
            assertThat(row.expiresAt()).isEqualTo(row.occurredAt().plus(Duration.ofDays(365)));
        });
        assertThat(loyalty.pointsFor(new BigDecimal("0.99"), "EUR")).isZero();
    }

    @Test
    void aRefundTakesBackOnceAndAPartialRefundInProportion() {
        Instant now = clock.instant();
        loyalty.orderCompleted(customer, "o-1", new BigDecimal("100.00"), "EUR", now, "m-1");
        loyalty.orderCompleted(customer, "o-2", new BigDecimal("80.00"), "EUR", now, "m-2");

        loyalty.orderRefunded(customer, "o-1", null, now, "r-1");
        loyalty.orderRefunded(customer, "o-1", null, now, "r-1-again");
        assertThat(balance()).isEqualTo(80);

        loyalty.orderRefunded(customer, "o-2", new BigDecimal("20.00"), now, "r-2"); // a quarter of 80 points
        loyalty.orderRefunded(customer, "o-2", new BigDecimal("20.00"), now, "r-2"); // the same refund again
        assertThat(balance()).isEqualTo(60);
        loyalty.orderRefunded(customer, "o-2", null, now, "r-3"); // the rest of the order
        assertThat(balance()).isZero();
        loyalty.orderRefunded(customer, "o-2", new BigDecimal("10.00"), now, "r-4"); // nothing of it is left
        assertThat(ledger.ofOrder(customer, "o-2")).extracting(Entry::kind, Entry::points, Entry::causeId)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(Kind.EARNED_ORDER, 80, "o-2"),
                        org.assertj.core.groups.Tuple.tuple(Kind.REFUNDED_ORDER, -20, "o-2/r-2"),
                        org.assertj.core.groups.Tuple.tuple(Kind.REFUNDED_ORDER, -60, "o-2"));
    }

    @Test
    void theBalanceNeverGoesBelowZeroAndTheLedgerSaysWhatWasAskedFor() {
        Instant now = clock.instant();
        loyalty.orderCompleted(customer, "o-1", new BigDecimal("50"), "EUR", now, "m-1");
        loyalty.redeem(customer, 40, "voucher", "redeem-1");

        loyalty.orderRefunded(customer, "o-1", null, now, "r-1");

        assertThat(balance()).isZero();
        Entry refund = ledger.find(customer, Kind.REFUNDED_ORDER, "o-1").orElseThrow();
        assertThat(refund.points()).isEqualTo(-10);
        assertThat(refund.requestedPoints()).isEqualTo(50);
        assertThat(refund.reason()).isEqualTo("only 10 of 50 points were left");
        assertThatThrownBy(() -> loyalty.redeem(customer, 1, "voucher", "redeem-2"))
                .isInstanceOf(Loyalty.InsufficientPoints.class);
        Loyalty.Change adjusted = loyalty.adjust(customer, -5, "goodwill taken back", "adjust-1");
        assertThat(adjusted.entry().points()).isZero();
        assertThat(adjusted.balance()).isZero();
    }

    @Test
    void aRedemptionIsMadeOncePerIdempotencyKey() {
        loyalty.orderCompleted(customer, "o-1", new BigDecimal("50"), "EUR", clock.instant(), "m-1");

        Loyalty.Change first = loyalty.redeem(customer, 20, "voucher", "key-1");
        Loyalty.Change again = loyalty.redeem(customer, 20, "voucher", "key-1");

        assertThat(first.replayed()).isFalse();
        assertThat(again.replayed()).isTrue();
        assertThat(again.entry().id()).isEqualTo(first.entry().id());
        assertThat(balance()).isEqualTo(30);
        assertThatThrownBy(() -> loyalty.redeem(customer, 25, "voucher", "key-1"))
                .isInstanceOf(Loyalty.KeyReused.class);
    }

    @Test
    void aBonusIsEarnedOncePerEvent() {
        loyalty.bonus(customer, "review_submitted", 50, clock.instant(), "review-1");
        loyalty.bonus(customer, "review_submitted", 50, clock.instant(), "review-1");
        loyalty.bonus(customer, "review_submitted", 50, clock.instant(), "review-2");

        assertThat(balance()).isEqualTo(100);
        assertThat(ledger.ofCustomer(customer)).extracting(Entry::kind, Entry::causeType, Entry::causeId, Entry::reason)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(Kind.BONUS, "event", "review-1", "review_submitted"),
                        org.assertj.core.groups.Tuple.tuple(Kind.BONUS, "event", "review-2", "review_submitted"));
    }

    @Test
    void pointsExpireOldestFirstAndOnlyOnce() {
        Instant now = clock.instant();
        loyalty.orderCompleted(customer, "old", new BigDecimal("100"), "EUR", now.minus(Duration.ofDays(400)), "m-1");
        loyalty.orderCompleted(customer, "refunded", new BigDecimal("30"), "EUR", now.minus(Duration.ofDays(380)),
                "m-2");
        loyalty.orderRefunded(customer, "refunded", null, now.minus(Duration.ofDays(370)), "r-2");
        loyalty.orderCompleted(customer, "new", new BigDecimal("50"), "EUR", now.minus(Duration.ofDays(10)), "m-3");
        advanceClock(Duration.ofDays(-40)); // before the old points expire
        loyalty.redeem(customer, 30, "voucher", "redeem-1"); // taken from the oldest points
        advanceClock(Duration.ofDays(40));

        assertThat(ledger.customersWithPointsDue(now, 1000)).contains(customer);
        loyalty.expireDue(customer);
        loyalty.expireDue(customer);

        // 100 old points, 30 of them redeemed: 70 expire; the refunded order's points were its own refund's.
        assertThat(balance()).isEqualTo(50);
        assertThat(ledger.ofCustomer(customer)).filteredOn(row -> row.kind() == Kind.EXPIRED)
                .singleElement().satisfies(row -> assertThat(row.points()).isEqualTo(-70));
        assertThat(ledger.customersWithPointsDue(now, 1000)).doesNotContain(customer);
    }

    @Test
    void anUpgradeIsRecordedAndObservedOnceAndTheWindowMovesTheCustomerDown() {
        Instant now = clock.instant();
        loyalty.orderCompleted(customer, "o-1", new BigDecimal("300"), "EUR", now.minus(Duration.ofDays(364)), "m-1");
        loyalty.orderCompleted(customer, "o-2", new BigDecimal("300"), "EUR", now, "m-2");

        assertThat(loyalty.status(customer).tier()).isEqualTo("Silver");
        assertThat(loyalty.status(customer).nextTier()).isEqualTo("Gold");
        assertThat(loyalty.status(customer).pointsToNextTier()).isEqualTo(1400);
        assertThat(ledger.tierChanges(customer)).singleElement().satisfies(change -> {
            assertThat(change.from()).isEqualTo("Member");
            assertThat(change.to()).isEqualTo("Silver");
            assertThat(change.windowPoints()).isEqualTo(600);
        });
        assertThat(tierEvents("loyalty_tier_upgraded")).hasSize(1);
        loyalty.orderCompleted(customer, "o-2", new BigDecimal("300"), "EUR", now, "m-2-again");
        loyalty.reevaluate(customer);
        assertThat(tierEvents("loyalty_tier_upgraded")).as("nothing changed").hasSize(1);

        advanceClock(Duration.ofDays(2)); // o-1 leaves the window
        try {
            loyalty.reevaluate(customer);
            loyalty.reevaluate(customer);
        } finally {
            advanceClock(Duration.ofDays(-2));
        }
        assertThat(loyalty.status(customer).tier()).isEqualTo("Member");
        assertThat(tierEvents("loyalty_tier_downgraded")).singleElement().asString().startsWith("loyalty-tier:");
        assertThat(ledger.tierChanges(customer)).extracting(PointsLedger.TierChange::to)
                .containsExactly("Silver", "Member");
    }

    private List<String> tierEvents(String type) {
        return jdbc.sql("select message_id from sf_event where customer_id = ? and type = ?").params(customer, type)
                .query(String.class).list();
    }

    private int balance() {
        return ledger.account(customer).orElseThrow().balance();
    }
}
