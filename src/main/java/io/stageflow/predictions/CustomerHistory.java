package io.stageflow.predictions;

/**
 * One customer's purchase history as the models read it, in weeks: {@code x} repeat purchases (orders after the
 * first), the last one {@code tx} weeks after the first order, the customer {@code age} weeks old (first order to
 * the scoring instant), and {@code meanSpend} the average order amount (in the currency's units, 0 when unknown).
 */
record CustomerHistory(int x, double tx, double age, double meanSpend) {

    CustomerHistory {
        if (x < 0 || tx < 0 || age < tx || (x == 0 && tx != 0)) {
            throw new IllegalArgumentException("not a purchase history: x=" + x + " tx=" + tx + " T=" + age);
        }
    }
}
