package io.stageflow.loyalty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;

import io.stageflow.loyalty.PointsLedger.Entry;
import io.stageflow.loyalty.PointsLedger.Kind;
import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.StageflowClient;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A Segment {@code alias} that folds a visitor into a customer takes the visitor's points, tier changes and balance
 * along, in the alias's transaction; an order both profiles earned for is counted once, and the tier is evaluated
 * again.
 */
class LoyaltyMergeTest extends IntegrationTest {

    @Autowired
    Loyalty loyalty;

    @Autowired
    PointsLedger ledger;

    @Autowired
    Clock clock;

    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @Test
    void anAliasMovesTheVisitorsPointsOnceAndTheMergedPointsReachATier() {
        StageflowClient client = client();
        String writeKey = client.newWriteKey("loyalty-alias-" + run);
        String anonymousId = "anon-" + run;
        String visitor = "anonymous:" + anonymousId;
        String customer = "known-" + run;
        track(client, writeKey, "\"anonymousId\":\"" + anonymousId + "\"", "v");
        track(client, writeKey, "\"userId\":\"" + customer + "\"", "c");
        loyalty.orderCompleted(visitor, "o-visitor", new BigDecimal("300"), "EUR", clock.instant(), "m-v-" + run);
        loyalty.orderCompleted(visitor, "o-shared", new BigDecimal("100"), "EUR", clock.instant(), "m-s1-" + run);
        loyalty.bonus(visitor, "review_submitted", 50, clock.instant(), "review-" + run);
        loyalty.redeem(visitor, 20, "voucher", "redeem-" + run);
        loyalty.orderCompleted(customer, "o-customer", new BigDecimal("150"), "EUR", clock.instant(), "m-c-" + run);
        loyalty.orderCompleted(customer, "o-shared", new BigDecimal("100"), "EUR", clock.instant(), "m-s2-" + run);
        assertThat(ledger.account(visitor).orElseThrow().tier()).isEqualTo("Member");
        assertThat(ledger.account(customer).orElseThrow().tier()).isEqualTo("Member");

        client.postSegment("/v1/alias", writeKey, """
                {"previousId":"%s","userId":"%s","messageId":"alias-%s"}""".formatted(anonymousId, customer, run))
                .expectStatus(200);

        // 300 + 100 + 50 - 20 of the visitor's, 150 + 100 of the customer's; o-shared counted once (the customer's).
        assertThat(ledger.account(customer).orElseThrow().balance()).isEqualTo(580);
        assertThat(ledger.account(visitor)).isEmpty();
        assertThat(ledger.count(visitor)).isZero();
        assertThat(ledger.ofCustomer(customer)).extracting(Entry::kind, Entry::causeId, Entry::messageId)
                .containsExactlyInAnyOrder(
                        tuple(Kind.EARNED_ORDER, "o-visitor", "m-v-" + run),
                        tuple(Kind.BONUS, "review-" + run, "review-" + run),
                        tuple(Kind.REDEEMED, "redeem-" + run, null),
                        tuple(Kind.EARNED_ORDER, "o-customer", "m-c-" + run),
                        tuple(Kind.EARNED_ORDER, "o-shared", "m-s2-" + run));
        assertThat(ledger.account(customer).orElseThrow().tier()).as("600 window points").isEqualTo("Silver");
        assertThat(ledger.tierChanges(customer)).singleElement().satisfies(change -> {
            assertThat(change.from()).isEqualTo("Member");
            assertThat(change.cause()).isEqualTo("merge-" + visitor);
        });
        assertThat(jdbc.sql("select count(*) from sf_event where customer_id = ? and type = 'loyalty_tier_upgraded'")
                .param(customer).query(Long.class).single()).isEqualTo(1);
        awaitSettled(customer);
    }

    @Test
    void theVisitorsTierChangesMoveAndTheirExpiredPointsAreTakenOut() {
        String visitor = "visitor-" + run;
        String customer = "merge-into-" + run;
        client().putCustomer(visitor, "{}").expectStatus(201);
        client().putCustomer(customer, "{\"email\":\"" + customer + "@example.com\"}").expectStatus(201);
        loyalty.orderCompleted(visitor, "o-1", new BigDecimal("600"), "EUR", clock.instant(), "m-1-" + run);
        loyalty.orderCompleted(customer, "o-2", new BigDecimal("40"), "EUR", clock.instant().minus(Duration.ofDays(400)),
                "m-2-" + run);

        loyalty.merge(visitor, customer);
        loyalty.merge(visitor, customer); // nothing left to move

        assertThat(ledger.account(customer).orElseThrow().balance()).as("o-2's points expired").isEqualTo(600);
        assertThat(ledger.ofCustomer(customer)).extracting(Entry::kind, Entry::points)
                .containsExactlyInAnyOrder(tuple(Kind.EARNED_ORDER, 40), tuple(Kind.EARNED_ORDER, 600),
                        tuple(Kind.EXPIRED, -40));
        // The visitor's own upgrade, and the customer's on the merge.
        assertThat(ledger.tierChanges(customer)).extracting(PointsLedger.TierChange::to, PointsLedger.TierChange::cause)
                .endsWith(tuple("Silver", "merge-" + visitor)).hasSize(2);
        assertThat(ledger.account(customer).orElseThrow().tier()).isEqualTo("Silver");
        awaitSettled(visitor);
        awaitSettled(customer);
    }

    private void track(StageflowClient client, String writeKey, String who, String name) {
        client.postSegment("/v1/track", writeKey, """
                {"event":"Product Viewed",%s,"messageId":"%s-%s","properties":{"product_id":"p-1"}}"""
                .formatted(who, name, run)).expectStatus(200);
    }
}
