package io.stageflow.analytics;

import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.stageflow.delivery.MessageFigure;
import io.stageflow.journeys.JourneyReport;
import io.stageflow.journeys.JourneyStatistics;
import io.stageflow.support.Tallies;
import io.stageflow.web.InvalidInputException;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;

/**
 * How a journey did in a period, per step and per send step's emails: one computation for the API
 * ({@link JourneyAnalyticsController}) and for the console's journey page, so the two never disagree.
 */
@Component
class JourneyFigures {

    private final JourneyStatistics statistics;
    private final Tallies tallies;
    private final AnalyticsProperties settings;

    JourneyFigures(JourneyStatistics statistics, Tallies tallies, AnalyticsProperties settings) {
        this.statistics = statistics;
        this.tallies = tallies;
        this.settings = settings;
    }

    /**
     * The journey's report for the period and version (null or blank: all versions), as the API answers it.
     *
     * @throws ResponseStatusException 404 when no such journey or version was ever deployed
     */
    JourneyAnalytics journey(String journey, String from, String to, String version) {
        ReportPeriod period = ReportPeriod.parse(from, to, settings);
        Integer wanted = version(version);
        JourneyReport report = statistics.report(journey, wanted, period.start(), period.end())
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, wanted == null
                        ? "No journey " + journey + " was ever deployed" : "Journey " + journey + " has no version " + wanted));
        Duration median = report.medianTimeToConvert();
        return new JourneyAnalytics(journey, wanted, period.from(), period.to(), period.zone().getId(),
                report.entered(), report.steps(), emails(journey, period), report.exits(), report.cancelled(),
                report.converted(), report.conversionRate(), median, median == null ? null : median.toMillis() / 1000.0);
    }

    /**
     * What became of the emails of the journey's send steps in the period, per step and template: the message
     * figures (docs/analytics.md, "Messages") of the emails the journey's steps sent, whatever the version.
     */
    private List<StepEmails> emails(String journey, ReportPeriod period) {
        String prefix = MessageFigure.sender(journey, "");
        Map<List<String>, Map<String, Long>> bySend = new TreeMap<>(
                (a, b) -> (a.get(0) + "\u0000" + a.get(1)).compareTo(b.get(0) + "\u0000" + b.get(1)));
        for (Tallies.DayTotal total : tallies.dailyTotalsByElementPrefix(MessageFigure.SERIES, prefix, period.from(),
                period.to())) {
            String step = total.tally().element().substring(prefix.length());
            bySend.computeIfAbsent(List.of(step, total.tally().subject()), key -> new HashMap<>())
                    .merge(total.tally().figure(), total.amount(), Long::sum);
        }
        List<StepEmails> emails = new ArrayList<>();
        bySend.forEach((send, figures) -> emails.add(new StepEmails(send.get(0), send.get(1),
                MessageAnalyticsController.Figures.of(figures))));
        return emails;
    }

    private static Integer version(String version) {
        if (version == null || version.isBlank()) {
            return null;
        }
        try {
            int number = Integer.parseInt(version.strip());
            if (number >= 1) {
                return number;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new InvalidInputException("version", "is not a journey version (1, 2, ...)");
    }

    /**
     * A journey's report for a period (see {@link JourneyReport} for each figure).
     *
     * @param journey                the journey's key
     * @param version                the version reported, or null for all
     * @param from                   the first day
     * @param to                     the last day
     * @param timeZone               the zone of the days
     * @param entered                journeys started in the period
     * @param steps                  each step: reached, completed, waiting now
     * @param emails                 each send step's emails, per template: sent, opens, clicks and the rest
     * @param exits                  each end event: journeys ended there, and whether it is a goal
     * @param cancelled              journeys cancelled in the period
     * @param converted              journeys ended at a goal in the period
     * @param conversionRate         converted over entered, or null
     * @param medianTimeToConvert    the median time from start to goal, ISO-8601, or null
     * @param medianSecondsToConvert the same in seconds, or null
     */
    record JourneyAnalytics(String journey, Integer version, LocalDate from, LocalDate to, String timeZone,
            long entered, List<JourneyReport.Step> steps, List<StepEmails> emails, List<JourneyReport.Exit> exits,
            long cancelled,
            long converted, Double conversionRate, Duration medianTimeToConvert, Double medianSecondsToConvert) {
    }

    /** The emails one send step sent with one template, and what became of them. */
    record StepEmails(String step, String template, MessageAnalyticsController.Figures figures) {
    }
}
