package io.stageflow.journeys;

import java.time.Instant;
import java.util.List;

/**
 * One customer's way through a simulated journey version, step by step with simulated times, and every email as it
 * would have been rendered for them (the live templates, their real profile; nothing sent).
 */
public record SimulationTrace(String customerId, Instant from, Instant to, List<Entry> entries, List<Email> emails) {

    /**
     * Something that happened at a simulated moment: an event replayed, a step entered or left, or what a step would
     * have done (a stage change, a coupon, a segment check, a failure).
     */
    public record Entry(Instant at, String kind, String stepId, String stepName, String detail) {
    }

    /**
     * An email of the journey: queued at {@code queuedAt}, arriving at {@code arrivesAt} (null when it would not be
     * sent), with what delivery would have decided ({@code sent}, {@code deferred}, {@code skipped}, {@code suppressed})
     * and why, and its rendered subject and bodies (null with {@code problem} when the template cannot render).
     */
    public record Email(String stepId, String template, String category, Instant queuedAt, Instant arrivesAt,
            String outcome, String reason, String subject, String html, String text, String problem) {
    }
}
