package io.stageflow.predictions;

/**
 * The Gauss hypergeometric function 2F1(a, b; c; z) by its power series, as Fader, Hardie and Lee's note on the
 * BG/NBD conditional expectation writes it: the sum of u_k with u_0 = 1 and
 * u_k = u_{k-1} (a+k-1)(b+k-1) / ((c+k-1) k) z, for 0 &le; z &lt; 1 (the expectation's z = t / (alpha + T + t)).
 */
final class Hypergeometric {

    private static final int MAX_TERMS = 100_000;

    private Hypergeometric() {
    }

    static double f21(double a, double b, double c, double z) {
        if (!(z >= 0 && z < 1)) {
            throw new IllegalArgumentException("2F1 series needs 0 <= z < 1, not " + z);
        }
        double term = 1;
        double sum = 1;
        for (int k = 1; k < MAX_TERMS; k++) {
            term *= (a + k - 1) * (b + k - 1) / ((c + k - 1) * k) * z;
            sum += term;
            if (Math.abs(term) <= 1e-15 * Math.abs(sum)) {
                return sum;
            }
        }
        throw new ArithmeticException("2F1(" + a + ", " + b + "; " + c + "; " + z + ") did not converge");
    }
}
