package io.stageflow.analytics;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import io.stageflow.web.FieldViolation;
import io.stageflow.web.InvalidInputException;

/**
 * The days a report covers, {@code from} to {@code to} inclusive, in the analytics time zone, as every analytics
 * endpoint takes them ({@code ?from=2026-03-01&to=2026-03-31}); and the instants they start and end at. A missing or
 * malformed date, {@code to} before {@code from}, or a period longer than {@code stageflow.analytics.max-period} is
 * refused naming the field.
 *
 * @param from the first day
 * @param to   the last day
 * @param zone the zone of the days
 */
record ReportPeriod(LocalDate from, LocalDate to, ZoneId zone) {

    static ReportPeriod parse(String from, String to, AnalyticsProperties settings) {
        List<FieldViolation> problems = new ArrayList<>();
        LocalDate start = date("from", from, problems);
        LocalDate end = date("to", to, problems);
        if (start != null && end != null) {
            if (end.isBefore(start)) {
                problems.add(new FieldViolation("to", "is before from"));
            } else if (end.isAfter(start.plus(settings.maxPeriod()).minusDays(1))) {
                problems.add(new FieldViolation("to", "makes the period longer than " + settings.maxPeriod().getDays()
                        + " days (stageflow.analytics.max-period)"));
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidInputException(problems);
        }
        return new ReportPeriod(start, end, settings.timeZone());
    }

    private static LocalDate date(String field, String value, List<FieldViolation> problems) {
        if (value == null || value.isBlank()) {
            problems.add(new FieldViolation(field, "is required: a date such as 2026-03-01"));
            return null;
        }
        try {
            return LocalDate.parse(value.strip());
        } catch (DateTimeParseException e) {
            problems.add(new FieldViolation(field, "is not a date such as 2026-03-01"));
            return null;
        }
    }

    /** The start of {@code from} in the zone. */
    Instant start() {
        return from.atStartOfDay(zone).toInstant();
    }

    /** The start of the day after {@code to}: the end, exclusive. */
    Instant end() {
        return to.plusDays(1).atStartOfDay(zone).toInstant();
    }

    long days() {
        return ChronoUnit.DAYS.between(from, to) + 1;
    }
}
