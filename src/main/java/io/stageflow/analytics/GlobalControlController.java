package io.stageflow.analytics;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.stageflow.experiments.ArmFigures;
import io.stageflow.experiments.ExperimentStatistics;
import io.stageflow.experiments.ExperimentVerdict;
import io.stageflow.experiments.ExperimentsProperties;
import io.stageflow.experiments.GlobalControl;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/analytics/global-control?from&to}: what the whole marketing programme adds, measured against
 * the global control group (docs/experiments.md, "The global control group"): for each currency, the customers in
 * the group and the others, how many of them ordered in the period, the revenue per customer, the difference with
 * its always-valid interval, and the incremental revenue (the difference per customer times the customers who were
 * marketed to). Customers are counted as they are now, and the period's orders of those customers (from the order
 * ledger; an erased customer's are left out). Marketers, operators and admins.
 */
@RestController
class GlobalControlController {

    private final JdbcClient jdbc;
    private final GlobalControl group;
    private final ExperimentStatistics statistics;
    private final AnalyticsProperties settings;

    GlobalControlController(JdbcClient jdbc, GlobalControl group, ExperimentsProperties experiments,
            AnalyticsProperties settings) {
        this.jdbc = jdbc;
        this.group = group;
        this.statistics = new ExperimentStatistics(experiments);
        this.settings = settings;
    }

    /** The report: the group's share, its customers and the others', and each currency's figures. */
    record GlobalControlReport(java.time.LocalDate from, java.time.LocalDate to, String timeZone, boolean enabled,
            int share, long controlCustomers, long marketedCustomers, List<CurrencyFigures> currencies) {
    }

    /**
     * One currency's figures: buyers and revenue on each side, the comparison of the marketed customers with the
     * group (buyers' rate: {@code difference}, {@code interval}, {@code uplift}, {@code pValue}), and the revenue the
     * programme added.
     */
    record CurrencyFigures(String currency, ExperimentVerdict.Arm marketed, ExperimentVerdict.Arm control,
            BigDecimal incrementalRevenue) {
    }

    @GetMapping(path = "/api/v1/analytics/global-control", produces = "application/json")
    GlobalControlReport report(@RequestParam(required = false) String from,
            @RequestParam(required = false) String to) {
        ReportPeriod period = ReportPeriod.parse(from, to, settings);
        long[] customers = new long[2]; // [control, marketed]
        jdbc.sql("select id from sf_customer").query(rs -> {
            customers[group.isMember(rs.getString(1)) ? 0 : 1]++;
        });
        // [control buyers, control cents, marketed buyers, marketed cents] per currency
        Map<String, long[]> sums = new TreeMap<>();
        jdbc.sql("""
                select o.customer_id, o.currency, sum(o.amount_cents) from sf_order o
                join sf_customer c on c.id = o.customer_id
                where o.ordered_at >= ? and o.ordered_at < ? group by o.customer_id, o.currency""")
                .params(java.sql.Timestamp.from(period.start()), java.sql.Timestamp.from(period.end()))
                .query(rs -> {
                    long[] sum = sums.computeIfAbsent(rs.getString(2), currency -> new long[4]);
                    int side = group.isMember(rs.getString(1)) ? 0 : 2;
                    sum[side]++;
                    sum[side + 1] += rs.getLong(3);
                });
        List<CurrencyFigures> currencies = new ArrayList<>();
        sums.forEach((currency, sum) -> {
            ArmFigures marketed = new ArmFigures("Marketed", false, customers[1], sum[2], BigDecimal.valueOf(sum[3], 2));
            ArmFigures control = new ArmFigures("Control group", true, customers[0], sum[0],
                    BigDecimal.valueOf(sum[1], 2));
            List<ExperimentVerdict.Arm> arms = statistics.verdict(List.of(marketed, control)).arms();
            ExperimentVerdict.Arm marketedArm = arms.get(0);
            ExperimentVerdict.Arm controlArm = arms.get(1);
            BigDecimal incremental = customers[0] == 0 ? null
                    : marketedArm.revenuePerRecipient().subtract(controlArm.revenuePerRecipient())
                            .multiply(BigDecimal.valueOf(customers[1])).setScale(2, java.math.RoundingMode.HALF_EVEN);
            currencies.add(new CurrencyFigures(currency, marketedArm, controlArm, incremental));
        });
        return new GlobalControlReport(period.from(), period.to(), period.zone().getId(), group.enabled(),
                group.share(), customers[0], customers[1], currencies);
    }
}
