package io.stageflow.experiments;

import java.math.BigDecimal;

/**
 * What one arm of an experiment did so far, as the caller counted it: the input of {@link ExperimentStatistics}.
 * Exists so that the statistics need no database: whoever counts entries and goal conversions hands them over here.
 *
 * @param name        the variant's name as the split step names its path, e.g. {@code "A"}
 * @param holdout     whether this is the holdout (customers sent nothing): reported and compared against, never a
 *                    winner
 * @param entered     customers who entered the arm
 * @param conversions of them, customers who reached the experiment's goal (each counted once)
 * @param revenue     the revenue those customers brought, in one currency; reported per recipient, never tested
 */
public record ArmFigures(String name, boolean holdout, long entered, long conversions, BigDecimal revenue) {

    public ArmFigures {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("an arm needs a name");
        }
        if (entered < 0 || conversions < 0 || conversions > entered) {
            throw new IllegalArgumentException("arm " + name + ": conversions (" + conversions
                    + ") must be between 0 and the entrants (" + entered + ")");
        }
        revenue = revenue == null ? BigDecimal.ZERO : revenue;
    }

    /** A variant's figures with no revenue. */
    public static ArmFigures variant(String name, long entered, long conversions) {
        return new ArmFigures(name, false, entered, conversions, BigDecimal.ZERO);
    }

    /** The share of entrants who converted; 0 while nobody entered. */
    public double rate() {
        return MixtureSprt.rate(entered, conversions);
    }
}
