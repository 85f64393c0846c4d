package io.stageflow.segments;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/**
 * Every operator on every kind of field, and/or/not, and relative time with the clock moved: the compiled SQL
 * selects exactly the customers the rule describes, on H2 and on MariaDB alike.
 */
class SegmentRulesTest extends SegmentTesting {

    @Test
    void traitsCompareByTypeWithEveryOperator() {
        customer("a", "\"plan\":\"pro\", \"seats\":5, \"beta\":true, \"company\":\"ACME 100%_Off\"");
        customer("b", "\"plan\":\"free\", \"seats\":1, \"beta\":false, \"company\":\"ACME 1000 Off\"");
        customer("c", "\"plan\":\"Pro\", \"seats\":\"5\", \"score\":2.5");
        customer("d", "");

        assertThat(members(condition("traits.plan", "eq", "pro"))).containsExactly("a");
        assertThat(members(condition("traits.seats", "eq", 5))).as("the text \"5\" is no number").containsExactly("a");
        assertThat(members(condition("traits.seats", "eq", "5"))).as("nor is 5 a text").containsExactly("c");
        assertThat(members(condition("traits.beta", "eq", true))).containsExactly("a");
        assertThat(members(condition("traits.beta", "eq", false))).containsExactly("b");
        assertThat(members(condition("traits.plan", "neq", "pro"))).as("neq includes customers without the trait")
                .containsExactly("b", "c", "d");
        assertThat(members(condition("traits.seats", "gt", 1))).containsExactly("a");
        assertThat(members(condition("traits.seats", "gte", 1))).containsExactly("a", "b");
        assertThat(members(condition("traits.seats", "lt", 5))).containsExactly("b");
        assertThat(members(condition("traits.seats", "lte", 5))).containsExactly("a", "b");
        assertThat(members(condition("traits.score", "gt", 2.4))).containsExactly("c");
        assertThat(members(condition("traits.plan", "gt", 0))).as("a text never compares as a number").isEmpty();
        assertThat(members(condition("traits.plan", "in", array("pro", "free")))).containsExactly("a", "b");
        assertThat(members(condition("traits.seats", "in", array(1, 5, 7)))).containsExactly("a", "b");
        assertThat(members(condition("traits.plan", "contains", "RO"))).as("contains ignores case")
                .containsExactly("a", "c");
        assertThat(members(condition("traits.company", "contains", "100%"))).as("% matches only itself")
                .containsExactly("a");
        assertThat(members(condition("traits.company", "contains", "_Off"))).as("_ matches only itself")
                .containsExactly("a");
        assertThat(members(condition("traits.plan", "exists"))).containsExactly("a", "b", "c");
        assertThat(members(condition("traits.plan", "exists", false))).containsExactly("d");
    }

    @Test
    void aTextRuleMatchesOnlyTextsWhatTheOtherKindsOfValueReadAs() {
        customer("a", "\"code\":\"42\", \"flag\":\"true\", \"none\":\"null\", \"shape\":\"[1]\", \"plan\":\"pro\"");
        customer("b", "\"code\":42, \"flag\":true, \"none\":null, \"shape\":[1], \"plan\":{\"tier\":\"pro\"}");
        customer("c", "\"code\":42.0, \"plan\":[\"pro\"]");

        assertThat(members(condition("traits.code", "eq", "42"))).containsExactly("a");
        assertThat(members(condition("traits.code", "in", array("42", "42.0")))).containsExactly("a");
        assertThat(members(condition("traits.flag", "eq", "true"))).containsExactly("a");
        assertThat(members(condition("traits.none", "eq", "null"))).containsExactly("a");
        assertThat(members(condition("traits.shape", "eq", "[1]"))).containsExactly("a");
        assertThat(members(condition("traits.plan", "eq", "pro"))).as("nor an object or array holding it")
                .containsExactly("a");
        assertThat(members(condition("traits.plan", "in", array("pro", "{\"tier\":\"pro\"}"))))
                .containsExactly("a");
        assertThat(members(condition("traits.plan", "neq", "pro"))).containsExactly("b", "c");
    }

    @Test
    void onlyTextsThatNoOtherKindOfValueReadsAsSkipTheTypeCheck() {
        assertThat(SegmentQuery.onlyAStringReadsAs("pro")).isTrue();
        assertThat(SegmentQuery.onlyAStringReadsAs("")).isTrue();
        assertThat(SegmentQuery.onlyAStringReadsAs("05")).as("JSON writes no leading zero").isTrue();
        assertThat(SegmentQuery.onlyAStringReadsAs("+5")).isTrue();
        assertThat(SegmentQuery.onlyAStringReadsAs("42")).isFalse();
        assertThat(SegmentQuery.onlyAStringReadsAs("-2.5e3")).isFalse();
        assertThat(SegmentQuery.onlyAStringReadsAs(" 42 ")).isFalse();
        assertThat(SegmentQuery.onlyAStringReadsAs("true")).isFalse();
        assertThat(SegmentQuery.onlyAStringReadsAs("null")).isFalse();
        assertThat(SegmentQuery.onlyAStringReadsAs("{\"a\":1}")).isFalse();
        assertThat(SegmentQuery.onlyAStringReadsAs("[1]")).isFalse();

        assertThat(mysql("traits.plan", "pro")).as("one read of the JSON a row").containsOnlyOnce("JSON_EXTRACT");
        assertThat(mysql("traits.code", "42")).as("a value and its type").contains("JSON_TYPE");
    }

    private static String mysql(String field, String value) {
        return SegmentQuery.where(new Rule.Condition(SegmentField.parse(field).field().orElseThrow(), Operator.EQ,
                value), SqlDialect.MYSQL, java.time.Instant.now()).text();
    }

    @Test
    void stageConsentAndOrders() {
        String a = customer("a", "");
        String b = customer("b", "");
        String c = customer("c", "");
        jdbc.sql("update sf_customer set stage = 'RETENTION' where id = ?").param(a).update();
        jdbc.sql("update sf_customer set stage = 'LAPSED' where id = ?").param(b).update();
        client().putCustomer(a, "{\"marketingConsent\":true}").expectStatus(200);
        client().putCustomer(b, "{\"marketingConsent\":false}").expectStatus(200);
        orders(a, 3, "120.50", daysAgo(1));
        orders(b, 1, "19.99", daysAgo(1));

        assertThat(members(condition("stage", "eq", "RETENTION"))).containsExactly("a");
        assertThat(members(condition("stage", "neq", "RETENTION"))).containsExactly("b", "c");
        assertThat(members(condition("stage", "in", array("LAPSED", "AWARENESS")))).containsExactly("b", "c");

        assertThat(members(condition("consent.marketing", "eq", true))).containsExactly("a");
        assertThat(members(condition("consent.marketing", "eq", false))).containsExactly("b");
        assertThat(members(condition("consent.marketing", "neq", false))).as("not declined: yes or never asked")
                .containsExactly("a", "c");
        assertThat(members(condition("consent.marketing", "exists"))).containsExactly("a", "b");
        assertThat(members(condition("consent.marketing", "exists", false))).containsExactly("c");

        assertThat(members(condition("orders.count", "eq", 3))).containsExactly("a");
        assertThat(members(condition("orders.count", "neq", 3))).containsExactly("b", "c");
        assertThat(members(condition("orders.count", "gt", 1))).containsExactly("a");
        assertThat(members(condition("orders.count", "gte", 1))).containsExactly("a", "b");
        assertThat(members(condition("orders.count", "lt", 1))).containsExactly("c");
        assertThat(members(condition("orders.count", "lte", 1))).containsExactly("b", "c");
        assertThat(members(condition("orders.count", "in", array(0, 3)))).containsExactly("a", "c");
        assertThat(members(condition("orders.total", "eq", 19.99))).containsExactly("b");
        assertThat(members(condition("orders.total", "neq", 19.99))).containsExactly("a", "c");
        assertThat(members(condition("orders.total", "gt", 19.99))).containsExactly("a");
        assertThat(members(condition("orders.total", "gte", 19.99))).containsExactly("a", "b");
        assertThat(members(condition("orders.total", "lt", 100))).containsExactly("b", "c");
        assertThat(members(condition("orders.total", "lte", 120.5))).containsExactly("a", "b", "c");
        assertThat(members(condition("orders.total", "in", array(0, 120.5)))).containsExactly("a", "c");
    }

    @Test
    void daysAgoCountsFromTheClockAndMovesWithIt() {
        String a = customer("a", "");
        String b = customer("b", "");
        customer("never", "");
        orders(a, 1, "10", daysAgo(3.5));
        orders(b, 1, "10", daysAgo(61));

        assertThat(members(condition("lastOrder.daysAgo", "gt", 60))).containsExactly("b");
        assertThat(members(condition("lastOrder.daysAgo", "gte", 3))).containsExactly("a", "b");
        assertThat(members(condition("lastOrder.daysAgo", "lt", 4))).containsExactly("a");
        assertThat(members(condition("lastOrder.daysAgo", "lte", 3))).as("3.5 days is more than 3").isEmpty();
        assertThat(members(condition("lastOrder.daysAgo", "eq", 3))).as("3 whole days ago").containsExactly("a");
        assertThat(members(condition("lastOrder.daysAgo", "neq", 3))).as("neq includes never ordered")
                .containsExactly("b", "never");
        assertThat(members(condition("lastOrder.daysAgo", "exists"))).containsExactly("a", "b");
        assertThat(members(condition("lastOrder.daysAgo", "exists", false))).containsExactly("never");

        advanceClock(Duration.ofDays(57));

        assertThat(members(condition("lastOrder.daysAgo", "gt", 60))).containsExactly("a", "b");
        assertThat(members(condition("lastOrder.daysAgo", "eq", 60))).containsExactly("a");
    }

    @Test
    void eventsWithinDaysLooksAtTheLatestEventOfTheType() {
        String recent = customer("recent", "");
        String old = customer("old", "");
        String both = customer("both", "");
        customer("none", "");
        event(recent, "seg_test_viewed", Duration.ofDays(2));
        event(old, "seg_test_viewed", Duration.ofDays(40));
        event(both, "seg_test_viewed", Duration.ofDays(40));
        event(both, "seg_test_viewed", Duration.ofHours(1));
        event(old, "seg_test_other", Duration.ofHours(1));

        String field = "events.seg_test_viewed.withinDays";
        assertThat(members(condition(field, "lte", 7))).as("had one in the last 7 days").containsExactly("both", "recent");
        assertThat(members(condition(field, "lt", 2))).containsExactly("both");
        assertThat(members(condition(field, "gt", 30))).as("the latest is older than 30 days").containsExactly("old");
        assertThat(members(condition(field, "gte", 2))).containsExactly("old", "recent");
        assertThat(members(condition(field, "eq", 0))).containsExactly("both");
        assertThat(members(condition(field, "neq", 0))).containsExactly("none", "old", "recent");
        assertThat(members(condition(field, "exists"))).as("ever").containsExactly("both", "old", "recent");
        assertThat(members(condition(field, "exists", false))).containsExactly("none");
        assertThat(members(not(condition(field, "lte", 7)))).as("none in the last 7 days").containsExactly("none", "old");

        advanceClock(Duration.ofDays(6));

        assertThat(members(condition(field, "lte", 7))).containsExactly("both");
        assertThat(members(condition(field, "lte", 5))).isEmpty();
    }

    @Test
    void allAnyAndNotNest() {
        customer("a", "\"plan\":\"pro\", \"seats\":5");
        customer("b", "\"plan\":\"pro\", \"seats\":1");
        customer("c", "\"plan\":\"free\", \"seats\":9");
        customer("d", "");

        assertThat(members(all(condition("traits.plan", "eq", "pro"), condition("traits.seats", "gt", 2))))
                .containsExactly("a");
        assertThat(members(any(condition("traits.plan", "eq", "free"), condition("traits.seats", "lt", 2))))
                .containsExactly("b", "c");
        assertThat(members(not(condition("traits.seats", "gt", 2)))).as("not is the exact complement, missing included")
                .containsExactly("b", "d");
        assertThat(members(not(not(condition("traits.seats", "gt", 2))))).containsExactly("a", "c");
        assertThat(members(any(all(condition("traits.plan", "eq", "pro"), not(condition("traits.seats", "eq", 5))),
                all(not(condition("traits.plan", "exists")))))).containsExactly("b", "d");
    }
}
