package io.stageflow.predictions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The acceptance check of issue 21: fitted to customers simulated from known parameters, BG/NBD and Gamma-Gamma give
 * the parameters back within the tolerance stated in docs/predictions.md.
 */
class ModelRecoveryTest {

    /** The CDNOW estimates of Fader, Hardie and Lee (2005), in weeks. */
    static final BgNbd CDNOW = new BgNbd(0.243, 4.414, 0.793, 2.426);
    /** The CDNOW spend estimates of Fader and Hardie's Gamma-Gamma note. */
    static final GammaGamma CDNOW_SPEND = new GammaGamma(6.25, 3.74, 15.44);
    static final int CUSTOMERS = 20_000;

    @Test
    void bgNbdRecoversTheGeneratingParameters() {
        List<CustomerHistory> histories = Simulation.customers(21, CUSTOMERS, CDNOW, CDNOW_SPEND, 52, 104, 0).stream()
                .map(c -> c.historyAt(c.age())).toList();

        BgNbd fitted = BgNbd.fit(histories);

        System.out.println("[predictions] BG/NBD fitted to " + CUSTOMERS + " simulated customers: " + fitted);
        assertThat(fitted.r()).isCloseTo(CDNOW.r(), withinPercentage(15));
        assertThat(fitted.alpha()).isCloseTo(CDNOW.alpha(), withinPercentage(15));
        assertThat(fitted.a()).isCloseTo(CDNOW.a(), withinPercentage(15));
        assertThat(fitted.b()).isCloseTo(CDNOW.b(), withinPercentage(15));
        assertThat(fitted.meanLogLikelihood(histories)).isGreaterThanOrEqualTo(CDNOW.meanLogLikelihood(histories));
    }

    @Test
    void gammaGammaRecoversTheGeneratingParameters() {
        List<GammaGamma.Spend> spends = Simulation.customers(2013, CUSTOMERS, CDNOW, CDNOW_SPEND, 52, 104, 0).stream()
                .map(c -> c.historyAt(c.age())).map(h -> new GammaGamma.Spend(h.x() + 1, h.meanSpend())).toList();

        GammaGamma fitted = GammaGamma.fit(spends, 2);

        System.out.println("[predictions] Gamma-Gamma fitted to the repeat customers of " + CUSTOMERS + ": " + fitted);
        assertThat(fitted.p()).isCloseTo(CDNOW_SPEND.p(), withinPercentage(15));
        assertThat(fitted.q()).isCloseTo(CDNOW_SPEND.q(), withinPercentage(15));
        assertThat(fitted.gamma()).isCloseTo(CDNOW_SPEND.gamma(), withinPercentage(15));
        assertThat(fitted.populationMean()).isCloseTo(CDNOW_SPEND.populationMean(), withinPercentage(5));
    }

    @Test
    void theScoresFollowThePublishedFormulas() {
        // Fader, Hardie and Lee's worked example (CDNOW, their Figure 4 spreadsheet): x=2, tx=30.43, T=38.86 weeks.
        CustomerHistory h = new CustomerHistory(2, 30.43, 38.86, 0);
        assertThat(CDNOW.expectedPurchases(39, h)).isCloseTo(1.226, within(0.01));
        assertThat(CDNOW.aliveProbability(new CustomerHistory(0, 0, 38.86, 0))).isEqualTo(1.0);
        // More time without a purchase, less likely alive; more purchases in the same span, more expected.
        assertThat(CDNOW.aliveProbability(new CustomerHistory(2, 10, 38.86, 0)))
                .isLessThan(CDNOW.aliveProbability(h));
        assertThat(CDNOW.expectedPurchases(39, new CustomerHistory(5, 30.43, 38.86, 0)))
                .isGreaterThan(CDNOW.expectedPurchases(39, h));
        // Gamma-Gamma shrinks a customer's mean towards the population's, less so with more orders.
        double population = CDNOW_SPEND.populationMean();
        assertThat(CDNOW_SPEND.expectedAverageSpend(2, 100)).isBetween(population, 100.0);
        assertThat(CDNOW_SPEND.expectedAverageSpend(10, 100)).isGreaterThan(CDNOW_SPEND.expectedAverageSpend(2, 100));
        assertThat(CDNOW_SPEND.expectedAverageSpend(0, 0)).isEqualTo(population);
    }

    @Test
    void quintilesScoreEqualValuesAlikeFromOneToFive() {
        double[] bounds = FittedModels.boundaries(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
        assertThat(FittedModels.quintile(bounds, 1)).isEqualTo(1);
        assertThat(FittedModels.quintile(bounds, 3)).isEqualTo(2);
        assertThat(FittedModels.quintile(bounds, 10)).isEqualTo(5);
        double[] ties = FittedModels.boundaries(new double[] {1, 1, 1, 1, 1, 1, 1, 1, 2, 3});
        assertThat(FittedModels.quintile(ties, 1)).isEqualTo(1);
        assertThat(FittedModels.quintile(ties, 3)).isEqualTo(5);
    }
}
