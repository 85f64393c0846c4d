package io.stageflow.analytics;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;

import io.stageflow.web.Csv;
import io.stageflow.support.Tallies;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/analytics/nps?from&to[&survey]}: the Net Promoter Score of the survey answers given in the
 * period, with the counts of promoters (9 and 10), passives (7 and 8) and detractors (0 to 6), for the whole period
 * and month by month (docs/analytics.md, "NPS"). Reads the score tallies {@link SurveyScores} keeps. JSON, or CSV.
 * Marketers, operators and admins.
 */
@RestController
class NpsAnalyticsController {

    private final Tallies tallies;
    private final AnalyticsProperties settings;

    NpsAnalyticsController(Tallies tallies, AnalyticsProperties settings) {
        this.tallies = tallies;
        this.settings = settings;
    }

    @GetMapping(path = "/api/v1/analytics/nps", produces = "application/json")
    NpsReport nps(@RequestParam(required = false) String from, @RequestParam(required = false) String to,
            @RequestParam(required = false) String survey) {
        ReportPeriod period = ReportPeriod.parse(from, to, settings);
        String subject = survey == null || survey.isBlank() ? null : survey.strip();
        List<MonthNps> months = new ArrayList<>();
        long[] all = new long[3];
        for (YearMonth month = YearMonth.from(period.from()); !month.isAfter(YearMonth.from(period.to()));
                month = month.plusMonths(1)) {
            LocalDate first = month.atDay(1).isBefore(period.from()) ? period.from() : month.atDay(1);
            LocalDate last = month.atEndOfMonth().isAfter(period.to()) ? period.to() : month.atEndOfMonth();
            long[] counts = new long[3];
            for (Tallies.Total total : tallies.periodTotals(subject == null ? SurveyScores.ALL_SURVEYS
                    : SurveyScores.SERIES, subject == null ? "" : subject, null,
                    first.atStartOfDay(period.zone()).toInstant(),
                    last.plusDays(1).atStartOfDay(period.zone()).toInstant())) {
                String figure = total.tally().figure();
                if (figure.startsWith(SurveyScores.FIGURE)) {
                    int score = Integer.parseInt(figure.substring(SurveyScores.FIGURE.length()));
                    counts[score >= 9 ? 0 : score >= 7 ? 1 : 2] += total.amount();
                }
            }
            for (int i = 0; i < 3; i++) {
                all[i] += counts[i];
            }
            months.add(new MonthNps(month.toString(), Nps.of(counts)));
        }
        return new NpsReport(period.from(), period.to(), period.zone().getId(), subject, Nps.of(all), months);
    }

    @GetMapping(path = "/api/v1/analytics/nps", produces = Csv.MEDIA_TYPE)
    ResponseEntity<String> npsCsv(@RequestParam(required = false) String from,
            @RequestParam(required = false) String to, @RequestParam(required = false) String survey) {
        NpsReport report = nps(from, to, survey);
        List<List<Object>> lines = new ArrayList<>();
        for (MonthNps month : report.months()) {
            lines.add(line(month.month(), month.nps()));
        }
        lines.add(line("total", report.total()));
        return Csv.of("nps-" + report.from() + "-" + report.to(),
                List.of("month", "answers", "promoters", "passives", "detractors", "nps"), lines);
    }

    private static List<Object> line(String month, Nps nps) {
        List<Object> line = new ArrayList<>(List.of(month, nps.answers(), nps.promoters(), nps.passives(),
                nps.detractors()));
        line.add(nps.nps());
        return line;
    }

    /** The NPS of the period, in total and per calendar month (the first and last cut to the period). */
    record NpsReport(LocalDate from, LocalDate to, String timeZone, String survey, Nps total, List<MonthNps> months) {
    }

    /** One month's NPS ({@code 2036-03}). */
    record MonthNps(String month, Nps nps) {
    }

    /**
     * The answers and their NPS.
     *
     * @param nps the percentage of promoters minus the percentage of detractors, from -100 to 100, rounded half away
     *            from zero to one decimal; null when there are no answers
     */
    record Nps(long answers, long promoters, long passives, long detractors, BigDecimal nps) {

        static Nps of(long[] counts) {
            long answers = counts[0] + counts[1] + counts[2];
            BigDecimal nps = answers == 0 ? null : BigDecimal.valueOf(100 * (counts[0] - counts[2]))
                    .divide(BigDecimal.valueOf(answers), 1, RoundingMode.HALF_UP);
            return new Nps(answers, counts[0], counts[1], counts[2], nps);
        }
    }
}
