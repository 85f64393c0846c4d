package io.stageflow.delivery;

import java.time.Instant;

/**
 * One email a journey asked to send to a customer, and what became of it: the "why did this customer get (or not
 * get) this email" view. {@code reason} explains a suppression, a skip, a withdrawal, a failure or the last retry;
 * {@code priority} is its place in line ({@link SendPriority}, lower case).
 */
public record MessageLogEntry(
        long id,
        String template,
        String category,
        String journey,
        String journeyInstanceId,
        String step,
        String status,
        int attempts,
        Instant queuedAt,
        Instant nextAttemptAt,
        Instant sentAt,
        String recipient,
        String subject,
        String reason,
        String priority) {
}
