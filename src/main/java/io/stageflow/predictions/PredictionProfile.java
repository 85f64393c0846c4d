package io.stageflow.predictions;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.stageflow.customers.ProfileSection;

import org.springframework.stereotype.Component;

/** "Predictions" on the customer's page in the console: the stored scores and when they were computed. */
@Component
class PredictionProfile implements ProfileSection {

    private final Predictions predictions;

    PredictionProfile(Predictions predictions) {
        this.predictions = predictions;
    }

    @Override
    public String title() {
        return "Predictions";
    }

    @Override
    public int order() {
        return 30;
    }

    @Override
    public List<Line> linesOf(String customerId) {
        return predictions.of(customerId).map(PredictionProfile::lines).orElse(List.of());
    }

    static List<Line> lines(PredictedScores s) {
        List<Line> lines = new ArrayList<>();
        if (s.churnRisk() != null) {
            lines.add(new Line("Churn risk", percent(s.churnRisk())));
            lines.add(new Line("Probability of being active", percent(s.aliveProbability())));
            lines.add(new Line("Expected orders, next 90 days", String.format(Locale.ROOT, "%.2f",
                    s.expectedOrders90d())));
        } else {
            lines.add(new Line("Churn risk", "not modelled (too few customers at the last run)"));
        }
        if (s.clv() != null) {
            lines.add(new Line("Predicted lifetime value", money(s.clv(), s.currency())));
            lines.add(new Line("Expected order amount", money(s.expectedSpend(), s.currency())));
        }
        lines.add(new Line("RFM", s.rfmSegment() + " (recency " + s.recency() + ", frequency " + s.frequency()
                + ", monetary " + s.monetary() + ", each 1 to 5)"));
        lines.add(new Line("Scored", s.scoredAt().toString()));
        return lines;
    }

    private static String percent(double share) {
        return Math.round(share * 100) + " %";
    }

    private static String money(BigDecimal amount, String currency) {
        return amount == null ? "" : amount.toPlainString() + " " + currency;
    }
}
