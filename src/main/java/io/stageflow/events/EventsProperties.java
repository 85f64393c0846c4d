package io.stageflow.events;

import java.time.Duration;
import java.time.Instant;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Limits of the ingestion API: {@code stageflow.events.max-batch-size}, and the window an event's {@code timestamp}
 * must fall in, from {@code earliest-timestamp} to now plus {@code timestamp-max-ahead} (a sender's clock may run
 * a little fast; a year 0001 or +99999 is a bug, not an event).
 *
 * @param maxBatchSize      the most events one batch request may carry
 * @param earliestTimestamp the earliest event timestamp accepted
 * @param timestampMaxAhead how far ahead of now an event timestamp may be
 */
@ConfigurationProperties("stageflow.events")
record EventsProperties(
        @DefaultValue("500") int maxBatchSize,
        @DefaultValue("2000-01-01T00:00:00Z") Instant earliestTimestamp,
        @DefaultValue("P1D") Duration timestampMaxAhead) {
}
