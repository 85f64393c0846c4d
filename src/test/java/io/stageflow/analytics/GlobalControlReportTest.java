package io.stageflow.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.stageflow.experiments.ExperimentsProperties;
import io.stageflow.experiments.GlobalControl;
import io.stageflow.support.Sha256;
import io.stageflow.testing.IntegrationTest;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * The global control group's report: every customer on one side or the other, the period's orders of each side
 * summed per currency, the buyers' rates compared with an always-valid interval, and the revenue the programme added;
 * and, through the API, the report of a deployment without a group.
 */
class GlobalControlReportTest extends IntegrationTest {

    /** A month no other test orders in. */
    private static final Instant IN_PERIOD = Instant.parse("2091-05-10T12:00:00Z");

    @Autowired
    AnalyticsProperties analytics;

    @Autowired
    ExperimentsProperties experiments;

    @Test
    void eachSideIsCountedAndItsOrdersSummedAndTheProgrammesIncrementalRevenueFollows() {
        GlobalControl group = new GlobalControl(withShare(10));
        List<String> members = new ArrayList<>();
        List<String> others = new ArrayList<>();
        String run = UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; members.size() < 2 || others.size() < 2; i++) {
            String id = "gc-" + run + "-" + i;
            if (group.isMember(id) ? members.size() < 2 : others.size() < 2) {
                client().putCustomer(id, "{\"email\":\"" + id + "@example.com\"}").expectStatus(201);
                (group.isMember(id) ? members : others).add(id);
            }
        }
        order(members.get(0), "USD", 2000);
        order(others.get(0), "USD", 5000);
        order(others.get(0), "USD", 1000);
        order(others.get(1), "EUR", 700);

        GlobalControlController controller = new GlobalControlController(jdbc, group, experiments, analytics);
        GlobalControlController.GlobalControlReport report = controller.report("2091-05-01", "2091-05-31");

        long everyone = jdbc.sql("select count(*) from sf_customer").query(Long.class).single();
        assertThat(report.enabled()).isTrue();
        assertThat(report.share()).isEqualTo(10);
        assertThat(report.controlCustomers() + report.marketedCustomers()).isEqualTo(everyone);
        assertThat(report.controlCustomers()).isGreaterThanOrEqualTo(2);
        assertThat(report.currencies()).extracting(GlobalControlController.CurrencyFigures::currency)
                .containsExactly("EUR", "USD");
        GlobalControlController.CurrencyFigures usd = report.currencies().get(1);
        assertThat(usd.control().entered()).isEqualTo(report.controlCustomers());
        assertThat(usd.control().conversions()).isEqualTo(1);
        assertThat(usd.marketed().conversions()).as("one buyer, two orders").isEqualTo(1);
        assertThat(usd.marketed().revenuePerRecipient()).isEqualByComparingTo(new java.math.BigDecimal("60.00")
                .divide(java.math.BigDecimal.valueOf(report.marketedCustomers()), 4, java.math.RoundingMode.HALF_EVEN));
        assertThat(usd.marketed().comparison()).hasValueSatisfying(comparison -> {
            assertThat(comparison.against()).isEqualTo("Control group");
            assertThat(comparison.interval().lower()).isLessThan(comparison.difference());
        });
        assertThat(usd.incrementalRevenue()).isEqualByComparingTo(usd.marketed().revenuePerRecipient()
                .subtract(usd.control().revenuePerRecipient())
                .multiply(java.math.BigDecimal.valueOf(report.marketedCustomers()))
                .setScale(2, java.math.RoundingMode.HALF_EVEN));
        assertThat(report.currencies().get(0).control().conversions()).isZero();
    }

    @Test
    void withoutAGroupTheApiSaysSo() {
        var report = client().get("/api/v1/analytics/global-control?from=2091-06-01&to=2091-06-30").expectStatus(200)
                .json();
        assertThat(report.get("enabled").asBoolean()).isFalse();
        assertThat(report.get("share").asInt()).isZero();
        assertThat(report.get("controlCustomers").asLong()).isZero();

        var refused = client().get("/api/v1/analytics/global-control?from=2091-13-01&to=2091-12-31").expectStatus(400);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.body()).contains("\"from\"");
    }

    private void order(String customer, String currency, long cents) {
        jdbc.sql("insert into sf_order (order_key, customer_id, ordered_at, currency, amount_cents) values (?, ?, ?, ?, ?)")
                .params(Sha256.hex(customer + UUID.randomUUID()), customer, Timestamp.from(IN_PERIOD), currency, cents)
                .update();
    }

    private static ExperimentsProperties withShare(int share) {
        MapConfigurationPropertySource source = new MapConfigurationPropertySource();
        source.put("stageflow.experiments.global-control-share", String.valueOf(share));
        return new Binder(source).bindOrCreate("stageflow.experiments", ExperimentsProperties.class);
    }
}
