package io.stageflow.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.stageflow.experiments.ExperimentVerdict.Arm;
import io.stageflow.experiments.ExperimentVerdict.Comparison;
import io.stageflow.experiments.ExperimentVerdict.Interval;

/**
 * The mixture SPRT against hand-computed values, its edge cases, and the auto-winner rule (docs/experiments.md).
 */
class ExperimentStatisticsTest {

    static final ExperimentsProperties DEFAULTS = ExperimentSettings.defaults();
    final ExperimentStatistics statistics = new ExperimentStatistics(DEFAULTS);
    final MixtureSprt test = new MixtureSprt(0.01);

    @Test
    void theMixtureLikelihoodRatioMatchesAHandComputation() {
        // A: 80 of 1,000 converted, B: 50 of 1,000; d = 0.08 - 0.05 = 0.03, tau = 0.01, tau^2 = 1e-4.
        // Smoothed rates: 81/1002 = 0.0808383, 51/1002 = 0.0508982.
        // V = 0.0808383 * 0.9191617 / 1000 + 0.0508982 * 0.9491018 / 1000 = 7.43035e-5 + 4.83076e-5 = 1.226111e-4.
        // sqrt(V / (V + tau^2)) = sqrt(1.226111e-4 / 2.226111e-4) = sqrt(0.550786) = 0.742150.
        // exponent = tau^2 d^2 / (2 V (V + tau^2)) = 1e-4 * 9e-4 / (2 * 1.226111e-4 * 2.226111e-4) = 9e-8 / 5.458916e-8
        //          = 1.648679, e^1.648679 = 5.200106; Lambda = 0.742150 * 5.200106 = 3.859256; p = 1 / Lambda = 0.259117.
        // Interval at 95%: V (V + tau^2) / tau^2 = 2.729458e-4; 2 log 20 = 5.991465; log((V + tau^2) / V) = 0.596409;
        //          half-width = sqrt(2.729458e-4 * 6.587874) = 0.042404, so [-0.012404, 0.072404].
        // (A classic z-test would call this significant: z = 0.03 / sqrt(V) = 2.71, p = 0.007.)
        MixtureSprt.Evidence evidence = test.compare(1000, 80, 1000, 50);

        assertThat(evidence.difference()).isCloseTo(0.03, within(1e-12));
        assertThat(evidence.variance()).isCloseTo(1.226111e-4, within(1e-9));
        assertThat(Math.exp(evidence.logLikelihoodRatio(0))).isCloseTo(3.859256, within(1e-5));
        assertThat(evidence.pValue()).isCloseTo(0.259117, within(1e-6));
        Interval interval = evidence.interval(0.05);
        assertThat(interval.lower()).isCloseTo(-0.012404, within(1e-6));
        assertThat(interval.upper()).isCloseTo(0.072404, within(1e-6));

        // The paper's form for n entrants in each arm: sqrt(V1 / (V1 + n tau^2)) exp(n^2 tau^2 d^2 / (2 V1 (V1 + n tau^2))),
        // V1 = p1 (1 - p1) + p2 (1 - p2): the same number by other arithmetic.
        double p1 = 81 / 1002.0;
        double p2 = 51 / 1002.0;
        double v1 = p1 * (1 - p1) + p2 * (1 - p2);
        int n = 1000;
        double tau2 = 1e-4;
        double paper = Math.sqrt(v1 / (v1 + n * tau2)) * Math.exp(n * n * tau2 * 0.03 * 0.03 / (2 * v1 * (v1 + n * tau2)));
        assertThat(Math.exp(evidence.logLikelihoodRatio(0))).isCloseTo(paper, within(1e-9));
    }

    @Test
    void theIntervalEndsWhereTheRatioReachesOneOverAlpha() {
        // Unequal arms: 130 of 2,000 against 75 of 1,500. The interval is every theta with Lambda(theta) < 1 / alpha,
        // so at each end Lambda(theta) = 20 (alpha 0.05) and 40 (alpha 0.025).
        MixtureSprt.Evidence evidence = test.compare(2000, 130, 1500, 75);
        for (double alpha : new double[] {0.05, 0.025}) {
            Interval interval = evidence.interval(alpha);
            assertThat(Math.exp(evidence.logLikelihoodRatio(interval.lower()))).isCloseTo(1 / alpha, within(1e-6));
            assertThat(Math.exp(evidence.logLikelihoodRatio(interval.upper()))).isCloseTo(1 / alpha, within(1e-6));
            assertThat(interval.contains(0.015)).isTrue();
        }
        assertThat(evidence.interval(0.05).lower()).isCloseTo(0.015 - 0.0265904, within(1e-6));
        assertThat(evidence.pValue()).isCloseTo(0.533694, within(1e-6));
    }

    @Test
    void noConversionsAndTinyArmsGiveNoDecisionAndWideIntervalsWithoutNaN() {
        ExperimentVerdict none = statistics.verdict(List.of(ArmFigures.variant("A", 1000, 0),
                ArmFigures.variant("B", 1000, 0)));
        Comparison zero = comparison(none, "B");
        assertThat(zero.difference()).isZero();
        assertThat(zero.pValue()).isEqualTo(1.0);
        assertThat(zero.uplift()).as("no uplift on a rate of 0").isEmpty();
        assertThat(zero.interval().contains(0)).isTrue();
        assertThat(none.decided()).isFalse();
        assertThat(none.reason()).isEqualTo("no single variant leads yet: A and B have the same rate");

        ExperimentVerdict tiny = statistics.verdict(List.of(ArmFigures.variant("A", 1000, 50),
                ArmFigures.variant("B", 1, 1), ArmFigures.variant("C", 0, 0)));
        assertThat(comparison(tiny, "B").pValue()).isGreaterThan(0.99);
        assertThat(comparison(tiny, "B").interval()).isEqualTo(new Interval(-1, 1));
        assertThat(comparison(tiny, "C").interval()).isEqualTo(new Interval(-1, 1));
        assertThat(comparison(tiny, "C").pValue()).isEqualTo(1.0);
        Interval upliftOfC = comparison(tiny, "C").uplift().orElseThrow().interval();
        assertThat(upliftOfC.lower()).as("a rate cannot fall below 0").isEqualTo(-1);
        assertThat(upliftOfC.upper()).as("nor rise above 1: 0.95 / 0.05").isCloseTo(19, within(1e-9));
        assertThat(tiny.decided()).isFalse();
        assertThat(tiny.reason()).isEqualTo("needs 1,000 entrants per arm; B has 1, C has 0");

        ExperimentVerdict empty = statistics.verdict(List.of(ArmFigures.variant("A", 0, 0),
                ArmFigures.variant("B", 0, 0)));
        assertThat(empty.arms()).extracting(Arm::rate).containsExactly(0.0, 0.0);
        assertThat(empty.arms().get(0).revenuePerRecipient()).isEqualByComparingTo("0");
        for (ExperimentVerdict verdict : List.of(none, tiny, empty)) {
            assertThat(numbers(verdict)).allMatch(Double::isFinite);
        }
    }

    @Test
    void aVariantThatBeatsTheOtherWithEnoughEntrantsWins() {
        // 600 of 10,000 against 500 of 10,000: Lambda = 23.84 > 20, p = 0.04195.
        ExperimentVerdict verdict = statistics.verdict(List.of(
                new ArmFigures("A", false, 10_000, 500, new BigDecimal("21000.00")),
                new ArmFigures("B", false, 10_000, 600, new BigDecimal("25512.34"))));

        assertThat(verdict.decided()).isTrue();
        assertThat(verdict.winner()).contains("B");
        assertThat(verdict.reason()).isEqualTo("B beats A at 95% confidence (always-valid p = 0.042, needs 0.05 or less)");
        Arm b = verdict.arms().get(1);
        assertThat(b.rate()).isEqualTo(0.06);
        assertThat(b.revenuePerRecipient()).isEqualByComparingTo("2.5512");
        Comparison vsA = b.comparison().orElseThrow();
        assertThat(vsA.against()).isEqualTo("A");
        assertThat(vsA.difference()).isCloseTo(0.01, within(1e-12));
        assertThat(vsA.pValue()).isCloseTo(0.041952, within(1e-6));
        assertThat(vsA.interval().lower()).isPositive();
        assertThat(vsA.uplift().orElseThrow().estimate()).isCloseTo(0.2, within(1e-9));
        assertThat(vsA.uplift().orElseThrow().interval().lower()).isCloseTo(vsA.interval().lower() / 0.05, within(1e-9));
        assertThat(verdict.arms().get(0).comparison()).as("the reference").isEmpty();
    }

    @Test
    void nothingIsDecidedBeforeEveryVariantHasTheMinimumSample() {
        ExperimentVerdict verdict = statistics.verdict(List.of(ArmFigures.variant("A", 1000, 50),
                ArmFigures.variant("B", 640, 300)));

        assertThat(verdict.decided()).isFalse();
        assertThat(verdict.winner()).isEmpty();
        assertThat(verdict.reason()).isEqualTo("needs 1,000 entrants per arm; B has 640");
        assertThat(comparison(verdict, "B").pValue()).as("the evidence is overwhelming, the sample too small")
                .isLessThan(1e-6);
    }

    @Test
    void theHoldoutIsTheReferenceAndNeverWins() {
        ExperimentVerdict verdict = statistics.verdict(List.of(ArmFigures.variant("A", 10_000, 500),
                ArmFigures.variant("B", 10_000, 505), new ArmFigures("none", true, 5_000, 450, BigDecimal.TEN)));

        assertThat(comparison(verdict, "A").against()).isEqualTo("none");
        assertThat(comparison(verdict, "B").against()).isEqualTo("none");
        assertThat(comparison(verdict, "A").difference()).isCloseTo(-0.04, within(1e-12));
        assertThat(comparison(verdict, "A").pValue()).isLessThan(1e-6);
        assertThat(verdict.arms().get(2).comparison()).isEmpty();
        assertThat(verdict.arms().get(2).revenuePerRecipient()).isEqualByComparingTo("0.002");
        assertThat(verdict.decided()).as("the holdout has the best rate by far, but it is no variant").isFalse();
        assertThat(verdict.reason()).startsWith("B leads, but is not yet better than A at 95% confidence");

        // A holdout of its own with no variant figures yet still reports, and the rule waits.
        ExperimentVerdict early = statistics.verdict(List.of(new ArmFigures("none", true, 10, 1, null),
                ArmFigures.variant("A", 0, 0), ArmFigures.variant("B", 0, 0)));
        assertThat(early.reason()).isEqualTo("needs 1,000 entrants per arm; A has 0, B has 0");
    }

    @Test
    void withThreeVariantsTheWinnerMustBeatBothOthers() {
        ArmFigures a = ArmFigures.variant("A", 10_000, 500);
        ArmFigures c = ArmFigures.variant("C", 10_000, 640);
        ArmFigures b = ArmFigures.variant("B", 10_000, 650);

        ExperimentVerdict close = statistics.verdict(List.of(a, b, c));
        assertThat(comparison(close, "B").pValue()).as("B is far better than A").isLessThan(0.001);
        assertThat(close.decided()).isFalse();
        assertThat(close.reason()).startsWith("B leads, but is not yet better than C at 95% confidence (always-valid p = ")
                .endsWith(", needs 0.025 or less with 3 variants)");

        ExperimentVerdict clear = statistics.verdict(List.of(a, b, ArmFigures.variant("C", 10_000, 480)));
        assertThat(clear.winner()).contains("B");
        assertThat(clear.reason()).startsWith("B beats A and C at 95% confidence (always-valid p = ")
                .endsWith(" at most, needs 0.025 or less with 3 variants)");

        // Bonferroni: B against A alone (p = 0.042) wins with two variants, not with a third, as 0.042 > 0.05 / 2.
        ArmFigures six = ArmFigures.variant("B", 10_000, 600);
        assertThat(statistics.verdict(List.of(a, six)).decided()).isTrue();
        ExperimentVerdict three = statistics.verdict(List.of(a, six, ArmFigures.variant("C", 10_000, 500)));
        assertThat(three.decided()).isFalse();
        assertThat(three.reason()).isEqualTo("B leads, but is not yet better than A at 95% confidence"
                + " (always-valid p = 0.042, needs 0.025 or less with 3 variants)");
    }

    @Test
    void badArmsAndSettingsAreRefused() {
        List<ArmFigures> six = new ArrayList<>();
        for (String name : List.of("A", "B", "C", "D", "E", "F")) {
            six.add(ArmFigures.variant(name, 10, 1));
        }
        assertThatThrownBy(() -> statistics.verdict(six)).hasMessage("an experiment has at most 5 variants, not 6");
        assertThat(statistics.verdict(six.subList(0, 5)).arms()).hasSize(5);
        assertThatThrownBy(() -> statistics.verdict(List.of(ArmFigures.variant("A", 1, 0),
                new ArmFigures("h1", true, 1, 0, null), new ArmFigures("h2", true, 1, 0, null))))
                .hasMessage("an experiment has at most one holdout, not 2");
        assertThatThrownBy(() -> statistics.verdict(List.of(ArmFigures.variant("A", 1, 0), ArmFigures.variant("A", 2, 0))))
                .hasMessage("two arms are named A");
        assertThatThrownBy(() -> ArmFigures.variant("A", 10, 11)).hasMessageContaining("between 0 and the entrants");
        assertThat(statistics.verdict(List.of(ArmFigures.variant("A", 5000, 10))).reason())
                .isEqualTo("needs two variants or more to compare; it has 1");

        Map<String, String> badSettings = Map.of("confidence", "1.0", "minimum-sample-per-arm", "0",
                "mixing-standard-deviation", "0", "revenue-window", "PT0S", "currency", "euro", "decide-every", "PT0S",
                "global-control-share", "21");
        badSettings.forEach((name, value) -> assertThatThrownBy(() -> ExperimentSettings.with(Map.of(name, value)))
                .as("stageflow.experiments.%s=%s", name, value).rootCause().hasMessageContaining(name));
        assertThat(ExperimentSettings.with(Map.of("currency", "eur")).currency()).isEqualTo("EUR");
    }

    private static Comparison comparison(ExperimentVerdict verdict, String arm) {
        return verdict.arms().stream().filter(a -> a.name().equals(arm)).findFirst().orElseThrow().comparison()
                .orElseThrow();
    }

    /** Every number in a verdict. */
    private static List<Double> numbers(ExperimentVerdict verdict) {
        List<Double> numbers = new ArrayList<>();
        for (Arm arm : verdict.arms()) {
            numbers.add(arm.rate());
            arm.comparison().ifPresent(c -> {
                numbers.addAll(List.of(c.difference(), c.pValue(), c.interval().lower(), c.interval().upper()));
                c.uplift().ifPresent(u -> numbers.addAll(List.of(u.estimate(), u.interval().lower(),
                        u.interval().upper())));
            });
        }
        return numbers;
    }
}
