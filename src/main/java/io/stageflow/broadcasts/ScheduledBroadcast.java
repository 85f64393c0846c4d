package io.stageflow.broadcasts;

import java.time.Instant;

/**
 * A broadcast scheduled for a later instant, as the API and the console show it: what it will send, when, and what
 * became of it ({@code SCHEDULED}, {@code STARTED} with its job's id once launched, {@code CANCELLED}, or
 * {@code FAILED} when its segment or template could no longer be sent at its time, with the reason).
 */
record ScheduledBroadcast(
        String id,
        String segment,
        String template,
        String category,
        String name,
        Instant scheduledAt,
        String status,
        Long jobExecutionId,
        String error,
        String createdBy,
        Instant createdAt) {

    static final String SCHEDULED = "SCHEDULED";
    static final String STARTED = "STARTED";
    static final String CANCELLED = "CANCELLED";
    static final String FAILED = "FAILED";

    public boolean cancellable() {
        return SCHEDULED.equals(status);
    }

    /** When it starts, in UTC, for a page whose script shows it in the user's own zone. */
    public String scheduledUtc() {
        return BroadcastPages.UTC.format(scheduledAt);
    }

    /** What the broadcast's job is started with. */
    Broadcasts.BroadcastRequest request() {
        return new Broadcasts.BroadcastRequest(id, segment, template, category, name);
    }
}
