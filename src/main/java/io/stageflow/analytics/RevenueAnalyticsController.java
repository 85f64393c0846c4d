package io.stageflow.analytics;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 * {@code GET /api/v1/analytics/revenue?from&to[&journey]}: the orders credited to journey emails in the period and
 * their revenue, per journey, per step and template, and per attribution rule, each in its own currency: amounts in
 * different currencies are never added together (docs/analytics.md, "Revenue"). JSON, or CSV with one row per
 * journey, step, template, currency and rule. Marketers, operators and admins.
 */
@RestController
class RevenueAnalyticsController {

    private final Tallies tallies;
    private final AnalyticsProperties settings;

    RevenueAnalyticsController(Tallies tallies, AnalyticsProperties settings) {
        this.tallies = tallies;
        this.settings = settings;
    }

    @GetMapping(path = "/api/v1/analytics/revenue", produces = "application/json")
    RevenueReport revenue(@RequestParam(required = false) String from, @RequestParam(required = false) String to,
            @RequestParam(required = false) String journey) {
        ReportPeriod period = ReportPeriod.parse(from, to, settings);
        List<Row> rows = rows(period, journey == null || journey.isBlank() ? null : journey.strip());
        Map<String, List<Row>> byJourney = new TreeMap<>();
        rows.forEach(row -> byJourney.computeIfAbsent(row.journey(), key -> new ArrayList<>()).add(row));
        List<JourneyRevenue> journeys = new ArrayList<>();
        byJourney.forEach((key, journeyRows) -> {
            Map<List<String>, List<Row>> bySend = new LinkedHashMap<>();
            journeyRows.forEach(row -> bySend.computeIfAbsent(List.of(row.step(), row.template()),
                    send -> new ArrayList<>()).add(row));
            List<StepRevenue> steps = new ArrayList<>();
            bySend.forEach((send, sendRows) -> steps.add(new StepRevenue(send.get(0), send.get(1),
                    amounts(sendRows))));
            journeys.add(new JourneyRevenue(key, amounts(journeyRows), steps));
        });
        Map<String, List<Row>> byTemplate = new TreeMap<>();
        rows.stream().filter(row -> !row.template().isEmpty())
                .forEach(row -> byTemplate.computeIfAbsent(row.template(), key -> new ArrayList<>()).add(row));
        List<TemplateRevenue> templates = new ArrayList<>();
        byTemplate.forEach((key, templateRows) -> templates.add(new TemplateRevenue(key, amounts(templateRows))));
        return new RevenueReport(period.from(), period.to(), period.zone().getId(), amounts(rows), journeys,
                templates);
    }

    @GetMapping(path = "/api/v1/analytics/revenue", produces = Csv.MEDIA_TYPE)
    ResponseEntity<String> revenueCsv(@RequestParam(required = false) String from,
            @RequestParam(required = false) String to, @RequestParam(required = false) String journey) {
        ReportPeriod period = ReportPeriod.parse(from, to, settings);
        List<List<Object>> lines = new ArrayList<>();
        for (Row row : rows(period, journey == null || journey.isBlank() ? null : journey.strip())) {
            lines.add(List.of(row.journey(), row.step(), row.template(), row.currency(), row.rule(), row.orders(),
                    Amount.money(row.cents())));
        }
        return Csv.of("revenue-" + period.from() + "-" + period.to(),
                List.of("journey", "step", "template", "currency", "rule", "orders", "revenue"), lines);
    }

    /**
     * The period's credited orders, summed per journey, step, template, currency and rule, from the revenue tallies'
     * daily totals (never the attributed orders themselves).
     */
    private List<Row> rows(ReportPeriod period, String journey) {
        Map<List<String>, long[]> sums = new TreeMap<>((a, b) -> String.join("\u0000", a)
                .compareTo(String.join("\u0000", b)));
        for (Tallies.Total total : tallies.periodTotals(RevenueFigures.SERIES, journey, null, period.start(),
                period.end())) {
            RevenueFigures.Sum sum = RevenueFigures.parse(total);
            if (sum != null) {
                long[] row = sums.computeIfAbsent(List.of(sum.journey(), sum.step(), sum.template(), sum.currency(),
                        sum.rule()), key -> new long[2]);
                row[sum.orders() ? 0 : 1] += sum.amount();
            }
        }
        List<Row> rows = new ArrayList<>();
        sums.forEach((key, sum) -> rows.add(new Row(key.get(0), key.get(1), key.get(2), key.get(3), key.get(4),
                sum[0], sum[1])));
        return rows;
    }

    /** The rows' orders and revenue per currency, in currency order, with the split by rule. */
    private static List<Amount> amounts(List<Row> rows) {
        Map<String, long[]> sums = new TreeMap<>();
        Map<String, Map<String, Long>> byRule = new TreeMap<>();
        for (Row row : rows) {
            long[] sum = sums.computeIfAbsent(row.currency(), key -> new long[2]);
            sum[0] += row.orders();
            sum[1] += row.cents();
            byRule.computeIfAbsent(row.currency(), key -> new TreeMap<>()).merge(row.rule(), row.orders(), Long::sum);
        }
        List<Amount> amounts = new ArrayList<>();
        sums.forEach((currency, sum) -> amounts.add(new Amount(currency, sum[0], Amount.money(sum[1]),
                byRule.get(currency))));
        return amounts;
    }

    private record Row(String journey, String step, String template, String currency, String rule, long orders,
            long cents) {
    }

    /** The report: the period in the reporting time zone, the totals, per journey (and its steps), per template. */
    record RevenueReport(LocalDate from, LocalDate to, String timeZone, List<Amount> totals,
            List<JourneyRevenue> journeys, List<TemplateRevenue> templates) {
    }

    /** A journey's credited orders per currency, and per step and template. */
    record JourneyRevenue(String journey, List<Amount> totals, List<StepRevenue> steps) {
    }

    /** A send step's credited orders per currency ("" for a step or template unknown, such as a coupon's email). */
    record StepRevenue(String step, String template, List<Amount> totals) {
    }

    /** A template's credited orders per currency, whichever journey sent it. */
    record TemplateRevenue(String template, List<Amount> totals) {
    }

    /**
     * Orders and their revenue in one currency, and how many orders each attribution rule credited.
     *
     * @param revenue the sum of the orders' totals, in the currency's units with two decimals
     */
    record Amount(String currency, long orders, BigDecimal revenue, Map<String, Long> ordersByRule) {

        static BigDecimal money(long cents) {
            return BigDecimal.valueOf(cents, 2);
        }
    }
}
