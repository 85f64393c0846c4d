package io.stageflow.delivery;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** How one attempt at a channel's message went ({@link ChannelAdapter#deliver}). */
public sealed interface ChannelResult {

    /**
     * The provider or receiver took the message. {@code providerMessageId} (an SMS's SID, a WhatsApp message id) is
     * what its status callbacks name it by, or null; {@code recipient} what the message log shows it went to (a
     * number, an endpoint name); {@code summary} what it shows of the message; {@code variables} what the step asked
     * to keep of the answer, set on the journey instance (empty for none).
     */
    record Delivered(String providerMessageId, String recipient, String summary, Map<String, Object> variables)
            implements ChannelResult {
        public Delivered {
            // A kept field may be null (the answer lacked it): the variable is then set to null.
            variables = variables == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(variables));
        }
    }

    /**
     * A temporary failure (a timeout, a 5xx, 408, 429): tried again with the outbox's backoff, or after
     * {@code retryAfter} when the receiver said (null otherwise), until the attempts run out.
     */
    record Retry(String reason, Duration retryAfter) implements ChannelResult {

        /**
         * The wait a receiver asked for in its {@code Retry-After} header: seconds, or an HTTP date; null when it
         * said none, or nothing readable.
         */
        public static Duration after(HttpHeaders headers, Instant now) {
            String value = headers.firstValue("Retry-After").map(String::strip).orElse("");
            if (value.matches("\\d{1,9}")) {
                return Duration.ofSeconds(Long.parseLong(value));
            }
            try {
                Duration wait = Duration.between(now, ZonedDateTime.parse(value,
                        DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return wait.isNegative() ? Duration.ZERO : wait;
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }

    /** A failure that no retry mends (a 4xx): the row fails at once, and its journey gets an incident. */
    record Failed(String reason) implements ChannelResult {
    }

    /**
     * The address cannot be reached (a number that does not exist, an endpoint gone for good with 410): the row fails
     * without an incident, and the adapter has already suppressed the address or disabled the endpoint.
     */
    record Unreachable(String reason) implements ChannelResult {
    }

    /**
     * The request may have reached the receiver, and its answer was lost (the connection broke after the request
     * left): delivered again when the adapter is {@linkplain ChannelAdapter#safeToRepeat() safe to repeat}, else
     * flagged {@code OUTCOME_UNKNOWN}.
     */
    record Unknown(String reason) implements ChannelResult {
    }
}
