package io.stageflow.predictions;

import java.util.List;

import org.hipparchus.special.Gamma;

/**
 * The BG/NBD model (Fader, Hardie and Lee 2005, "Counting your customers the easy way") with its four parameters:
 * while alive a customer buys at a Poisson rate lambda ~ Gamma(r, alpha), and after each repeat purchase drops out
 * with probability p ~ Beta(a, b). Time is in weeks. A customer with no repeat purchase is alive by the model's
 * assumption (P(alive) = 1): the model lets customers drop out only after a repeat purchase.
 */
record BgNbd(double r, double alpha, double a, double b) {

    BgNbd {
        if (!(r > 0 && alpha > 0 && a > 0 && b > 0)) {
            throw new IllegalArgumentException("BG/NBD parameters must be positive: " + r + ", " + alpha + ", " + a + ", " + b);
        }
    }

    /** The maximum-likelihood fit to the histories (at least one), from a neutral start (all parameters 1). */
    static BgNbd fit(List<CustomerHistory> histories) {
        if (histories.isEmpty()) {
            throw new IllegalArgumentException("no customers to fit BG/NBD to");
        }
        Data data = new Data(histories);
        double[] p = Fitting.maximise(data::meanLogLikelihood, 1, 1, 1, 1);
        return new BgNbd(p[0], p[1], p[2], p[3]);
    }

    /** The mean log-likelihood of the histories under these parameters. */
    double meanLogLikelihood(List<CustomerHistory> histories) {
        return new Data(histories).meanLogLikelihood(new double[] {r, alpha, a, b});
    }

    /** The probability that a customer with this history is still alive at its end. */
    double aliveProbability(CustomerHistory h) {
        if (h.x() == 0) {
            return 1;
        }
        return 1 / (1 + deadOdds(h));
    }

    /** The expected number of purchases in the next {@code weeks} (Fader, Hardie and Lee's equation 10). */
    double expectedPurchases(double weeks, CustomerHistory h) {
        if (weeks <= 0) {
            return 0;
        }
        int x = h.x();
        double big = alpha + h.age();
        double z = weeks / (big + weeks);
        double hyp = Hypergeometric.f21(r + x, b + x, a + b + x - 1, z);
        double numerator = (a + b + x - 1) / (a - 1) * (1 - Math.pow(big / (big + weeks), r + x) * hyp);
        double denominator = 1 + (x > 0 ? deadOdds(h) : 0);
        return Math.max(0, numerator / denominator);
    }

    /** delta(x > 0) a / (b + x - 1) ((alpha + T) / (alpha + tx))^(r + x), in logs against overflow. */
    private double deadOdds(CustomerHistory h) {
        int x = h.x();
        return Math.exp(Math.log(a / (b + x - 1)) + (r + x) * (Math.log(alpha + h.age()) - Math.log(alpha + h.tx())));
    }

    /** The histories as columns, with each distinct x's gamma terms worked out once per evaluation. */
    private static final class Data {

        private final int[] x;
        private final double[] tx;
        private final double[] age;
        private final int maxX;

        Data(List<CustomerHistory> histories) {
            int n = histories.size();
            x = new int[n];
            tx = new double[n];
            age = new double[n];
            int max = 0;
            for (int i = 0; i < n; i++) {
                CustomerHistory h = histories.get(i);
                x[i] = h.x();
                tx[i] = h.tx();
                age[i] = h.age();
                max = Math.max(max, h.x());
            }
            maxX = max;
        }

        double meanLogLikelihood(double[] p) {
            double r = p[0];
            double alpha = p[1];
            double a = p[2];
            double b = p[3];
            // Per x: ln G(r+x) - ln G(r) + r ln alpha + ln B(a, b+x) - ln B(a, b), and ln(a / (b+x-1)).
            double[] common = new double[maxX + 1];
            double[] dropout = new double[maxX + 1];
            double lnGammaR = Gamma.logGamma(r);
            double lnAlpha = Math.log(alpha);
            double lnGammaB = Gamma.logGamma(b);
            double lnGammaAB = Gamma.logGamma(a + b);
            for (int k = 0; k <= maxX; k++) {
                common[k] = Gamma.logGamma(r + k) - lnGammaR + r * lnAlpha
                        + Gamma.logGamma(b + k) + lnGammaAB - lnGammaB - Gamma.logGamma(a + b + k);
                dropout[k] = k > 0 ? Math.log(a / (b + k - 1)) : 0;
            }
            double sum = 0;
            for (int i = 0; i < x.length; i++) {
                int k = x[i];
                double a3 = -(r + k) * Math.log(alpha + age[i]);
                double term;
                if (k > 0) {
                    double a4 = dropout[k] - (r + k) * Math.log(alpha + tx[i]);
                    double max = Math.max(a3, a4);
                    term = max + Math.log1p(Math.exp(Math.min(a3, a4) - max));
                } else {
                    term = a3;
                }
                sum += common[k] + term;
            }
            return sum / x.length;
        }
    }
}
