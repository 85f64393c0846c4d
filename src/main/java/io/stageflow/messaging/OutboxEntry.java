package io.stageflow.messaging;

/** An outbox row as the dispatcher needs it. */
record OutboxEntry(
        long id,
        String idempotencyKey,
        String customerId,
        String templateKey,
        EmailCategory category,
        String journeyKey,
        String journeyInstanceId,
        String stepId,
        int attempts,
        boolean respectQuietHours) {
}
