package io.stageflow.experiments;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.stageflow.events.EventEffect.RoutedEvent;
import io.stageflow.events.EventStatus;
import io.stageflow.events.StoredEvent;
import io.stageflow.experiments.ExperimentAssignments.Split;
import io.stageflow.experiments.ExperimentAssignments.Variant;
import io.stageflow.testing.IntegrationTest;

import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Orders credited to experiments: within the revenue window after the customer entered (30 days by default), to
 * their latest entry of each experiment, once per order however often it is routed, in the settings' currency for
 * the results; conversions counted once per journey instance.
 */
class ExperimentOrdersTest extends IntegrationTest {

    /** Whole seconds: the mysql profile sends no fractions of a second. */
    private static final Instant ENTERED = Instant.parse("2026-04-01T08:00:00Z");

    @Autowired
    ExperimentAssignments assignments;

    @Autowired
    ExperimentOrders orders;

    @Autowired
    ExperimentResults results;

    private String key;
    private String customer;
    private Split split;

    @BeforeEach
    void oneCustomerInAnExperiment() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        key = "orders-" + run;
        customer = "buyer-" + run;
        split = new Split(key, List.of(new Variant("A", 50), new Variant("B", 50)), null, 0);
        ClockUtil.setCurrentTime(Date.from(ENTERED));
        assignments.enter(split, "welcome", "first-" + key, customer);
    }

    @AfterEach
    void resetTheClock() {
        ClockUtil.reset();
    }

    @Test
    void ordersWithinTheWindowCountOnceEachForTheLatestEntryAndNoneOutsideIt() {
        order("before", ENTERED.minusSeconds(60), "10.00", "USD");
        order("inside", ENTERED.plus(Duration.ofDays(2)), "25.50", "USD");
        order("inside", ENTERED.plus(Duration.ofDays(2)), "25.50", "USD"); // routed again
        order("euro", ENTERED.plus(Duration.ofDays(3)), "40.00", "EUR");
        order("after", ENTERED.plus(Duration.ofDays(31)), "99.00", "USD");

        assertThat(credited()).containsExactlyInAnyOrder("USD 2550", "EUR 4000");
        ExperimentVerdict.Arm arm = arm(entered());
        assertThat(arm.entered()).isEqualTo(1);
        assertThat(arm.revenuePerRecipient()).as("USD only: EUR is kept but never added to it")
                .isEqualByComparingTo("25.50");
    }

    @Test
    void aCustomerWhoEnteredAgainIsCreditedOnceToTheLatestEntry() {
        ClockUtil.setCurrentTime(Date.from(ENTERED.plus(Duration.ofDays(5))));
        assignments.enter(split, "welcome", "second-" + key, customer);

        order("later", ENTERED.plus(Duration.ofDays(6)), "12.00", "USD");

        List<String> creditedInstances = jdbc.sql("""
                select e.journey_instance_id from sf_experiment_order o join sf_experiment_entry e on e.id = o.entry_id
                where o.experiment_key = ?""").param(key).query(String.class).list();
        assertThat(creditedInstances).containsExactly("second-" + key);
    }

    @Test
    void aJourneyInstanceConvertsOnce() {
        results.converted("first-" + key, ENTERED.plus(Duration.ofHours(3)));
        results.converted("first-" + key, ENTERED.plus(Duration.ofHours(4)));

        ExperimentVerdict.Arm arm = arm(entered());
        assertThat(arm.conversions()).isEqualTo(1);
        assertThat(jdbc.sql("select converted_at from sf_experiment_entry where journey_instance_id = ?")
                .param("first-" + key).query(java.sql.Timestamp.class).single().toInstant())
                .isEqualTo(ENTERED.plus(Duration.ofHours(3)));
    }

    /** The path the customer was given: the arm to read. */
    private String entered() {
        return jdbc.sql("select variant from sf_experiment_entry where experiment_key = ? and customer_id = ?")
                .params(key, customer).query(String.class).list().get(0);
    }

    private ExperimentVerdict.Arm arm(String name) {
        return results.results(key).orElseThrow().verdict().arms().stream().filter(arm -> arm.name().equals(name))
                .findFirst().orElseThrow();
    }

    private List<String> credited() {
        return jdbc.sql("select currency, amount_cents from sf_experiment_order where experiment_key = ?").param(key)
                .query((rs, row) -> rs.getString(1) + " " + rs.getLong(2)).list();
    }

    private void order(String orderId, Instant at, String total, String currency) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("orderId", orderId);
        properties.put("total", new java.math.BigDecimal(total));
        properties.put("currency", currency);
        StoredEvent event = new StoredEvent(1, "order-" + orderId + "-" + UUID.randomUUID(), "order_completed",
                customer, at, at, properties, EventStatus.PENDING, 0, 0, null);
        orders.apply(new RoutedEvent(event, new HashMap<>()));
    }
}
