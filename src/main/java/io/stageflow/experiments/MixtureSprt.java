package io.stageflow.experiments;

import io.stageflow.experiments.ExperimentVerdict.Interval;

/**
 * The mixture sequential probability ratio test (mSPRT) for the difference of two conversion rates, as in Johari,
 * Koomen, Pekelis and Walsh, "Peeking at A/B tests: why it matters, and what to do about it" (KDD 2017), and
 * "Always valid inference: continuous monitoring of A/B tests" (Operations Research 70(3), 2022). Each arm is a
 * Bernoulli stream; the difference of the observed rates, d, is taken as normal with variance
 * {@code V = p1 (1 - p1) / n1 + p2 (1 - p2) / n2}, and the likelihood ratio of "the true difference is theta" is mixed
 * over a normal distribution N(theta, tau^2) of alternatives:
 * <pre>
 *   Lambda(theta) = sqrt(V / (V + tau^2)) * exp(tau^2 (d - theta)^2 / (2 V (V + tau^2)))
 * </pre>
 * With n entrants in each arm this is the paper's {@code sqrt(V1 / (V1 + n tau^2)) exp(n^2 tau^2 (d - theta)^2 /
 * (2 V1 (V1 + n tau^2)))}, {@code V1 = p1 (1 - p1) + p2 (1 - p2)}. Under "the difference is theta" Lambda is a
 * martingale with mean 1, so it passes {@code 1 / alpha} with probability at most alpha, however often it is looked
 * at (Ville's inequality).
 *
 * <p>The rates in V are smoothed as Agresti and Caffo do for intervals of a difference ({@code (c + 1) / (n + 2)}:
 * one conversion and one non-conversion added to each arm), so that an arm with no conversions, or only
 * conversions, does not claim a variance of zero; at 1,000 entrants it changes V by about 2%. The difference d itself
 * is of the observed rates.
 *
 * @param tau the standard deviation of the mixing distribution, on the scale of the difference
 */
record MixtureSprt(double tau) {

    MixtureSprt {
        if (!(tau > 0)) {
            throw new IllegalArgumentException("tau must be positive: " + tau);
        }
    }

    /** The evidence about {@code rate(a) - rate(b)}, from cumulative counts. */
    Evidence compare(long enteredA, long conversionsA, long enteredB, long conversionsB) {
        double difference = rate(enteredA, conversionsA) - rate(enteredB, conversionsB);
        if (enteredA == 0 || enteredB == 0) {
            return new Evidence(difference, Double.POSITIVE_INFINITY, tau * tau);
        }
        return new Evidence(difference, variance(enteredA, conversionsA) + variance(enteredB, conversionsB), tau * tau);
    }

    /** The observed rate, 0 for an arm nobody entered. */
    static double rate(long entered, long conversions) {
        return entered == 0 ? 0 : (double) conversions / entered;
    }

    /** The variance of an arm's observed rate, from its smoothed rate. */
    private static double variance(long entered, long conversions) {
        double smoothed = (conversions + 1.0) / (entered + 2.0);
        return smoothed * (1 - smoothed) / entered;
    }

    /**
     * What two arms' counts say about the difference of their rates.
     *
     * @param difference the difference of the observed rates
     * @param variance   V, its variance; infinite when an arm has no entrants (no evidence at all)
     * @param tauSquared the mixing distribution's variance
     */
    record Evidence(double difference, double variance, double tauSquared) {

        /** Whether there is any evidence: both arms have entrants. */
        boolean informative() {
            return Double.isFinite(variance);
        }

        /** {@code log Lambda(theta)}: the log of the mixture likelihood ratio against "the difference is theta". */
        double logLikelihoodRatio(double theta) {
            if (!informative()) {
                return 0;
            }
            double distance = difference - theta;
            return -0.5 * Math.log1p(tauSquared / variance)
                    + tauSquared * distance * distance / (2 * variance * (variance + tauSquared));
        }

        /**
         * The always-valid p-value of "no difference": {@code 1 / Lambda(0)}, at most 1. Read at one moment it is
         * the p-value of a test that stops then; a decision taken the first time it falls below alpha keeps the
         * guarantee, as long as the caller keeps that decision (the paper's p-value is the running minimum).
         */
        double pValue() {
            double log = logLikelihoodRatio(0);
            return log <= 0 ? 1 : Math.exp(-log);
        }

        /**
         * The always-valid interval (confidence sequence) of the difference at level {@code 1 - alpha}: every theta
         * with {@code Lambda(theta) < 1 / alpha}, that is {@code d +- sqrt(V (V + tau^2) / tau^2 * (2 log(1 / alpha)
         * + log((V + tau^2) / V)))}, cut to [-1, 1], where a difference of two rates lies. [-1, 1] without evidence.
         */
        Interval interval(double alpha) {
            if (!informative()) {
                return new Interval(-1, 1);
            }
            double halfWidth = Math.sqrt(variance * (variance + tauSquared) / tauSquared
                    * (2 * Math.log(1 / alpha) + Math.log1p(tauSquared / variance)));
            return new Interval(Math.max(-1, difference - halfWidth), Math.min(1, difference + halfWidth));
        }
    }
}
