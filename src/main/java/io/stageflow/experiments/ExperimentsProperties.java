package io.stageflow.experiments;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * When an experiment is decided ({@code stageflow.experiments.*}, docs/experiments.md): the confidence a winner
 * needs, the entrants every variant needs first, and the spread of effects the sequential test is tuned for. Exists
 * so that these three numbers, which trade speed against certainty, are the business's to choose and written once.
 *
 * @param confidence              how sure Stageflow must be that the winner is better than every other variant, at
 *                                least 0.5 and below 1: 0.95 allows a false winner in at most 5% of experiments,
 *                                however often they are looked at
 * @param minimumSamplePerArm     entrants every variant needs before any decision: 1,000 gives about 50 conversions
 *                                at a 5% rate, enough for the test's normal approximation to hold; at that size the
 *                                test could decide only a difference of about 4 points (5% against 9%) anyway
 * @param mixingStandardDeviation the standard deviation of the normal mixing distribution over the difference of two
 *                                conversion rates (tau, an absolute difference: 0.01 is one percentage point); the
 *                                test decides fastest for differences of about this size. 0.01 suits a 20% uplift at a
 *                                5% rate, the size of effect email tests are run to find
 * @param revenueWindow           how long after entering an experiment a customer's orders count as its arm's revenue
 * @param currency                the currency revenue per recipient is reported in (ISO 4217); orders in another
 *                                currency are kept but not added to it, as amounts are never added across currencies
 * @param autoDecide              whether Stageflow decides an experiment by itself when a variant has won (the
 *                                auto-winner); off, a marketer decides by hand through the API
 * @param decideEvery             how often one node looks at the running experiments for a winner
 * @param globalControlShare      the share of all customers, in per cent (0 to 20), kept in the global control group:
 *                                no marketing email reaches them from any journey or broadcast, so that the
 *                                programme's incremental revenue can be measured; 0, the default, keeps no group
 */
@ConfigurationProperties("stageflow.experiments")
public record ExperimentsProperties(
        @DefaultValue("0.95") double confidence,
        @DefaultValue("1000") int minimumSamplePerArm,
        @DefaultValue("0.01") double mixingStandardDeviation,
        @DefaultValue("P30D") Duration revenueWindow,
        @DefaultValue("USD") String currency,
        @DefaultValue("true") boolean autoDecide,
        @DefaultValue("PT5M") Duration decideEvery,
        @DefaultValue("0") int globalControlShare) {

    public ExperimentsProperties {
        if (!(confidence >= 0.5 && confidence < 1)) {
            throw new IllegalArgumentException("stageflow.experiments.confidence must be at least 0.5 and below 1, not "
                    + confidence);
        }
        if (minimumSamplePerArm < 1) {
            throw new IllegalArgumentException("stageflow.experiments.minimum-sample-per-arm must be at least 1, not "
                    + minimumSamplePerArm);
        }
        if (!(mixingStandardDeviation > 0 && mixingStandardDeviation <= 1)) {
            throw new IllegalArgumentException("stageflow.experiments.mixing-standard-deviation must be above 0 and at"
                    + " most 1 (a difference of two rates), not " + mixingStandardDeviation);
        }
        if (revenueWindow == null || revenueWindow.isNegative() || revenueWindow.isZero()) {
            throw new IllegalArgumentException("stageflow.experiments.revenue-window must be positive, such as P30D, not "
                    + revenueWindow);
        }
        if (currency == null || !currency.matches("[A-Za-z]{3}")) {
            throw new IllegalArgumentException("stageflow.experiments.currency must be a three-letter currency code,"
                    + " such as EUR, not " + currency);
        }
        currency = currency.toUpperCase(java.util.Locale.ROOT);
        if (globalControlShare < 0 || globalControlShare > 20) {
            throw new IllegalArgumentException("stageflow.experiments.global-control-share must be 0 (no group) to 20"
                    + " per cent, not " + globalControlShare);
        }
        if (decideEvery == null || decideEvery.toSeconds() < 1) {
            throw new IllegalArgumentException("stageflow.experiments.decide-every must be at least PT1S, not "
                    + decideEvery);
        }
    }

    /** The error rate the confidence allows: {@code 1 - confidence}. */
    double alpha() {
        return 1 - confidence;
    }
}
