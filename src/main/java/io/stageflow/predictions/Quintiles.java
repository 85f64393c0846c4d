package io.stageflow.predictions;

import java.util.Arrays;

/**
 * Quintile scores 1..5 of values against a sorted sample of them: a value's score is 1 + 5 times the share of values
 * strictly below it, rounded down (so equal values always score alike, and the lowest value scores 1). RFM uses it
 * on days since the last order (negated, so the most recent score 5), the number of orders and the amount spent.
 */
final class Quintiles {

    private final double[] sorted;

    /** @param values the values of every customer scored (copied and sorted) */
    Quintiles(double[] values) {
        this.sorted = values.clone();
        Arrays.sort(sorted);
    }

    int score(double value) {
        if (sorted.length == 0) {
            return 3;
        }
        int below = lowerBound(value);
        return 1 + (int) Math.min(4, (5L * below) / sorted.length);
    }

    /** How many values are strictly below {@code value}. */
    private int lowerBound(double value) {
        int low = 0;
        int high = sorted.length;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (sorted[mid] < value) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }
}
