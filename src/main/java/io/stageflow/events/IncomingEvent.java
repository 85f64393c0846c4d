package io.stageflow.events;

import java.time.OffsetDateTime;
import java.util.Map;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * One event as an integration posts it. {@code messageId} is the client's idempotency key; {@code timestamp}
 * is when it happened (defaults to when it was received).
 */
public record IncomingEvent(
        @NotBlank @Size(max = 100) String messageId,
        @NotBlank @Pattern(regexp = "[a-z][a-z0-9_]{0,63}", message = "must be snake_case, such as signed_up or order_completed")
        String type,
        @NotBlank @Size(max = 100) String customerId,
        OffsetDateTime timestamp,
        Map<String, Object> properties) {
}
