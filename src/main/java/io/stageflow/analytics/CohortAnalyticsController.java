package io.stageflow.analytics;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.stageflow.web.Csv;
import io.stageflow.support.Tallies;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/analytics/cohorts?from&to}: retention cohorts, the customers whose first order fell in each month
 * of the period and how many of them ordered in each later month; and {@code GET /api/v1/analytics/lifetime-value?from&to}:
 * the same cohorts' revenue to date, per currency, in total and per customer (docs/analytics.md, "Cohorts and
 * lifetime value"). Both read a few cohort tallies ({@link CohortFigures}) that {@link OrderLedger} keeps, never the
 * orders. JSON, or CSV. Marketers, operators and admins.
 */
@RestController
class CohortAnalyticsController {

    private final Tallies tallies;
    private final AnalyticsProperties settings;
    private final Clock clock;

    CohortAnalyticsController(Tallies tallies, AnalyticsProperties settings, Clock clock) {
        this.tallies = tallies;
        this.settings = settings;
        this.clock = clock;
    }

    @GetMapping(path = "/api/v1/analytics/cohorts", produces = "application/json")
    CohortReport cohorts(@RequestParam(required = false) String from, @RequestParam(required = false) String to) {
        ReportPeriod period = ReportPeriod.parse(from, to, settings);
        Figures figures = figures(period);
        YearMonth lastFull = currentMonth(period).minusMonths(1);
        List<Cohort> cohorts = new ArrayList<>();
        figures.customers().forEach((cohort, months) -> {
            long customers = months.getOrDefault(cohort, 0L);
            if (customers <= 0) {
                return;
            }
            List<Retention> retention = new ArrayList<>();
            for (YearMonth month = cohort; !month.isAfter(lastFull) || month.equals(cohort);
                    month = month.plusMonths(1)) {
                long ordered = months.getOrDefault(month, 0L);
                retention.add(new Retention(cohort.until(month, ChronoUnit.MONTHS),
                        month.toString(), ordered, BigDecimal.valueOf(ordered).divide(BigDecimal.valueOf(customers),
                        4, RoundingMode.HALF_UP)));
            }
            cohorts.add(new Cohort(cohort.toString(), customers, retention));
        });
        return new CohortReport(period.from(), period.to(), period.zone().getId(), lastFull.toString(), cohorts);
    }

    @GetMapping(path = "/api/v1/analytics/cohorts", produces = Csv.MEDIA_TYPE)
    ResponseEntity<String> cohortsCsv(@RequestParam(required = false) String from,
            @RequestParam(required = false) String to) {
        CohortReport report = cohorts(from, to);
        List<List<Object>> lines = new ArrayList<>();
        for (Cohort cohort : report.cohorts()) {
            for (Retention month : cohort.months()) {
                lines.add(List.of(cohort.cohort(), cohort.customers(), month.monthNumber(), month.month(),
                        month.customers(), month.share()));
            }
        }
        return Csv.of("cohorts-" + report.from() + "-" + report.to(),
                List.of("cohort", "customers", "month_number", "month", "ordered", "share"), lines);
    }

    @GetMapping(path = "/api/v1/analytics/lifetime-value", produces = "application/json")
    LifetimeValueReport lifetimeValue(@RequestParam(required = false) String from,
            @RequestParam(required = false) String to) {
        ReportPeriod period = ReportPeriod.parse(from, to, settings);
        Figures figures = figures(period);
        List<CohortValue> cohorts = new ArrayList<>();
        figures.customers().forEach((cohort, months) -> {
            long customers = months.getOrDefault(cohort, 0L);
            if (customers <= 0) {
                return;
            }
            List<Value> values = new ArrayList<>();
            figures.orders().getOrDefault(cohort, Map.of()).forEach((currency, orders) -> {
                long cents = figures.revenue().getOrDefault(cohort, Map.of()).getOrDefault(currency, 0L);
                if (orders == 0 && cents == 0) {
                    return;
                }
                BigDecimal revenue = BigDecimal.valueOf(cents, 2);
                values.add(new Value(currency, orders, revenue,
                        revenue.divide(BigDecimal.valueOf(customers), 2, RoundingMode.HALF_UP)));
            });
            cohorts.add(new CohortValue(cohort.toString(), customers, values));
        });
        return new LifetimeValueReport(period.from(), period.to(), period.zone().getId(), cohorts);
    }

    @GetMapping(path = "/api/v1/analytics/lifetime-value", produces = Csv.MEDIA_TYPE)
    ResponseEntity<String> lifetimeValueCsv(@RequestParam(required = false) String from,
            @RequestParam(required = false) String to) {
        LifetimeValueReport report = lifetimeValue(from, to);
        List<List<Object>> lines = new ArrayList<>();
        for (CohortValue cohort : report.cohorts()) {
            for (Value value : cohort.values()) {
                lines.add(List.of(cohort.cohort(), cohort.customers(), value.currency(), value.orders(),
                        value.revenue(), value.revenuePerCustomer()));
            }
        }
        return Csv.of("lifetime-value-" + report.from() + "-" + report.to(),
                List.of("cohort", "customers", "currency", "orders", "revenue", "revenue_per_customer"), lines);
    }

    private YearMonth currentMonth(ReportPeriod period) {
        return YearMonth.from(clock.instant().atZone(period.zone()));
    }

    /** The cohort tallies of the period's months, up to the current one. */
    private Figures figures(ReportPeriod period) {
        YearMonth first = YearMonth.from(period.from());
        YearMonth last = YearMonth.from(period.to());
        if (last.isAfter(currentMonth(period))) {
            last = currentMonth(period);
        }
        Map<YearMonth, Map<YearMonth, Long>> customers = new TreeMap<>();
        Map<YearMonth, Map<String, Long>> orders = new TreeMap<>();
        Map<YearMonth, Map<String, Long>> revenue = new TreeMap<>();
        if (last.isBefore(first)) {
            return new Figures(customers, orders, revenue);
        }
        for (Tallies.Total total : tallies.totals(CohortFigures.SERIES, null, null, CohortFigures.hour(first),
                CohortFigures.hour(last.plusMonths(1)), false)) {
            YearMonth cohort = YearMonth.parse(total.tally().subject());
            String element = total.tally().element();
            switch (total.tally().figure()) {
                case CohortFigures.CUSTOMERS -> customers.computeIfAbsent(cohort, key -> new TreeMap<>())
                        .merge(YearMonth.parse(element), total.amount(), Long::sum);
                case CohortFigures.ORDERS -> orders.computeIfAbsent(cohort, key -> new TreeMap<>())
                        .merge(element, total.amount(), Long::sum);
                case CohortFigures.REVENUE -> revenue.computeIfAbsent(cohort, key -> new TreeMap<>())
                        .merge(element, total.amount(), Long::sum);
                default -> {
                    // a figure this version does not know
                }
            }
        }
        return new Figures(customers, orders, revenue);
    }

    private record Figures(Map<YearMonth, Map<YearMonth, Long>> customers, Map<YearMonth, Map<String, Long>> orders,
            Map<YearMonth, Map<String, Long>> revenue) {
    }

    /**
     * Retention cohorts: the period in the reporting time zone, the last full month (the last month shown), and the
     * cohorts of the period's months that have customers.
     */
    record CohortReport(LocalDate from, LocalDate to, String timeZone, String lastFullMonth, List<Cohort> cohorts) {
    }

    /** A cohort: its month ({@code 2036-01}), its customers, and month by month how many of them ordered. */
    record Cohort(String cohort, long customers, List<Retention> months) {
    }

    /**
     * One month of a cohort: month 0 is the cohort's own month (every customer, share 1), month k the k-th after it.
     *
     * @param customers the cohort's customers who ordered at least once in that month
     * @param share     {@code customers} over the cohort's customers, rounded half up to 4 decimals
     */
    record Retention(long monthNumber, String month, long customers, BigDecimal share) {
    }

    /** Lifetime value to date of the cohorts of the period's months. */
    record LifetimeValueReport(LocalDate from, LocalDate to, String timeZone, List<CohortValue> cohorts) {
    }

    /** A cohort's revenue to date, one entry per currency, never added across currencies. */
    record CohortValue(String cohort, long customers, List<Value> values) {
    }

    /**
     * A cohort's orders and revenue in one currency.
     *
     * @param revenue            the sum of the orders' totals, to date
     * @param revenuePerCustomer {@code revenue} over the cohort's customers, rounded half up to cents
     */
    record Value(String currency, long orders, BigDecimal revenue, BigDecimal revenuePerCustomer) {
    }
}
