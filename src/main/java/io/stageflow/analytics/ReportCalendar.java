package io.stageflow.analytics;

import java.time.ZoneId;

import io.stageflow.support.TallyCalendar;

import org.springframework.stereotype.Component;

/** Tallies keep their daily totals in the days reports are cut in: {@code stageflow.analytics.time-zone}. */
@Component
class ReportCalendar implements TallyCalendar {

    private final AnalyticsProperties settings;

    ReportCalendar(AnalyticsProperties settings) {
        this.settings = settings;
    }

    @Override
    public ZoneId zone() {
        return settings.timeZone();
    }
}
