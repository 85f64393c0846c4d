package io.stageflow.experiments;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

/**
 * Where an experiment stands: each arm's figures and its comparison with the reference arm, and whether a variant has
 * won. Exists as the one answer that both the marketer's report and the split step (which sends new entrants to the
 * winner) read, so that the two never disagree. Made by {@link ExperimentStatistics}.
 *
 * @param decided    whether a variant has won
 * @param winner     the winning variant's name, when decided
 * @param reason     in a sentence, why it is decided, or what it waits for (e.g. "needs 1,000 entrants per arm; B has
 *                   640")
 * @param confidence the confidence of the decision and of every interval, e.g. 0.95
 * @param arms       every arm in the order given, the holdout included
 */
public record ExperimentVerdict(boolean decided, Optional<String> winner, String reason, double confidence,
        List<Arm> arms) {

    public ExperimentVerdict {
        arms = List.copyOf(arms);
    }

    /**
     * One arm's figures.
     *
     * @param name                the variant's name
     * @param holdout             whether it is the holdout
     * @param entered             customers who entered it
     * @param conversions         of them, customers who reached the goal
     * @param rate                conversions / entered, 0 while nobody entered
     * @param revenuePerRecipient the arm's revenue / entered, to 4 decimals, 0 while nobody entered
     * @param comparison          against the reference arm (the holdout, or else the first variant); empty for the
     *                            reference itself
     */
    public record Arm(String name, boolean holdout, long entered, long conversions, double rate,
            BigDecimal revenuePerRecipient, Optional<Comparison> comparison) {
    }

    /**
     * An arm against the reference arm, with always-valid (anytime) intervals and p-value.
     *
     * @param against    the reference arm's name
     * @param difference this arm's rate minus the reference's, e.g. 0.01 for 6% against 5%
     * @param interval   the interval of the difference at the verdict's confidence (a confidence sequence: it holds
     *                   at every look)
     * @param uplift     the relative uplift and its interval; empty while the reference has no conversions
     * @param pValue     the always-valid p-value of "no difference" (1 / Lambda, at most 1)
     */
    public record Comparison(String against, double difference, Interval interval, Optional<Uplift> uplift,
            double pValue) {
    }

    /**
     * The relative uplift: the difference divided by the reference's rate, e.g. 0.2 for 6% against 5%. Its interval is
     * the difference's interval divided by the reference's observed rate, so it takes that rate as known (a little
     * too narrow while the reference has few conversions); the decision never uses it.
     *
     * @param estimate the relative uplift
     * @param interval its interval, within [-1, (1 - reference rate) / reference rate], where a rate can go
     */
    public record Uplift(double estimate, Interval interval) {
    }

    /** An interval [lower, upper]. */
    public record Interval(double lower, double upper) {

        /** Whether the interval holds the value. */
        public boolean contains(double value) {
            return lower <= value && value <= upper;
        }
    }
}
