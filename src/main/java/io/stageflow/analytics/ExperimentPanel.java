package io.stageflow.analytics;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.text.NumberFormat;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.stageflow.experiments.ExperimentAssignments.Experiment;
import io.stageflow.experiments.ExperimentAssignments.Status;
import io.stageflow.experiments.ExperimentResults;
import io.stageflow.experiments.ExperimentVerdict;

import org.springframework.stereotype.Component;

/**
 * The journey page's experiments panel (docs/console.md): each experiment of the journey, newest first, with its
 * status, every arm's figures and comparison with the reference arm, and the verdict's reason, as text formatted for
 * people. The figures are {@link ExperimentResults}'s, the same as {@code GET /api/v1/experiments/{key}}.
 */
@Component
class ExperimentPanel {

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMM yyyy", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);
    /** A real minus sign, as in "−0.4 pts". */
    private static final String MINUS = "\u2212";

    private final ExperimentResults results;

    ExperimentPanel(ExperimentResults results) {
        this.results = results;
    }

    /** One experiment as the panel shows it. */
    record Shown(String key, Status status, String statusText, boolean decidable, List<String> variants,
            List<ArmRow> arms, String reason, String confidence) {
    }

    /** One arm's row: every figure already text. */
    record ArmRow(String name, boolean holdout, boolean reference, boolean winner, String entered, String conversions,
            String rate, String opened, String clicked, String revenuePerRecipient, String difference,
            String differenceInterval, String uplift, String upliftInterval, String pValue) {
    }

    /** The journey's experiments, newest first; empty when the journey has none. */
    List<Shown> of(String journeyKey) {
        List<Experiment> experiments = new ArrayList<>(results.experiments(journeyKey));
        List<Shown> shown = new ArrayList<>();
        for (int i = experiments.size() - 1; i >= 0; i--) {
            results.results(experiments.get(i).key()).map(ExperimentPanel::shown).ifPresent(shown::add);
        }
        return shown;
    }

    /** The experiment, when it is one of this journey's. */
    Optional<Experiment> ofJourney(String journeyKey, String experimentKey) {
        return results.experiments(journeyKey).stream().filter(e -> e.key().equals(experimentKey)).findFirst();
    }

    private static Shown shown(ExperimentResults.Results found) {
        Experiment experiment = found.experiment();
        ExperimentVerdict verdict = found.verdict();
        Map<String, ExperimentResults.ArmEngagement> engaged = new HashMap<>();
        found.engagement().forEach(arm -> engaged.put(arm.arm(), arm));
        List<ArmRow> arms = verdict.arms().stream().map(arm -> row(arm, experiment.winner(), found.currency(),
                engaged.get(arm.name()))).toList();
        List<String> variants = verdict.arms().stream().filter(arm -> !arm.holdout()).map(ExperimentVerdict.Arm::name)
                .toList();
        return new Shown(experiment.key(), experiment.status(), statusText(experiment),
                experiment.status() != Status.STOPPED && !variants.isEmpty(), variants, arms, verdict.reason(),
                NumberFormat.getPercentInstance(Locale.ENGLISH).format(verdict.confidence()));
    }

    static String statusText(Experiment experiment) {
        String on = experiment.decidedAt() == null ? "" : " on " + DAY.format(experiment.decidedAt());
        return switch (experiment.status()) {
            case RUNNING -> "Running";
            case DECIDED -> "Decided for " + experiment.winner() + on;
            case STOPPED -> experiment.winner() == null ? "Stopped" + on + ": new entrants are split by weight"
                    : "Stopped" + on + ": new entrants take " + experiment.winner();
        };
    }

    private static ArmRow row(ExperimentVerdict.Arm arm, String winner, String currency,
            ExperimentResults.ArmEngagement engaged) {
        Optional<ExperimentVerdict.Comparison> comparison = arm.comparison();
        return new ArmRow(arm.name(), arm.holdout(), comparison.isEmpty(), !arm.holdout() && arm.name().equals(winner),
                count(arm.entered()), count(arm.conversions()), percent(arm.rate(), 1),
                engaged == null || arm.holdout() ? "–" : percent(engaged.openRate(), 1),
                engaged == null || arm.holdout() ? "–" : percent(engaged.clickRate(), 1),
                money(arm.revenuePerRecipient(), currency),
                comparison.map(c -> points(c.difference()) + " pts").orElse("reference"),
                comparison.map(c -> "(" + points(c.interval().lower()) + " to " + points(c.interval().upper()) + ")")
                        .orElse(""),
                comparison.flatMap(ExperimentVerdict.Comparison::uplift).map(u -> signed(u.estimate() * 100, 1) + "%")
                        .orElse(comparison.isEmpty() ? "" : "–"),
                comparison.flatMap(ExperimentVerdict.Comparison::uplift).map(u -> "(" + signed(u.interval().lower()
                        * 100, 1) + "% to " + signed(u.interval().upper() * 100, 1) + "%)").orElse(""),
                comparison.map(c -> pValue(c.pValue())).orElse(""));
    }

    static String count(long value) {
        return NumberFormat.getIntegerInstance(Locale.ENGLISH).format(value);
    }

    /** 0.0523 → "5.2%". */
    static String percent(double fraction, int decimals) {
        return decimal(fraction * 100, decimals) + "%";
    }

    /** A difference of rates in percentage points with its sign: 0.012 → "+1.2", −0.004 → "−0.4". */
    static String points(double difference) {
        return signed(difference * 100, 1);
    }

    static String signed(double value, int decimals) {
        String text = decimal(Math.abs(value), decimals);
        if (text.matches("[0.]+")) {
            return text; // no sign on a rounded zero
        }
        return (value < 0 ? MINUS : "+") + text;
    }

    /** The p-value to 3 decimals; "< 0.001" below that. */
    static String pValue(double p) {
        return p < 0.001 ? "< 0.001" : decimal(Math.min(p, 1), 3);
    }

    /** Revenue per recipient with its currency: "1.25 USD". */
    static String money(BigDecimal amount, String currency) {
        NumberFormat format = withDecimals(NumberFormat.getNumberInstance(Locale.ENGLISH), 2);
        format.setRoundingMode(RoundingMode.HALF_UP);
        return format.format(amount) + " " + currency;
    }

    private static String decimal(double value, int decimals) {
        NumberFormat format = NumberFormat.getNumberInstance(Locale.ENGLISH);
        format.setRoundingMode(RoundingMode.HALF_UP);
        return withDecimals(format, decimals).format(value);
    }

    private static NumberFormat withDecimals(NumberFormat format, int decimals) {
        format.setMinimumFractionDigits(decimals);
        format.setMaximumFractionDigits(decimals);
        return format;
    }
}
