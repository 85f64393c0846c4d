package io.stageflow.experiments;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.stageflow.experiments.ExperimentVerdict.Arm;
import io.stageflow.experiments.ExperimentVerdict.Comparison;
import io.stageflow.experiments.ExperimentVerdict.Interval;
import io.stageflow.experiments.ExperimentVerdict.Uplift;

/**
 * Computes an experiment's verdict from its arms' cumulative figures: each arm against the reference arm (the holdout,
 * or else the first variant) with always-valid intervals and p-values from the mixture SPRT ({@link MixtureSprt}),
 * and the auto-winner rule ({@link WinnerRule}). Exists so that a marketer may look at an experiment at any time,
 * every day if they like, without making a false winner more likely (docs/experiments.md).
 *
 * <p>It keeps nothing between calls: each verdict is computed from the counts alone. A decision is valid when it is
 * taken the first time a verdict says {@code decided}; the caller records it then and keeps it, even if a later
 * verdict on more entrants would not decide.
 */
public final class ExperimentStatistics {

    /** The most variants an experiment may have, the holdout not counted. */
    public static final int MAX_VARIANTS = 5;

    private final ExperimentsProperties settings;
    private final MixtureSprt test;
    private final WinnerRule rule;

    public ExperimentStatistics(ExperimentsProperties settings) {
        this.settings = settings;
        this.test = new MixtureSprt(settings.mixingStandardDeviation());
        this.rule = new WinnerRule(settings, test);
    }

    /**
     * The verdict on these arms: the variants in their declared order, and at most one holdout.
     *
     * @throws IllegalArgumentException for more than five variants, two holdouts, or two arms of one name
     */
    public ExperimentVerdict verdict(List<ArmFigures> arms) {
        List<ArmFigures> variants = arms.stream().filter(arm -> !arm.holdout()).toList();
        List<ArmFigures> holdouts = arms.stream().filter(ArmFigures::holdout).toList();
        if (variants.size() > MAX_VARIANTS) {
            throw new IllegalArgumentException("an experiment has at most " + MAX_VARIANTS + " variants, not "
                    + variants.size());
        }
        if (holdouts.size() > 1) {
            throw new IllegalArgumentException("an experiment has at most one holdout, not " + holdouts.size());
        }
        Set<String> names = new HashSet<>();
        for (ArmFigures arm : arms) {
            if (!names.add(arm.name())) {
                throw new IllegalArgumentException("two arms are named " + arm.name());
            }
        }
        ArmFigures reference = !holdouts.isEmpty() ? holdouts.get(0) : variants.isEmpty() ? null : variants.get(0);
        List<Arm> results = new ArrayList<>();
        for (ArmFigures arm : arms) {
            Optional<Comparison> comparison = arm == reference ? Optional.empty() : Optional.of(compare(arm, reference));
            results.add(new Arm(arm.name(), arm.holdout(), arm.entered(), arm.conversions(), arm.rate(),
                    perRecipient(arm), comparison));
        }
        WinnerRule.Decision decision = rule.decide(variants);
        return new ExperimentVerdict(decision.winner().isPresent(), decision.winner(), decision.reason(),
                settings.confidence(), results);
    }

    private Comparison compare(ArmFigures arm, ArmFigures reference) {
        MixtureSprt.Evidence evidence = test.compare(arm.entered(), arm.conversions(), reference.entered(),
                reference.conversions());
        Interval interval = evidence.interval(settings.alpha());
        double base = reference.rate();
        Optional<Uplift> uplift = base == 0 ? Optional.empty() : Optional.of(new Uplift(evidence.difference() / base,
                new Interval(Math.max(-1, interval.lower() / base), Math.min((1 - base) / base, interval.upper() / base))));
        return new Comparison(reference.name(), evidence.difference(), interval, uplift, evidence.pValue());
    }

    private static BigDecimal perRecipient(ArmFigures arm) {
        return arm.entered() == 0 ? BigDecimal.ZERO.setScale(4)
                : arm.revenue().divide(BigDecimal.valueOf(arm.entered()), 4, RoundingMode.HALF_EVEN);
    }
}
