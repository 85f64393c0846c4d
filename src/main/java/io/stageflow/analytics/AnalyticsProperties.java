package io.stageflow.analytics;

import java.time.Period;
import java.time.ZoneId;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code stageflow.analytics.*}: the time zone whose days reports count in (the business's, as its marketers read
 * dates), and the longest period one report may cover.
 *
 * @param timeZone  the zone whose calendar days {@code from} and {@code to} name
 * @param maxPeriod the longest period one report may cover
 */
@ConfigurationProperties("stageflow.analytics")
record AnalyticsProperties(@DefaultValue("UTC") ZoneId timeZone, @DefaultValue("P366D") Period maxPeriod) {
}
