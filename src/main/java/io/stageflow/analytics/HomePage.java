package io.stageflow.analytics;

import java.math.BigDecimal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.stageflow.customers.LifecycleStages;
import io.stageflow.delivery.MessageFigure;
import io.stageflow.journeys.JourneyCatalog;
import io.stageflow.support.Tallies;
import io.stageflow.web.ConsolePage;
import io.stageflow.web.ConsolePaths;

import org.springframework.http.MediaType;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;

/**
 * The console's home page (docs/console.md): the period's emails sent, human open and click rates, conversions and
 * attributed revenue, each beside the same number of days before; customers per stage and how they moved between
 * stages (a Sankey chart); and the incidents and tasks waiting for someone, linked to Cockpit and Tasklist.
 */
@Controller
@ConsolePage
class HomePage {

    private final Tallies tallies;
    private final JourneyCatalog catalog;
    private final JourneyFigures journeyFigures;
    private final RevenueAnalyticsController revenue;
    private final StageStatistics stageStatistics;
    private final LifecycleStages stages;
    private final AnalyticsProperties settings;
    private final Clock clock;

    HomePage(Tallies tallies, JourneyCatalog catalog, JourneyFigures journeyFigures, RevenueAnalyticsController revenue,
            StageStatistics stageStatistics, LifecycleStages stages, AnalyticsProperties settings, Clock clock) {
        this.tallies = tallies;
        this.catalog = catalog;
        this.journeyFigures = journeyFigures;
        this.revenue = revenue;
        this.stageStatistics = stageStatistics;
        this.stages = stages;
        this.settings = settings;
        this.clock = clock;
    }

    @GetMapping(ConsolePaths.HOME)
    String home(@RequestParam(required = false) String from, @RequestParam(required = false) String to,
            Model model) {
        ConsolePeriod period = ConsolePeriod.of(from, to, settings, clock);
        model.addAttribute("period", period);
        model.addAttribute("previous", period.previous());
        model.addAttribute("stages", stages.counts());
        model.addAttribute("incidents", catalog.openIncidents());
        model.addAttribute("tasks", catalog.openTasks());
        return "home";
    }

    /**
     * The period's figure cards beside the previous period's, which the home page loads after it is shown (htmx),
     * saying meanwhile that it is counting: the conversions take every journey's report for both periods.
     */
    @GetMapping(ConsolePaths.HOME_FIGURES)
    String figures(@RequestParam(required = false) String from, @RequestParam(required = false) String to,
            Model model) {
        ConsolePeriod period = ConsolePeriod.of(from, to, settings, clock);
        Figures now = figures(period.period());
        Figures before = figures(period.previous());
        model.addAttribute("cards", List.of(
                new Card("Emails sent", now.sent(), before.sent(), Card.Kind.COUNT),
                new Card("Human open rate", now.openRate(), before.openRate(), Card.Kind.RATE),
                new Card("Click rate", now.clickRate(), before.clickRate(), Card.Kind.RATE),
                new Card("Conversions", now.conversions(), before.conversions(), Card.Kind.COUNT)));
        model.addAttribute("revenue", revenueCards(period));
        return "home-figures :: figures";
    }

    /** The stage flows of the period, for the Sankey chart: the stages in order, and the moves between them. */
    @GetMapping(path = ConsolePaths.STAGE_FLOWS, produces = MediaType.APPLICATION_JSON_VALUE)
    @ResponseBody
    StageFlowChart stageFlows(@RequestParam(required = false) String from, @RequestParam(required = false) String to) {
        ReportPeriod period = ConsolePeriod.of(from, to, settings, clock).period();
        return new StageFlowChart(stages.stages(), stageStatistics.flows(period.start(), period.end()));
    }

    private Figures figures(ReportPeriod period) {
        Map<String, Long> sums = new LinkedHashMap<>();
        for (Tallies.DayTotal total : tallies.dailyTotals(MessageFigure.SERIES, null, null, period.from(),
                period.to())) {
            sums.merge(total.tally().figure(), total.amount(), Long::sum);
        }
        MessageAnalyticsController.Figures messages = MessageAnalyticsController.Figures.of(sums);
        long conversions = catalog.journeys().stream().mapToLong(journey -> journeyFigures.journey(journey.key(),
                period.from().toString(), period.to().toString(), null).converted()).sum();
        return new Figures(messages.sent(), rate(messages.uniqueOpens(), messages.sent()),
                rate(messages.uniqueClicks(), messages.sent()), conversions);
    }

    private List<RevenueCard> revenueCards(ConsolePeriod period) {
        Map<String, BigDecimal> before = new LinkedHashMap<>();
        revenue.revenue(period.previous().from().toString(), period.previous().to().toString(), null).totals()
                .forEach(amount -> before.put(amount.currency(), amount.revenue()));
        List<RevenueCard> cards = new ArrayList<>();
        revenue.revenue(period.from(), period.to(), null).totals().forEach(amount -> cards.add(new RevenueCard(
                amount.currency(), amount.revenue(), amount.orders(), before.getOrDefault(amount.currency(),
                BigDecimal.ZERO))));
        return cards;
    }

    private static Double rate(long part, long whole) {
        return whole == 0 ? null : (double) part / whole;
    }

    private record Figures(long sent, Double openRate, Double clickRate, long conversions) {
    }

    /**
     * One figure of the period beside the previous period's.
     *
     * @param now    this period's figure (a count, or a rate from 0 to 1), or null when it has none
     * @param before the previous period's, or null
     */
    record Card(String label, Number now, Number before, Kind kind) {

        enum Kind { COUNT, RATE }

        /** The change from before, as a share of before (counts) or in points (rates); null when there is none. */
        public Double change() {
            if (now == null || before == null) {
                return null;
            }
            if (kind == Kind.RATE) {
                return now.doubleValue() - before.doubleValue();
            }
            return before.doubleValue() == 0 ? null : (now.doubleValue() - before.doubleValue()) / before.doubleValue();
        }
    }

    /** Revenue attributed to journeys' emails in one currency, and the previous period's. */
    record RevenueCard(String currency, BigDecimal now, long orders, BigDecimal before) {
    }

    /** The Sankey chart's data. */
    record StageFlowChart(List<String> stages, List<StageStatistics.Flow> flows) {
    }
}
