package io.stageflow.delivery;

import java.time.Instant;

/**
 * One message a journey asked to send to a customer, and what became of it: the "why did this customer get (or not
 * get) this email" view. {@code channel} is its channel ({@code email}, {@code webhook}, {@code sms},
 * {@code whatsapp}); {@code template} an email's template, or {@code <channel>:<name>} for another channel's message.
 * {@code reason} explains a suppression, a skip, a withdrawal, a failure or the last retry; {@code priority} is its
 * place in line ({@link SendPriority}, lower case). {@code deliveredAt} is when a provider reported it delivered (SMS,
 * WhatsApp), null otherwise.
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
        String priority,
        String channel,
        Instant deliveredAt) {
}
