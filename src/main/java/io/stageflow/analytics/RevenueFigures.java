package io.stageflow.analytics;

import io.stageflow.support.Tallies;

/**
 * How attributed revenue is counted as tallies (series {@code revenue}), so the revenue report reads daily totals
 * rather than every attributed order of its period: per journey (the subject), send step and template (the element,
 * {@code step/template}: a BPMN id has no slash) and currency and rule (the figure, {@code EUR:clicked:ORDERS} and
 * {@code EUR:clicked:CENTS}).
 */
final class RevenueFigures {

    static final String SERIES = "revenue";
    private static final String ORDERS = "ORDERS";
    private static final String CENTS = "CENTS";

    private RevenueFigures() {
    }

    /** An order credited to a journey's email: what its tallies name. */
    record Credit(String journey, String step, String template, String currency, AttributionRule rule) {

        Tallies.Tally orders() {
            return tally(ORDERS);
        }

        Tallies.Tally cents() {
            return tally(CENTS);
        }

        private Tallies.Tally tally(String measure) {
            return new Tallies.Tally(SERIES, journey, 0, (step == null ? "" : step) + "/"
                    + (template == null ? "" : template), currency + ":" + rule.apiName() + ":" + measure);
        }
    }

    /** The period's total of one credit's orders or cents, read back from a tally; null for another shape. */
    static Sum parse(Tallies.Total total) {
        String element = total.tally().element();
        String[] figure = total.tally().figure().split(":");
        int slash = element.indexOf('/');
        if (slash < 0 || figure.length != 3) {
            return null;
        }
        return new Sum(total.tally().subject(), element.substring(0, slash), element.substring(slash + 1), figure[0],
                figure[1], figure[2].equals(ORDERS), total.amount());
    }

    /** A parsed total: its credit, and whether it counts orders (else cents). */
    record Sum(String journey, String step, String template, String currency, String rule, boolean orders,
            long amount) {
    }
}
