package io.stageflow.predictions;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.stageflow.customers.Customer;
import io.stageflow.customers.CustomerService;
import io.stageflow.customers.ProfileSection;
import io.stageflow.testing.IntegrationTest;

import org.apache.velocity.VelocityContext;
import org.apache.velocity.app.VelocityEngine;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * {@code $predicted} for a wave of emails (one read for all of it; nothing for a customer without a score), as a
 * Velocity template reads it, the preview's sample, and the console's "Predictions" section.
 */
class PredictionTemplateExtrasTest extends IntegrationTest {

    @Autowired
    PredictionTemplateExtras extras;

    @Autowired
    PredictionProfile profile;

    @Autowired
    CustomerService customers;

    @Test
    void aWaveGetsTheScoresOfItsScoredCustomersAndTemplatesReadThem() {
        String p = "tpl" + UUID.randomUUID().toString().substring(0, 8);
        Customer scored = customer(p + "-scored");
        Customer unscored = customer(p + "-unscored");
        jdbc.sql("insert into sf_customer_prediction (customer_id, p_alive, churn_risk, expected_orders_90d,"
                + " expected_spend, predicted_clv, currency, rfm_recency, rfm_frequency, rfm_monetary, rfm_segment,"
                + " scored_at) values (?, 0.18, 0.82, 0.05, 41.10, 12.34, 'USD', 1, 2, 3, '123', ?)")
                .params(scored.id(), Timestamp.from(Instant.parse("2026-12-01T02:30:00Z"))).update();

        Map<String, Map<String, Object>> entries = extras.forDeliveries(Map.of("k-1", scored, "k-2", unscored));

        assertThat(entries).containsOnlyKeys("k-1");
        String rendered = render("#if($predicted)risk $predicted.churnRiskPercent%, CLV $predicted.clv"
                + " $predicted.currency, RFM $predicted.rfm.segment#{else}no score#end", entries.get("k-1"));
        assertThat(rendered).isEqualTo("risk 82%, CLV 12.34 USD, RFM 123");
        assertThat(render("#if($predicted)risk#{else}no score#end", Map.of())).isEqualTo("no score");
        assertThat(render("$predicted.churnRisk $predicted.rfm.recency", extras.forPreview(scored)))
                .isEqualTo("0.35 4");

        List<ProfileSection.Line> lines = profile.linesOf(scored.id());
        assertThat(lines).contains(new ProfileSection.Line("Churn risk", "82 %"),
                new ProfileSection.Line("Predicted lifetime value", "12.34 USD"),
                new ProfileSection.Line("RFM", "123 (recency 1, frequency 2, monetary 3, each 1 to 5)"));
        assertThat(profile.linesOf(unscored.id())).isEmpty();
    }

    private Customer customer(String id) {
        client().putCustomer(id, "{\"email\": \"" + id + "@example.com\"}").expectStatus(201);
        return customers.find(id).orElseThrow();
    }

    private static String render(String template, Map<String, Object> model) {
        VelocityEngine velocity = new VelocityEngine();
        velocity.init();
        StringWriter out = new StringWriter();
        velocity.evaluate(new VelocityContext(new java.util.HashMap<>(model)), out, "test", template);
        return out.toString();
    }
}
