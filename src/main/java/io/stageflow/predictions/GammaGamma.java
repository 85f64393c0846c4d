package io.stageflow.predictions;

import java.util.List;

import org.hipparchus.special.Gamma;

/**
 * The Gamma-Gamma spend model (Fader and Hardie 2013, "The Gamma-Gamma model of monetary value"): a customer's order
 * amounts are Gamma(p, nu) around their own mean p / nu, with nu ~ Gamma(q, gamma) over customers. Fitted on the
 * customers with at least one repeat purchase; it predicts a customer's expected average order amount from their
 * number of orders and mean amount, shrunk towards the population mean p gamma / (q - 1).
 */
record GammaGamma(double p, double q, double gamma) {

    GammaGamma {
        if (!(p > 0 && q > 0 && gamma > 0)) {
            throw new IllegalArgumentException("Gamma-Gamma parameters must be positive: " + p + ", " + q + ", " + gamma);
        }
    }

    /** A customer's spend: the number of orders and their mean amount. */
    record Spend(int orders, double mean) {
    }

    /**
     * The maximum-likelihood fit to the customers with at least {@code minOrders} orders and a positive mean amount
     * (at least one). Stageflow passes every order of a repeat customer (two or more orders): the ledger's
     * aggregation has each customer's order count and total, not the first order's amount.
     */
    static GammaGamma fit(List<Spend> spends, int minOrders) {
        List<Spend> repeat = spends.stream().filter(s -> s.orders() >= minOrders && s.mean() > 0).toList();
        if (repeat.isEmpty()) {
            throw new IllegalArgumentException("no repeat customers to fit Gamma-Gamma to");
        }
        int n = repeat.size();
        double[] x = new double[n];
        double[] lnX = new double[n];
        double[] m = new double[n];
        double[] lnM = new double[n];
        double mean = 0;
        for (int i = 0; i < n; i++) {
            x[i] = repeat.get(i).orders();
            lnX[i] = Math.log(x[i]);
            m[i] = repeat.get(i).mean();
            lnM[i] = Math.log(m[i]);
            mean += m[i] / n;
        }
        // Start where the population mean p gamma / (q - 1) equals the data's mean.
        double[] fitted = Fitting.maximise(params -> {
            double p = params[0];
            double q = params[1];
            double g = params[2];
            double lnGammaQ = Gamma.logGamma(q);
            double lnG = Math.log(g);
            double sum = 0;
            for (int i = 0; i < n; i++) {
                double px = p * x[i];
                sum += Gamma.logGamma(px + q) - Gamma.logGamma(px) - lnGammaQ + q * lnG + (px - 1) * lnM[i]
                        + px * lnX[i] - (px + q) * Math.log(g + x[i] * m[i]);
            }
            return sum / n;
        }, 1, 2, mean);
        return new GammaGamma(fitted[0], fitted[1], fitted[2]);
    }

    /** The customer's expected average order amount given {@code orders} orders averaging {@code meanSpend}. */
    double expectedAverageSpend(int orders, double meanSpend) {
        if (orders <= 0 || meanSpend <= 0) {
            return populationMean();
        }
        return p * (gamma + orders * meanSpend) / (p * orders + q - 1);
    }

    /** The mean order amount over customers, p gamma / (q - 1); infinite when q &le; 1. */
    double populationMean() {
        return q > 1 ? p * gamma / (q - 1) : Double.POSITIVE_INFINITY;
    }
}
