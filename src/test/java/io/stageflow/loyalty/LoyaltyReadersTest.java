package io.stageflow.loyalty;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import io.stageflow.customers.Customer;
import io.stageflow.customers.CustomerService;
import io.stageflow.customers.ProfileSection;
import io.stageflow.testing.IntegrationTest;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * What reads the ledger: {@code $loyalty} for a wave of emails (and for a customer without points), the upkeep that
 * expires points and moves tiers down as the window rolls, the console's section, and the export and erasure.
 */
class LoyaltyReadersTest extends IntegrationTest {

    @Autowired
    Loyalty loyalty;

    @Autowired
    PointsLedger ledger;

    @Autowired
    LoyaltyTemplateExtras extras;

    @Autowired
    LoyaltyUpkeep upkeep;

    @Autowired
    LoyaltyProfile profile;

    @Autowired
    CustomerService customers;

    @Autowired
    Clock clock;

    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @Test
    void loyaltyInTemplatesForAWaveAndForACustomerWithoutPoints() {
        Customer gold = customer("gold");
        Customer silver = customer("silver");
        Customer none = customer("none");
        loyalty.orderCompleted(gold.id(), "o-1", new BigDecimal("2500"), "EUR", clock.instant(), "m-" + gold.id());
        loyalty.orderCompleted(silver.id(), "o-2", new BigDecimal("1234.56"), "EUR", clock.instant(), "m-" + silver.id());
        Map<String, Customer> wave = new LinkedHashMap<>();
        wave.put("k-gold", gold);
        wave.put("k-silver", silver);
        wave.put("k-none", none);

        Map<String, Map<String, Object>> entries = extras.forDeliveries(wave);

        assertThat(entries.get("k-gold").get("loyalty")).isEqualTo(Map.of("balance", 2500, "balanceText", "2,500",
                "tier", "Gold", "nextTier", "", "pointsToNextTier", 0L, "topTier", true));
        assertThat(entries.get("k-silver").get("loyalty")).isEqualTo(Map.of("balance", 1234, "balanceText", "1,234",
                "tier", "Silver", "nextTier", "Gold", "pointsToNextTier", 766L, "topTier", false));
        Map<String, Object> nothing = Map.of("balance", 0, "balanceText", "0", "tier", "Member", "nextTier", "Silver",
                "pointsToNextTier", 500L, "topTier", false);
        assertThat(entries.get("k-none").get("loyalty")).isEqualTo(nothing);
        assertThat(extras.forCustomerWithoutData(none).get("loyalty")).isEqualTo(nothing);
        assertThat(extras.forDelivery(silver, "k-silver")).isEqualTo(entries.get("k-silver"));
        assertThat(extras.forPreview(none).get("loyalty")).asInstanceOf(
                org.assertj.core.api.InstanceOfAssertFactories.MAP).containsEntry("tier", "Silver")
                .containsEntry("nextTier", "Gold").containsEntry("balance", LoyaltyTemplateExtras.SAMPLE_BALANCE);
    }

    @Test
    void theUpkeepExpiresPointsAndMovesCustomersDownAsTheWindowRolls() {
        Customer aging = customer("aging");
        loyalty.orderCompleted(aging.id(), "old", new BigDecimal("700"), "EUR",
                clock.instant().minus(Duration.ofDays(366)), "m-old-" + aging.id());
        assertThat(ledger.account(aging.id()).orElseThrow().tier()).as("not in the window").isEqualTo("Member");
        Customer silver = customer("window");
        loyalty.orderCompleted(silver.id(), "o-1", new BigDecimal("600"), "EUR",
                clock.instant().minus(Duration.ofDays(300)), "m-" + silver.id());
        assertThat(ledger.account(silver.id()).orElseThrow().tier()).isEqualTo("Silver");

        advanceClock(Duration.ofDays(70)); // the order leaves the window, and its points expire
        LoyaltyUpkeep.Result result = upkeep.run();
        upkeep.run();

        assertThat(result.expired()).isPositive();
        assertThat(result.evaluated()).isPositive();
        assertThat(ledger.account(aging.id()).orElseThrow().balance()).isZero();
        assertThat(ledger.account(silver.id()).orElseThrow().balance()).isZero();
        assertThat(ledger.ofCustomer(silver.id())).extracting(PointsLedger.Entry::kind, PointsLedger.Entry::points)
                .contains(org.assertj.core.groups.Tuple.tuple(PointsLedger.Kind.EXPIRED, -600));
        assertThat(ledger.account(silver.id()).orElseThrow().tier()).isEqualTo("Member");
        assertThat(ledger.tierChanges(silver.id())).extracting(PointsLedger.TierChange::to)
                .containsExactly("Silver", "Member");
        assertThat(ledger.tierChanges(silver.id()).get(1).cause()).startsWith("window-");
    }

    @Test
    void theUpkeepLooksOnlyAtCustomersWhosePointsLeftTheWindowSinceItsLastRun() {
        Customer steady = customer("steady");
        loyalty.orderCompleted(steady.id(), "o-1", new BigDecimal("600"), "EUR",
                clock.instant().minus(Duration.ofDays(100)), "m-" + steady.id());
        Customer leaving = customer("leaving");
        loyalty.orderCompleted(leaving.id(), "o-2", new BigDecimal("600"), "EUR",
                clock.instant().minus(Duration.ofDays(365)).plus(Duration.ofMinutes(30)), "m-" + leaving.id());
        assertThat(ledger.account(steady.id()).orElseThrow().tier()).isEqualTo("Silver");
        assertThat(ledger.account(leaving.id()).orElseThrow().tier()).isEqualTo("Silver");
        upkeep.run(); // the run before: from here on, the upkeep knows where the window started
        java.time.Instant before = clock.instant().minus(Duration.ofDays(365));

        advanceClock(Duration.ofHours(1)); // leaving's order leaves the window; steady's stays in it
        java.time.Instant now = clock.instant().minus(Duration.ofDays(365));
        assertThat(ledger.customersLeavingWindow("Member", before, now, "", 10_000)).contains(leaving.id())
                .doesNotContain(steady.id());
        long aboveLowest = jdbc.sql("select count(*) from sf_loyalty_account where tier <> 'Member'")
                .query(Long.class).single();
        LoyaltyUpkeep.Result result = upkeep.run();

        assertThat(result.everyone()).isFalse();
        assertThat(result.evaluated()).as("not everyone above the lowest tier").isPositive()
                .isLessThan((int) aboveLowest);
        assertThat(ledger.account(leaving.id()).orElseThrow().tier()).isEqualTo("Member");
        assertThat(ledger.account(steady.id()).orElseThrow().tier()).isEqualTo("Silver");
    }

    @Test
    void theConsoleShowsTheBalanceTierAndLatestChanges() {
        Customer customer = customer("console");
        assertThat(profile.linesOf(customer.id())).isEmpty();
        loyalty.orderCompleted(customer.id(), "o-1", new BigDecimal("42"), "EUR", clock.instant(), "m-" + customer.id());

        assertThat(profile.linesOf(customer.id())).extracting(ProfileSection.Line::label, ProfileSection.Line::value)
                .contains(
                        org.assertj.core.groups.Tuple.tuple("Balance", "42 points"),
                        org.assertj.core.groups.Tuple.tuple("Next tier", "Silver, 458 points to go"));
        assertThat(profile.linesOf(customer.id())).extracting(ProfileSection.Line::value)
                .anySatisfy(value -> assertThat(value).startsWith("Member since "))
                .anySatisfy(value -> assertThat(value).startsWith("EARNED_ORDER, order o-1, "));
    }

    @Test
    void theLedgerIsExportedAndErasedWithTheCustomer() {
        Customer customer = customer("erase");
        loyalty.orderCompleted(customer.id(), "o-1", new BigDecimal("800"), "EUR", clock.instant(), "m-" + customer.id());

        JsonNode export = client().get("/api/v1/customers/" + customer.id() + "/export").expectStatus(200).json();
        JsonNode section = export.findValue("loyalty");
        assertThat(section.path("balance").asInt()).isEqualTo(800);
        assertThat(section.path("tier").asText()).isEqualTo("Silver");
        assertThat(section.path("points").get(0).path("causeId").asText()).isEqualTo("o-1");
        assertThat(section.path("tierChanges").get(0).path("to").asText()).isEqualTo("Silver");

        awaitSettled(customer.id()); // the upgrade's journey has sent its email
        client().delete("/api/v1/customers/" + customer.id()).expectStatus(204);

        for (String table : new String[] {"sf_loyalty_points", "sf_loyalty_account", "sf_loyalty_tier_change"}) {
            assertThat(jdbc.sql("select count(*) from " + table + " where customer_id = ?").param(customer.id())
                    .query(Long.class).single()).as(table).isZero();
        }
    }

    private Customer customer(String name) {
        String id = "loyal-" + name + "-" + run;
        client().putCustomer(id, "{\"email\":\"" + id + "@example.com\",\"locale\":\"en\"}").expectStatus(201);
        return customers.find(id).orElseThrow();
    }
}
