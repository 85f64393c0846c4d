package io.stageflow.analytics;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;

import io.stageflow.support.Tallies;

/**
 * The tallies behind cohorts and lifetime value (series {@code cohort}), in one place for the ledger that adds them
 * and the report that reads them. Subject: the cohort month ({@code 2036-01}); element: the month ordered in, for
 * {@code CUSTOMERS}, or the currency, for {@code ORDERS} and {@code REVENUE} (cents). Every tally of a cohort is kept
 * at the first hour of its month in UTC, whatever the reporting zone, so the months a report asks for are a plain
 * range of tally hours.
 */
final class CohortFigures {

    static final String SERIES = "cohort";
    static final String CUSTOMERS = "CUSTOMERS";
    static final String ORDERS = "ORDERS";
    static final String REVENUE = "REVENUE";

    private CohortFigures() {
    }

    /** The cohort's customers who ordered in {@code month} (the cohort's own month: the cohort's size). */
    static Tallies.Tally customers(YearMonth cohort, YearMonth month) {
        return new Tallies.Tally(SERIES, cohort.toString(), 0, month.toString(), CUSTOMERS);
    }

    /** The cohort's orders in {@code currency}. */
    static Tallies.Tally orders(YearMonth cohort, String currency) {
        return new Tallies.Tally(SERIES, cohort.toString(), 0, currency, ORDERS);
    }

    /** The cohort's revenue in {@code currency}, in cents. */
    static Tallies.Tally revenue(YearMonth cohort, String currency) {
        return new Tallies.Tally(SERIES, cohort.toString(), 0, currency, REVENUE);
    }

    /** The hour the cohort's tallies are kept at. */
    static Instant hour(YearMonth cohort) {
        return cohort.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    }
}
