package io.stageflow.inactivity;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.stageflow.customers.LifecycleProperties;
import io.stageflow.testing.IntegrationTest;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * The inactivity scan's candidates with {@code trigger: churn-risk}: the customers of the scanned stages whose
 * predicted churn risk is above the threshold, whatever their days without an order, and never a customer without a
 * score; with {@code trigger: days} (the default) the scores play no part. The settings are bound as Spring binds
 * them, and the condition runs on the real database, as the scan's reader and its count run it.
 */
class InactivityChurnRiskTest extends IntegrationTest {

    @Autowired
    LifecycleProperties lifecycle;

    @Autowired
    NamedParameterJdbcTemplate named;

    @Test
    void churnRiskPicksTheCustomersAboveTheThresholdAndDaysIgnoresTheScores() {
        String p = "churn" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        Instant now = Instant.now();
        String risky = customer(p + "-risky", "RETENTION", now.minus(Duration.ofDays(10)), 0.9);
        String safe = customer(p + "-safe", "RETENTION", now.minus(Duration.ofDays(90)), 0.4);
        String unscored = customer(p + "-unscored", "EXPANSION", now.minus(Duration.ofDays(90)), null);
        String onboarding = customer(p + "-onboarding", "ONBOARDING", now.minus(Duration.ofDays(5)), 0.95);

        InactivityProperties byRisk = properties(Map.of("trigger", "churn-risk", "churn-risk-threshold", "0.7"));
        assertThat(byRisk.trigger()).isEqualTo(InactivityProperties.Trigger.CHURN_RISK);
        assertThat(candidates(byRisk, p, now)).containsExactly(risky);

        InactivityProperties stricter = properties(Map.of("trigger", "churn-risk", "churn-risk-threshold", "0.95"));
        assertThat(candidates(stricter, p, now)).isEmpty();

        InactivityProperties byDays = properties(Map.of());
        assertThat(byDays.trigger()).isEqualTo(InactivityProperties.Trigger.DAYS);
        assertThat(candidates(byDays, p, now)).containsExactly(safe, unscored);
        assertThat(onboarding).as("before the scanned stages either way").isNotIn(candidates(byRisk, p, now));
    }

    private List<String> candidates(InactivityProperties properties, String prefix, Instant asOf) {
        Map<String, Object> parameters = new HashMap<>(
                InactivityJobConfiguration.candidateParameters(properties, lifecycle, asOf));
        parameters.put("prefix", prefix + "-%");
        return named.queryForList("select id from sf_customer where " + InactivityJobConfiguration.candidates(properties)
                + " and id like :prefix order by id", parameters, String.class);
    }

    private static InactivityProperties properties(Map<String, String> settings) {
        Map<String, String> prefixed = new HashMap<>();
        settings.forEach((key, value) -> prefixed.put("stageflow.inactivity." + key, value));
        return new Binder(new MapConfigurationPropertySource(prefixed))
                .bindOrCreate("stageflow.inactivity", InactivityProperties.class);
    }

    private String customer(String id, String stage, Instant lastOrderAt, Double churnRisk) {
        client().putCustomer(id, "{\"email\": \"" + id + "@example.com\"}").expectStatus(201);
        jdbc.sql("update sf_customer set stage = ?, order_count = 3, last_order_at = ? where id = ?")
                .params(stage, Timestamp.from(lastOrderAt), id).update();
        if (churnRisk != null) {
            jdbc.sql("insert into sf_customer_prediction (customer_id, p_alive, churn_risk, expected_orders_90d,"
                    + " currency, rfm_recency, rfm_frequency, rfm_monetary, rfm_segment, scored_at)"
                    + " values (?, ?, ?, 0.1, 'USD', 3, 3, 3, '333', ?)")
                    .params(id, 1 - churnRisk, churnRisk, Timestamp.from(Instant.now())).update();
        }
        return id;
    }
}
