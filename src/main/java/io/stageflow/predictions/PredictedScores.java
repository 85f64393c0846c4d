package io.stageflow.predictions;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * A customer's stored scores (docs/predictions.md), for the features that show or use them. The model fields are
 * null when the last run had too few customers to fit the models ({@code clv} and {@code expectedSpend} also when
 * the spend model could not be fitted).
 *
 * @param aliveProbability  the probability that the customer is still an active buyer (BG/NBD), 0 to 1
 * @param churnRisk         1 - aliveProbability
 * @param expectedOrders90d orders expected in the next 90 days
 * @param expectedSpend     the expected average order amount (Gamma-Gamma), in {@code currency}
 * @param clv               predicted lifetime value over {@code stageflow.predictions.clv-horizon}, in {@code currency}
 * @param currency          the modelled currency
 * @param recency           RFM recency quintile, 5 = the most recent fifth
 * @param frequency         RFM frequency quintile, 5 = the fifth with the most orders
 * @param monetary          RFM monetary quintile, 5 = the fifth that spent the most
 * @param scoredAt          when the scores were computed (as of)
 */
public record PredictedScores(Double aliveProbability, Double churnRisk, Double expectedOrders90d,
        BigDecimal expectedSpend, BigDecimal clv, String currency, int recency, int frequency, int monetary,
        Instant scoredAt) {

    /** R, F and M together, such as {@code 545}. */
    public String rfmSegment() {
        return "" + recency + frequency + monetary;
    }
}
