package io.stageflow.customers;

import java.math.BigDecimal;
import java.time.Instant;

/** What the customer has bought so far, kept up to date as {@code order_completed} events are routed. */
public record OrderStats(int count, BigDecimal total, Instant lastOrderAt) {
}
