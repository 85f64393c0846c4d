package io.stageflow.predictions;

import java.util.ArrayList;
import java.util.List;

import org.hipparchus.random.RandomDataGenerator;

/**
 * Customers drawn from known BG/NBD and Gamma-Gamma parameters with a seeded generator, for the models' validation:
 * each buys at time 0 (their first order), then at Poisson times with rate lambda ~ Gamma(r, alpha) while alive, and
 * after each repeat purchase drops out with probability p ~ Beta(a, b); each order's amount is Gamma(p, nu) with
 * nu ~ Gamma(q, gamma). Weeks throughout.
 */
final class Simulation {

    /** One simulated customer: their purchase times after the first (weeks, ascending) and every order's amount. */
    record Customer(double age, List<Double> repeats, List<Double> amounts) {

        /** The history as the models see it at {@code age} weeks, counting repeats up to then. */
        CustomerHistory historyAt(double at) {
            int x = 0;
            double tx = 0;
            double total = amounts.get(0);
            for (int i = 0; i < repeats.size() && repeats.get(i) <= at; i++) {
                x++;
                tx = repeats.get(i);
                total += amounts.get(i + 1);
            }
            return new CustomerHistory(x, tx, at, total / (x + 1));
        }

        /** The repeat purchases after {@code from} up to {@code to}. */
        int purchasesBetween(double from, double to) {
            return (int) repeats.stream().filter(t -> t > from && t <= to).count();
        }
    }

    private Simulation() {
    }

    /**
     * {@code n} customers each observed for a uniform age in [{@code minAge}, {@code maxAge}] weeks, their purchase
     * streams generated up to {@code horizon} weeks past that age.
     */
    static List<Customer> customers(long seed, int n, BgNbd bgNbd, GammaGamma spend, double minAge, double maxAge,
            double horizon) {
        RandomDataGenerator random = new RandomDataGenerator(seed);
        List<Customer> customers = new ArrayList<>(n);
        for (int c = 0; c < n; c++) {
            double age = minAge + random.nextDouble() * (maxAge - minAge);
            double lambda = random.nextGamma(bgNbd.r(), 1 / bgNbd.alpha());
            double p = random.nextBeta(bgNbd.a(), bgNbd.b());
            double nu = random.nextGamma(spend.q(), 1 / spend.gamma());
            List<Double> repeats = new ArrayList<>();
            List<Double> amounts = new ArrayList<>();
            amounts.add(random.nextGamma(spend.p(), 1 / nu));
            double t = 0;
            while (true) {
                t += random.nextExponential(1 / lambda);
                if (t > age + horizon) {
                    break;
                }
                repeats.add(t);
                amounts.add(random.nextGamma(spend.p(), 1 / nu));
                if (random.nextDouble() < p) {
                    break;
                }
            }
            customers.add(new Customer(age, repeats, amounts));
        }
        return customers;
    }
}
