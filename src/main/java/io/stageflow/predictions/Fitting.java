package io.stageflow.predictions;

import java.util.function.ToDoubleFunction;

import org.hipparchus.optim.InitialGuess;
import org.hipparchus.optim.MaxEval;
import org.hipparchus.optim.PointValuePair;
import org.hipparchus.optim.nonlinear.scalar.GoalType;
import org.hipparchus.optim.nonlinear.scalar.ObjectiveFunction;
import org.hipparchus.optim.nonlinear.scalar.noderiv.NelderMeadSimplex;
import org.hipparchus.optim.nonlinear.scalar.noderiv.SimplexOptimizer;

/**
 * Maximum likelihood over positive parameters: Hipparchus' Nelder-Mead minimises the negative mean log-likelihood
 * over the logarithms of the parameters (so every point it tries is valid), and is restarted from its optimum until
 * a restart no longer improves it (a simplex can collapse early; a restart is the usual remedy).
 */
final class Fitting {

    private static final int MAX_EVALUATIONS = 20_000;
    private static final int MAX_RESTARTS = 5;

    private Fitting() {
    }

    /**
     * The parameters (not their logarithms) that maximise {@code logLikelihood}, starting from {@code start}.
     *
     * @param logLikelihood the mean log-likelihood of the data at the given (positive) parameters
     */
    static double[] maximise(ToDoubleFunction<double[]> logLikelihood, double... start) {
        ObjectiveFunction objective = new ObjectiveFunction(logs -> {
            double value = -logLikelihood.applyAsDouble(exp(logs));
            return Double.isFinite(value) ? value : Double.MAX_VALUE;
        });
        SimplexOptimizer optimizer = new SimplexOptimizer(1e-12, 1e-12);
        double[] point = log(start);
        double best = Double.POSITIVE_INFINITY;
        for (int restart = 0; restart <= MAX_RESTARTS; restart++) {
            PointValuePair optimum = optimizer.optimize(new MaxEval(MAX_EVALUATIONS), objective, GoalType.MINIMIZE,
                    new InitialGuess(point), new NelderMeadSimplex(steps(point.length)));
            boolean improved = optimum.getValue() < best - 1e-10 * Math.abs(best);
            point = optimum.getPoint();
            best = Math.min(best, optimum.getValue());
            if (!improved) {
                break;
            }
        }
        return exp(point);
    }

    private static double[] steps(int n) {
        double[] steps = new double[n];
        java.util.Arrays.fill(steps, 0.5);
        return steps;
    }

    private static double[] exp(double[] logs) {
        double[] values = new double[logs.length];
        for (int i = 0; i < logs.length; i++) {
            values[i] = Math.exp(logs[i]);
        }
        return values;
    }

    private static double[] log(double[] values) {
        double[] logs = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            logs[i] = Math.log(values[i]);
        }
        return logs;
    }
}
