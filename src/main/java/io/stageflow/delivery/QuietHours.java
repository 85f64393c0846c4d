package io.stageflow.delivery;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/** No marketing email between {@code start} and {@code end} local time (the window may span midnight). */
record QuietHours(LocalTime start, LocalTime end) implements SendingWindow {

    @Override
    public Instant nextAllowed(Instant at, ZoneId recipientZone) {
        if (start.equals(end)) {
            return at;
        }
        ZonedDateTime local = at.atZone(recipientZone);
        LocalTime time = local.toLocalTime();
        boolean spansMidnight = start.isAfter(end);
        boolean quiet = spansMidnight ? !time.isBefore(start) || time.isBefore(end)
                : !time.isBefore(start) && time.isBefore(end);
        if (!quiet) {
            return at;
        }
        ZonedDateTime endToday = local.with(end);
        ZonedDateTime next = spansMidnight && !time.isBefore(start) ? endToday.plusDays(1) : endToday;
        return next.toInstant();
    }

    @Override
    public String describe() {
        return "quiet hours " + start + "-" + end;
    }
}
