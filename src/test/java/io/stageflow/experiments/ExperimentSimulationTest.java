package io.stageflow.experiments;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/**
 * The acceptance simulations of issue 22 (docs/experiments.md, "When it decides"): experiments simulated with fixed
 * seeds, entrants assigned 50/50 at random, the verdict looked at after every 100 entrants and the first decision
 * kept, as the split step keeps it. Settings are the defaults: 95% confidence, 1,000 entrants per arm, tau 0.01.
 */
class ExperimentSimulationTest {

    static final int RUNS = 200;
    static final int LOOK_EVERY = 100;
    static final double BASE_RATE = 0.05;
    static final ExperimentsProperties DEFAULTS = ExperimentSettings.defaults();
    /** Two-sided 5% of the standard normal. */
    static final double Z_975 = 1.959964;

    final ExperimentStatistics statistics = new ExperimentStatistics(DEFAULTS);

    @Test
    void aaExperimentsLookedAtEvery100EntrantsDeclareAFalseWinnerInAtMost5Percent() {
        int horizon = 50_000;
        SplittableRandom random = new SplittableRandom(22);
        int sequentialFalse = 0;
        int naiveFalse = 0;
        for (int run = 0; run < RUNS; run++) {
            long[] entered = new long[2];
            long[] converted = new long[2];
            boolean sequentialStopped = false;
            boolean naiveStopped = false;
            for (int entrant = 1; entrant <= horizon && !(sequentialStopped && naiveStopped); entrant++) {
                int arm = random.nextInt(2);
                entered[arm]++;
                if (random.nextDouble() < BASE_RATE) {
                    converted[arm]++;
                }
                if (entrant % LOOK_EVERY == 0) {
                    if (!sequentialStopped && statistics.verdict(arms(entered, converted)).decided()) {
                        sequentialStopped = true;
                        sequentialFalse++;
                    }
                    if (!naiveStopped && naiveSignificant(entered, converted)) {
                        naiveStopped = true;
                        naiveFalse++;
                    }
                }
            }
        }

        System.out.printf("[experiments] A/A, %d experiments at 5%%, looked at every %d entrants up to %,d: mSPRT"
                + " false winners %d of %d (%.1f%%); naive z-test (p < 0.05, same minimum sample) looked at the same"
                + " times: %d of %d (%.1f%%)%n", RUNS, LOOK_EVERY, horizon, sequentialFalse, RUNS,
                100.0 * sequentialFalse / RUNS, naiveFalse, RUNS, 100.0 * naiveFalse / RUNS);
        assertThat(sequentialFalse).as("false winners of the mSPRT").isLessThanOrEqualTo(RUNS / 20);
        assertThat(naiveFalse).as("false winners of the naive test, looked at as often").isGreaterThanOrEqualTo(RUNS / 10)
                .isGreaterThanOrEqualTo(3 * sequentialFalse);
    }

    @Test
    void abExperimentsWithA20PercentUpliftPickTheBetterVariantAndNeverBeforeTheMinimumSample() {
        int horizon = 200_000;
        SplittableRandom random = new SplittableRandom(23);
        int better = 0;
        int worse = 0;
        long fewestPerArm = Long.MAX_VALUE;
        List<Integer> decidedAt = new ArrayList<>();
        for (int run = 0; run < RUNS; run++) {
            long[] entered = new long[2];
            long[] converted = new long[2];
            for (int entrant = 1; entrant <= horizon; entrant++) {
                int arm = random.nextInt(2);
                entered[arm]++;
                if (random.nextDouble() < (arm == 0 ? BASE_RATE : BASE_RATE * 1.2)) {
                    converted[arm]++;
                }
                if (entrant % LOOK_EVERY == 0) {
                    ExperimentVerdict verdict = statistics.verdict(arms(entered, converted));
                    if (verdict.decided()) {
                        if (verdict.winner().orElseThrow().equals("B")) {
                            better++;
                        } else {
                            worse++;
                        }
                        fewestPerArm = Math.min(fewestPerArm, Math.min(entered[0], entered[1]));
                        decidedAt.add(entrant);
                        break;
                    }
                }
            }
        }
        Collections.sort(decidedAt);

        System.out.printf("[experiments] A/B, %d experiments at 5%% against 6%%, looked at every %d entrants up to"
                + " %,d: B (the better) picked in %d, A in %d, undecided %d; entrants at the decision: median %,d,"
                + " quartiles %,d and %,d, most %,d; fewest entrants of an arm at a decision %,d%n", RUNS, LOOK_EVERY,
                horizon, better, worse, RUNS - better - worse, quantile(decidedAt, 0.5), quantile(decidedAt, 0.25),
                quantile(decidedAt, 0.75), decidedAt.get(decidedAt.size() - 1), fewestPerArm);
        assertThat(better).as("runs that picked the better variant").isGreaterThanOrEqualTo(190);
        assertThat(fewestPerArm).as("no decision before the minimum sample per arm")
                .isGreaterThanOrEqualTo(DEFAULTS.minimumSamplePerArm());
    }

    private static List<ArmFigures> arms(long[] entered, long[] converted) {
        return List.of(ArmFigures.variant("A", entered[0], converted[0]),
                ArmFigures.variant("B", entered[1], converted[1]));
    }

    /**
     * The classic fixed-horizon test, read as if each look were the planned end: the pooled two-proportion z-test,
     * significant at p < 0.05 two-sided, once both arms have the minimum sample.
     */
    private static boolean naiveSignificant(long[] entered, long[] converted) {
        if (Math.min(entered[0], entered[1]) < DEFAULTS.minimumSamplePerArm()) {
            return false;
        }
        double pooled = (double) (converted[0] + converted[1]) / (entered[0] + entered[1]);
        double standardError = Math.sqrt(pooled * (1 - pooled) * (1.0 / entered[0] + 1.0 / entered[1]));
        if (standardError == 0) {
            return false;
        }
        double z = ((double) converted[1] / entered[1] - (double) converted[0] / entered[0]) / standardError;
        return Math.abs(z) > Z_975;
    }

    /** The value below which this share of the sorted values lies (nearest rank). */
    private static int quantile(List<Integer> sorted, double share) {
        return sorted.get(Math.max(0, (int) Math.ceil(share * sorted.size()) - 1));
    }
}
