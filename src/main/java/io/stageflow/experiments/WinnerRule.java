package io.stageflow.experiments;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The auto-winner rule: a variant W wins when every variant has at least the minimum sample, W has the single best
 * observed rate, and W beats each of the k - 1 other variants in the mSPRT at alpha / (k - 1) (Bonferroni), so that
 * the chance of a false winner stays at most alpha with up to five variants. The holdout is not among the variants.
 */
final class WinnerRule {

    private final ExperimentsProperties settings;
    private final MixtureSprt test;

    WinnerRule(ExperimentsProperties settings, MixtureSprt test) {
        this.settings = settings;
        this.test = test;
    }

    /** The rule's answer: the winner, if any, and why. */
    record Decision(Optional<String> winner, String reason) {

        static Decision notYet(String reason) {
            return new Decision(Optional.empty(), reason);
        }
    }

    Decision decide(List<ArmFigures> variants) {
        if (variants.size() < 2) {
            return Decision.notYet("needs two variants or more to compare; it has " + variants.size());
        }
        int minimum = settings.minimumSamplePerArm();
        List<String> shortArms = variants.stream().filter(arm -> arm.entered() < minimum)
                .map(arm -> arm.name() + " has " + count(arm.entered())).toList();
        if (!shortArms.isEmpty()) {
            return Decision.notYet("needs " + count(minimum) + " entrants per arm; " + String.join(", ", shortArms));
        }
        double best = variants.stream().mapToDouble(ArmFigures::rate).max().orElseThrow();
        List<ArmFigures> leaders = variants.stream().filter(arm -> arm.rate() == best).toList();
        if (leaders.size() > 1) {
            return Decision.notYet("no single variant leads yet: "
                    + leaders.stream().map(ArmFigures::name).collect(Collectors.joining(" and "))
                    + " have the same rate");
        }
        ArmFigures leader = leaders.get(0);
        double alpha = settings.alpha() / (variants.size() - 1);
        ArmFigures closest = null;
        double weakest = -1;
        List<String> others = new ArrayList<>();
        for (ArmFigures other : variants) {
            if (other != leader) {
                others.add(other.name());
                double p = test.compare(leader.entered(), leader.conversions(), other.entered(), other.conversions())
                        .pValue();
                if (p > weakest) {
                    weakest = p;
                    closest = other;
                }
            }
        }
        String needs = "needs " + number(alpha) + " or less"
                + (variants.size() == 2 ? "" : " with " + variants.size() + " variants");
        String confidence = " at " + percent(settings.confidence()) + " confidence (always-valid " + p(weakest);
        if (weakest <= alpha) {
            return new Decision(Optional.of(leader.name()), leader.name() + " beats " + String.join(" and ", others)
                    + confidence + (variants.size() == 2 ? "" : " at most") + ", " + needs + ")");
        }
        return Decision.notYet(leader.name() + " leads, but is not yet better than " + closest.name() + confidence
                + ", " + needs + ")");
    }

    /** A count as people read it: 1,000. */
    static String count(long count) {
        return String.format(Locale.ENGLISH, "%,d", count);
    }

    /** A confidence as a percentage: 95%, 97.5%. */
    static String percent(double confidence) {
        return BigDecimal.valueOf(confidence).movePointRight(2).stripTrailingZeros().toPlainString() + "%";
    }

    /** "p = 0.0123", to three significant digits; "p < 0.000001" below that. */
    static String p(double value) {
        return value < 1e-6 ? "p < 0.000001" : "p = " + number(value);
    }

    /** A p-value or alpha to three significant digits, plainly written: 0.05, 0.0125, 0.000341. */
    static String number(double value) {
        return new BigDecimal(value).round(new MathContext(3)).stripTrailingZeros().toPlainString();
    }
}
