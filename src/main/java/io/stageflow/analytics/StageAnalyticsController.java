package io.stageflow.analytics;

import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.stageflow.web.Csv;
import io.stageflow.customers.LifecycleStages;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The stage economy for a period (docs/analytics.md, "Stages"), as JSON or, with {@code Accept: text/csv}, CSV:
 * {@code GET /api/v1/analytics/stages} (customers per stage per day), {@code .../stages/flows} (moves from stage to
 * stage, for a Sankey chart), {@code .../stages/time-in-stage} (median time in each stage) and
 * {@code /api/v1/analytics/churn} (per month). Each takes {@code from} and {@code to}. Marketers, operators, admins.
 */
@RestController
class StageAnalyticsController {

    private final StageStatistics statistics;
    private final StageSnapshots snapshots;
    private final LifecycleStages stages;
    private final AnalyticsProperties settings;

    StageAnalyticsController(StageStatistics statistics, StageSnapshots snapshots, LifecycleStages stages,
            AnalyticsProperties settings) {
        this.statistics = statistics;
        this.snapshots = snapshots;
        this.stages = stages;
        this.settings = settings;
    }

    @GetMapping(path = "/api/v1/analytics/stages", produces = "application/json")
    StageDays days(@RequestParam(required = false) String from, @RequestParam(required = false) String to) {
        ReportPeriod period = ReportPeriod.parse(from, to, settings);
        Map<LocalDate, Map<String, Long>> taken = snapshots.between(period.from(), period.to());
        List<String> names = new ArrayList<>(stages.stages());
        taken.values().forEach(counts -> counts.keySet().stream().filter(stage -> !names.contains(stage))
                .sorted().forEach(names::add));
        List<StageDay> days = new ArrayList<>();
        for (LocalDate day = period.from(); !day.isAfter(period.to()); day = day.plusDays(1)) {
            Map<String, Long> counts = taken.get(day);
            if (counts == null) {
                days.add(new StageDay(day, false, null));
            } else {
                Map<String, Long> all = new LinkedHashMap<>();
                names.forEach(stage -> all.put(stage, counts.getOrDefault(stage, 0L)));
                days.add(new StageDay(day, true, all));
            }
        }
        return new StageDays(period.from(), period.to(), period.zone().getId(), List.copyOf(names), days);
    }

    @GetMapping(path = "/api/v1/analytics/stages", produces = Csv.MEDIA_TYPE)
    ResponseEntity<String> daysCsv(@RequestParam(required = false) String from,
            @RequestParam(required = false) String to) {
        StageDays report = days(from, to);
        List<List<Object>> rows = new ArrayList<>();
        for (StageDay day : report.days()) {
            if (day.customers() != null) {
                day.customers().forEach((stage, customers) -> rows.add(List.of(day.day(), stage, customers)));
            }
        }
        return Csv.of("stages-" + report.from() + "-" + report.to(), List.of("day", "stage", "customers"), rows);
    }

    @GetMapping(path = "/api/v1/analytics/stages/flows", produces = "application/json")
    StageFlows flows(@RequestParam(required = false) String from, @RequestParam(required = false) String to) {
        ReportPeriod period = ReportPeriod.parse(from, to, settings);
        List<StageStatistics.Flow> flows = statistics.flows(period.start(), period.end());
        return new StageFlows(period.from(), period.to(), period.zone().getId(),
                flows.stream().mapToLong(StageStatistics.Flow::count).sum(), flows);
    }

    @GetMapping(path = "/api/v1/analytics/stages/flows", produces = Csv.MEDIA_TYPE)
    ResponseEntity<String> flowsCsv(@RequestParam(required = false) String from,
            @RequestParam(required = false) String to) {
        StageFlows report = flows(from, to);
        List<List<Object>> rows = report.flows().stream()
                .map(flow -> Arrays.<Object>asList(flow.from(), flow.to(), flow.count())).toList();
        return Csv.of("stage-flows-" + report.from() + "-" + report.to(), List.of("from", "to", "count"), rows);
    }

    @GetMapping(path = "/api/v1/analytics/stages/time-in-stage", produces = "application/json")
    StageTimes timeInStage(@RequestParam(required = false) String from, @RequestParam(required = false) String to) {
        ReportPeriod period = ReportPeriod.parse(from, to, settings);
        List<StageTime> times = statistics.timeInStage(period.start(), period.end()).stream()
                .map(time -> new StageTime(time.stage(), time.moves(), time.medianSeconds(),
                        time.medianSeconds() == null ? null
                                : Duration.ofMillis(Math.round(time.medianSeconds() * 1000))))
                .toList();
        return new StageTimes(period.from(), period.to(), period.zone().getId(), times);
    }

    @GetMapping(path = "/api/v1/analytics/stages/time-in-stage", produces = Csv.MEDIA_TYPE)
    ResponseEntity<String> timeInStageCsv(@RequestParam(required = false) String from,
            @RequestParam(required = false) String to) {
        StageTimes report = timeInStage(from, to);
        List<List<Object>> rows = report.stages().stream()
                .map(time -> Arrays.<Object>asList(time.stage(), time.moves(), time.medianSeconds())).toList();
        return Csv.of("time-in-stage-" + report.from() + "-" + report.to(),
                List.of("stage", "moves", "median_seconds"), rows);
    }

    @GetMapping(path = "/api/v1/analytics/churn", produces = "application/json")
    ChurnReport churn(@RequestParam(required = false) String from, @RequestParam(required = false) String to) {
        ReportPeriod period = ReportPeriod.parse(from, to, settings);
        return new ChurnReport(period.from(), period.to(), period.zone().getId(), stages.lapsedStage(),
                stages.postConversionStages(), statistics.churn(period.from(), period.to(), period.zone()));
    }

    @GetMapping(path = "/api/v1/analytics/churn", produces = Csv.MEDIA_TYPE)
    ResponseEntity<String> churnCsv(@RequestParam(required = false) String from,
            @RequestParam(required = false) String to) {
        ChurnReport report = churn(from, to);
        List<List<Object>> rows = report.months().stream()
                .map(month -> Arrays.<Object>asList(month.month(), month.lapsed(), month.base(), month.rate(),
                        month.lapsedFromOtherStages(), month.baseDay()))
                .toList();
        return Csv.of("churn-" + report.from() + "-" + report.to(),
                List.of("month", "lapsed", "base", "rate", "lapsed_from_other_stages", "base_day"), rows);
    }

    /**
     * Customers per stage at the end of each day of the period.
     *
     * @param stages the stages, configured ones first, in order
     * @param days   every day of the period; a day without a snapshot has {@code taken} false
     */
    record StageDays(LocalDate from, LocalDate to, String timeZone, List<String> stages, List<StageDay> days) {
    }

    /**
     * One day's snapshot: customers per stage at the end of the day; {@code taken} false and no {@code customers}
     * when none was taken (the application was down when the day ended, or the day has not ended yet).
     */
    record StageDay(LocalDate day, boolean taken, Map<String, Long> customers) {
    }

    /** The moves between stages in the period, in stage order (from, then to); {@code moves} is their sum. */
    record StageFlows(LocalDate from, LocalDate to, String timeZone, long moves, List<StageStatistics.Flow> flows) {
    }

    /** The median time in each configured stage, from the moves out of it in the period. */
    record StageTimes(LocalDate from, LocalDate to, String timeZone, List<StageTime> stages) {
    }

    /**
     * @param stage         the stage left
     * @param moves         the moves out of it in the period that the median is based on
     * @param medianSeconds the median time spent in the stage before those moves, in seconds, or null
     * @param medianTime    the same, ISO-8601, or null
     */
    record StageTime(String stage, long moves, Double medianSeconds, Duration medianTime) {
    }

    /** Churn per calendar month, with the stages the base counts and the stage the moves go to. */
    record ChurnReport(LocalDate from, LocalDate to, String timeZone, String lapsedStage,
            List<String> postConversionStages, List<StageStatistics.Churn> months) {
    }
}
