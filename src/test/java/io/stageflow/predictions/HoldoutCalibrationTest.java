package io.stageflow.predictions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;

/**
 * The time-split holdout of docs/predictions.md: BG/NBD fitted on a calibration period (each customer's first 27 to
 * 39 weeks), then its expected purchases in the next 39 weeks compared with the purchases the simulated customers
 * did make then, per number of repeat purchases in calibration. With {@code -Dstageflow.docs.write=true} it writes
 * the table into docs/predictions.md and the plot into docs/predictions-holdout.svg.
 */
class HoldoutCalibrationTest {

    static final Path DOC = Path.of("docs", "predictions.md");
    static final Path PLOT = Path.of("docs", "predictions-holdout.svg");
    static final String START = "<!-- holdout:start -->";
    static final String END = "<!-- holdout:end -->";
    static final int CUSTOMERS = 10_000;
    static final double HOLDOUT = 39;
    static final int BUCKETS = 8;

    @Test
    void predictedPurchasesInTheHoldoutMatchTheActualOnesPerFrequency() throws IOException {
        List<Simulation.Customer> customers = Simulation.customers(39, CUSTOMERS, ModelRecoveryTest.CDNOW,
                ModelRecoveryTest.CDNOW_SPEND, 27, 39, HOLDOUT);
        BgNbd fitted = BgNbd.fit(customers.stream().map(c -> c.historyAt(c.age())).toList());

        int[] count = new int[BUCKETS];
        double[] actual = new double[BUCKETS];
        double[] predicted = new double[BUCKETS];
        for (Simulation.Customer c : customers) {
            CustomerHistory h = c.historyAt(c.age());
            int bucket = Math.min(h.x(), BUCKETS - 1);
            count[bucket]++;
            actual[bucket] += c.purchasesBetween(c.age(), c.age() + HOLDOUT);
            predicted[bucket] += fitted.expectedPurchases(HOLDOUT, h);
        }
        double totalActual = 0;
        double totalPredicted = 0;
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
                "%nFitted on the calibration period: r = %.3f, alpha = %.3f, a = %.3f, b = %.3f (generated with"
                        + " r = 0.243, alpha = 4.414, a = 0.793, b = 2.426).%n%n"
                        + "| repeat purchases in calibration | customers | actual purchases in holdout (mean)"
                        + " | predicted (mean) |%n| ---: | ---: | ---: | ---: |%n",
                fitted.r(), fitted.alpha(), fitted.a(), fitted.b()));
        for (int k = 0; k < BUCKETS; k++) {
            totalActual += actual[k];
            totalPredicted += predicted[k];
            actual[k] /= Math.max(1, count[k]);
            predicted[k] /= Math.max(1, count[k]);
            table.append(String.format(Locale.ROOT, "| %s | %d | %.2f | %.2f |%n", k == BUCKETS - 1 ? k + "+" : k,
                    count[k], actual[k], predicted[k]));
            if (count[k] >= 200) {
                assertThat(predicted[k]).as("mean predicted for x = %d", k)
                        .isCloseTo(actual[k], within(Math.max(0.1, 0.2 * actual[k])));
            }
        }
        table.append(String.format(Locale.ROOT, "| all | %d | %.0f in total | %.0f in total |%n", CUSTOMERS,
                totalActual, totalPredicted));
        System.out.print("[predictions] holdout" + table);
        assertThat(totalPredicted).isCloseTo(totalActual, withinPercentage(10));

        if (Boolean.getBoolean("stageflow.docs.write")) {
            String doc = Files.readString(DOC, StandardCharsets.UTF_8);
            int start = doc.indexOf(START);
            int end = doc.indexOf(END);
            assertThat(start >= 0 && end > start).as("%s has the holdout markers", DOC).isTrue();
            Files.writeString(DOC, doc.substring(0, start + START.length()) + table + doc.substring(end),
                    StandardCharsets.UTF_8);
            Files.writeString(PLOT, plot(actual, predicted), StandardCharsets.UTF_8);
        }
    }

    /** Actual against predicted per bucket: two lines on a plain SVG chart. */
    private static String plot(double[] actual, double[] predicted) {
        double max = 0;
        for (int k = 0; k < BUCKETS; k++) {
            max = Math.max(max, Math.max(actual[k], predicted[k]));
        }
        max = Math.ceil(max);
        int w = 560;
        int h = 320;
        int left = 50;
        int bottom = 270;
        int top = 30;
        int step = (w - left - 30) / (BUCKETS - 1);
        StringBuilder svg = new StringBuilder(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\""
                        + " font-size=\"12\">%n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n"
                        + "<text x=\"%d\" y=\"18\">Mean purchases in the 39-week holdout, by repeat"
                        + " purchases in calibration</text>%n", w, h, left - 30));
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n",
                left, bottom, w - 20, bottom));
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n",
                left, top, left, bottom));
        for (int v = 0; v <= max; v++) {
            double y = bottom - (bottom - top) * v / max;
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%d</text>%n",
                    left - 6, y + 4, v));
        }
        for (int k = 0; k < BUCKETS; k++) {
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                    left + k * step, bottom + 16, k == BUCKETS - 1 ? k + "+" : String.valueOf(k)));
        }
        svg.append(line(actual, "#1f77b4", max, left, step, bottom, top));
        svg.append(line(predicted, "#ff7f0e", max, left, step, bottom, top));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#1f77b4\">actual</text>%n"
                + "<text x=\"%d\" y=\"%d\" fill=\"#ff7f0e\">predicted (BG/NBD)</text>%n"
                + "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">repeat purchases in calibration</text>%n</svg>%n",
                left + 20, top + 20, left + 20, top + 36, (left + w - 20) / 2, bottom + 40));
        return svg.toString();
    }

    private static String line(double[] values, String colour, double max, int left, int step, int bottom, int top) {
        StringBuilder points = new StringBuilder();
        for (int k = 0; k < values.length; k++) {
            points.append(String.format(Locale.ROOT, "%d,%.1f ", left + k * step,
                    bottom - (bottom - top) * values[k] / max));
        }
        return String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>%n",
                colour, points.toString().trim());
    }
}
