package io.stageflow.predictions;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What the fitting step found and the scoring step uses, kept in {@code sf_prediction_parameter} between the two
 * (and for the docs and the console): BG/NBD and Gamma-Gamma (either null when there was too little data), and the
 * RFM quintile boundaries. A value's quintile is 1 plus the number of boundaries it is above.
 */
record FittedModels(BgNbd bgNbd, GammaGamma gammaGamma, double[] recency, double[] frequency, double[] monetary,
        long customers) {

    static final String BG_NBD = "bg-nbd";
    static final String GAMMA_GAMMA = "gamma-gamma";
    static final String RFM = "rfm";
    private static final double NINETY_DAYS = 90 / 7.0;

    /** The 4 boundaries of 5 quintiles of the values: equal values always fall in one quintile. */
    static double[] boundaries(double[] sorted) {
        double[] bounds = new double[4];
        for (int s = 1; s <= 4; s++) {
            long index = sorted.length == 0 ? -1 : (s * (long) sorted.length + 4) / 5 - 1;
            bounds[s - 1] = index < 0 ? Double.POSITIVE_INFINITY : sorted[(int) index];
        }
        return bounds;
    }

    static int quintile(double[] bounds, double value) {
        int score = 1;
        for (double bound : bounds) {
            if (value > bound) {
                score++;
            }
        }
        return score;
    }

    /** One customer's scores as of {@code asOf}; the model fields are null without a fitted model. */
    Prediction score(LedgerRow row, Instant asOf, Duration clvHorizon, String currency) {
        int r = quintile(recency, -row.daysSinceLast(asOf));
        int f = quintile(frequency, row.orders());
        int m = quintile(monetary, row.totalCents());
        Double alive = null;
        Double expected90 = null;
        BigDecimal spend = null;
        BigDecimal clv = null;
        if (bgNbd != null) {
            CustomerHistory h = row.history(asOf);
            alive = bgNbd.aliveProbability(h);
            expected90 = bgNbd.expectedPurchases(NINETY_DAYS, h);
            if (gammaGamma != null) {
                double average = row.orders() >= 2 ? gammaGamma.expectedAverageSpend((int) row.orders(), h.meanSpend())
                        : gammaGamma.populationMean();
                if (Double.isFinite(average)) {
                    double horizon = clvHorizon.toMillis() / (double) Duration.ofDays(7).toMillis();
                    spend = money(average);
                    clv = money(bgNbd.expectedPurchases(horizon, h) * average);
                }
            }
        }
        return new Prediction(row.customerId(), alive, alive == null ? null : 1 - alive, expected90, spend, clv,
                currency, r, f, m, asOf);
    }

    private static BigDecimal money(double amount) {
        return Double.isFinite(amount) ? BigDecimal.valueOf(amount).setScale(2, RoundingMode.HALF_UP) : null;
    }

    /** Replaces the stored parameters with these, in the caller's transaction. */
    void save(JdbcClient jdbc, Instant fittedAt) {
        jdbc.sql("delete from sf_prediction_parameter").update();
        List<Object[]> rows = new ArrayList<>();
        if (bgNbd != null) {
            rows.add(new Object[] {BG_NBD, "r", bgNbd.r()});
            rows.add(new Object[] {BG_NBD, "alpha", bgNbd.alpha()});
            rows.add(new Object[] {BG_NBD, "a", bgNbd.a()});
            rows.add(new Object[] {BG_NBD, "b", bgNbd.b()});
        }
        if (gammaGamma != null) {
            rows.add(new Object[] {GAMMA_GAMMA, "p", gammaGamma.p()});
            rows.add(new Object[] {GAMMA_GAMMA, "q", gammaGamma.q()});
            rows.add(new Object[] {GAMMA_GAMMA, "gamma", gammaGamma.gamma()});
        }
        for (int i = 0; i < 4; i++) {
            rows.add(new Object[] {RFM, "recency" + (i + 1), recency[i]});
            rows.add(new Object[] {RFM, "frequency" + (i + 1), frequency[i]});
            rows.add(new Object[] {RFM, "monetary" + (i + 1), monetary[i]});
        }
        for (Object[] row : rows) {
            double value = (double) row[2];
            jdbc.sql("insert into sf_prediction_parameter (model, name, param_value, customers, fitted_at)"
                    + " values (?, ?, ?, ?, ?)")
                    .params(row[0], row[1], Double.isFinite(value) ? value : Double.MAX_VALUE, customers,
                            Timestamp.from(fittedAt))
                    .update();
        }
    }

    /** The stored parameters. */
    static FittedModels load(JdbcClient jdbc) {
        Map<String, Double> values = new HashMap<>();
        long[] customers = {0};
        jdbc.sql("select model, name, param_value, customers from sf_prediction_parameter").query(rs -> {
            values.put(rs.getString(1) + "." + rs.getString(2), rs.getDouble(3));
            customers[0] = rs.getLong(4);
        });
        BgNbd bgNbd = values.containsKey(BG_NBD + ".r") ? new BgNbd(values.get(BG_NBD + ".r"),
                values.get(BG_NBD + ".alpha"), values.get(BG_NBD + ".a"), values.get(BG_NBD + ".b")) : null;
        GammaGamma gammaGamma = values.containsKey(GAMMA_GAMMA + ".p") ? new GammaGamma(values.get(GAMMA_GAMMA + ".p"),
                values.get(GAMMA_GAMMA + ".q"), values.get(GAMMA_GAMMA + ".gamma")) : null;
        return new FittedModels(bgNbd, gammaGamma, bounds(values, "recency"), bounds(values, "frequency"),
                bounds(values, "monetary"), customers[0]);
    }

    private static double[] bounds(Map<String, Double> values, String name) {
        double[] bounds = new double[4];
        for (int i = 0; i < 4; i++) {
            double value = values.getOrDefault(RFM + "." + name + (i + 1), Double.MAX_VALUE);
            bounds[i] = value == Double.MAX_VALUE ? Double.POSITIVE_INFINITY : value;
        }
        return bounds;
    }

    /** One customer's row of {@code sf_customer_prediction}. */
    record Prediction(String customerId, Double aliveProbability, Double churnRisk, Double expectedOrders90d,
            BigDecimal expectedSpend, BigDecimal clv, String currency, int recency, int frequency, int monetary,
            Instant scoredAt) {

        String segment() {
            return "" + recency + frequency + monetary;
        }
    }
}
