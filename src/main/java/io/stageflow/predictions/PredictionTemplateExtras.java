package io.stageflow.predictions;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import io.stageflow.customers.Customer;
import io.stageflow.templates.TemplateExtras;

import org.springframework.stereotype.Component;

/**
 * {@code $predicted} in templates: the customer's scores as a Map (Velocity reads Maps, not record components):
 * {@code churnRisk}, {@code churnRiskPercent}, {@code aliveProbability}, {@code expectedOrders90d},
 * {@code expectedSpend}, {@code clv}, {@code currency}, {@code rfm} ({@code recency}, {@code frequency},
 * {@code monetary}, {@code segment}) and {@code scoredAt}. A customer without a score has no {@code $predicted}
 * at all (test it with {@code #if($predicted)}); a model field the last run could not fit is left out of the Map.
 * A wave of emails costs one read of its customers' scores.
 */
@Component
class PredictionTemplateExtras implements TemplateExtras {

    static final String NAME = "predicted";

    private final Predictions predictions;
    private final PredictionsProperties properties;
    private final Clock clock;

    PredictionTemplateExtras(Predictions predictions, PredictionsProperties properties, Clock clock) {
        this.predictions = predictions;
        this.properties = properties;
        this.clock = clock;
    }

    @Override
    public Set<String> names() {
        return Set.of(NAME);
    }

    @Override
    public Map<String, Map<String, Object>> forDeliveries(Map<String, Customer> recipientsByIdempotencyKey) {
        Set<String> ids = new LinkedHashSet<>();
        recipientsByIdempotencyKey.values().forEach(customer -> ids.add(customer.id()));
        Map<String, PredictedScores> scores = predictions.of(ids);
        Map<String, Map<String, Object>> entries = new HashMap<>();
        recipientsByIdempotencyKey.forEach((key, customer) -> {
            PredictedScores found = scores.get(customer.id());
            if (found != null) {
                entries.put(key, Map.of(NAME, model(found)));
            }
        });
        return entries;
    }

    /** A made-up, plausible customer: a regular buyer with a moderate risk. */
    @Override
    public Map<String, Object> forPreview(Customer customer) {
        return Map.of(NAME, model(new PredictedScores(0.65, 0.35, 0.8, new BigDecimal("48.20"),
                new BigDecimal("240.00"), properties.currency(), 4, 3, 4,
                clock.instant().minus(Duration.ofHours(6)))));
    }

    static Map<String, Object> model(PredictedScores s) {
        Map<String, Object> model = new LinkedHashMap<>();
        if (s.churnRisk() != null) {
            model.put("churnRisk", s.churnRisk());
            model.put("churnRiskPercent", (int) Math.round(s.churnRisk() * 100));
            model.put("aliveProbability", s.aliveProbability());
            model.put("expectedOrders90d", s.expectedOrders90d());
        }
        if (s.clv() != null) {
            model.put("clv", s.clv());
        }
        if (s.expectedSpend() != null) {
            model.put("expectedSpend", s.expectedSpend());
        }
        model.put("currency", s.currency());
        model.put("rfm", Map.of("recency", s.recency(), "frequency", s.frequency(), "monetary", s.monetary(),
                "segment", s.rfmSegment()));
        model.put("scoredAt", s.scoredAt().toString());
        return Map.copyOf(model);
    }
}
