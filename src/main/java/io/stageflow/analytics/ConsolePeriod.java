package io.stageflow.analytics;

import java.time.Clock;
import java.time.LocalDate;

import io.stageflow.web.InvalidInputException;

/**
 * The period a console page shows: the days the date-range picker chose, or the last 30 days to today when it chose
 * none; a period the API would refuse is shown as the last 30 days, with the reason to put beside the picker.
 *
 * @param period  the days shown
 * @param problem why the chosen days were not shown, or null
 */
record ConsolePeriod(ReportPeriod period, String problem) {

    static final int DEFAULT_DAYS = 30;

    static ConsolePeriod of(String from, String to, AnalyticsProperties settings, Clock clock) {
        if ((from == null || from.isBlank()) && (to == null || to.isBlank())) {
            return new ConsolePeriod(lastDays(settings, clock), null);
        }
        try {
            return new ConsolePeriod(ReportPeriod.parse(from, to, settings), null);
        } catch (InvalidInputException e) {
            return new ConsolePeriod(lastDays(settings, clock), e.violations().stream()
                    .map(violation -> "\"" + violation.field() + "\" " + violation.message())
                    .collect(java.util.stream.Collectors.joining("; ")));
        }
    }

    private static ReportPeriod lastDays(AnalyticsProperties settings, Clock clock) {
        LocalDate today = LocalDate.ofInstant(clock.instant(), settings.timeZone());
        return new ReportPeriod(today.minusDays(DEFAULT_DAYS - 1), today, settings.timeZone());
    }

    /** The same number of days just before this period, for the figures compared with it. */
    ReportPeriod previous() {
        return new ReportPeriod(period.from().minusDays(period.days()), period.from().minusDays(1), period.zone());
    }

    // Public, as the pages' expressions call only public methods.

    /** The first day, as the date picker takes it. */
    public String from() {
        return period.from().toString();
    }

    /** The last day, as the date picker takes it. */
    public String to() {
        return period.to().toString();
    }

    /** The number of days. */
    public long days() {
        return period.days();
    }
}
