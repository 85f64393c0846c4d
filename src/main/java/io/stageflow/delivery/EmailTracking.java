package io.stageflow.delivery;

import java.time.Instant;
import java.util.List;

import io.stageflow.templates.RenderedEmail;

/**
 * Implemented by the feature that tracks opens and clicks (tracking), so that the outbox can have each email made
 * trackable just before it is sent without knowing how: the dispatcher hands over the rendered email of one outbox
 * row and sends what it gets back, once the links it names are recorded. Called again for the same row when a send
 * is retried; the result must then carry the same links. Preparing writes nothing, so that the emails of a
 * dispatcher's lanes are prepared in parallel and recorded together, in one transaction, before any of them leaves.
 */
public interface EmailTracking {

    /** {@code rendered} with its links and open pixel made trackable, and what must be recorded before it is sent. */
    Tracked prepare(SentEmail email, RenderedEmail rendered);

    /** Records the links and sends of these prepared emails, in the caller's transaction. */
    void recordAll(List<Tracked> emails);

    /** Prepares the email and records it at once: the email to send for this outbox row. */
    default RenderedEmail track(SentEmail email, RenderedEmail rendered) {
        Tracked tracked = prepare(email, rendered);
        recordAll(List.of(tracked));
        return tracked.email();
    }

    /**
     * The outbox row being sent: its id, customer, template, and the journey and step (null outside a journey);
     * {@code firstAttempt} when no earlier attempt of the row can have recorded anything.
     */
    record SentEmail(long outboxId, String customerId, String templateKey, String journeyKey, String stepId,
            boolean firstAttempt) {
    }

    /**
     * An email made trackable: what to send, and, when {@code recorded}, the send and its {@code links} (by index)
     * that must be in the database before the email leaves.
     */
    record Tracked(SentEmail sent, RenderedEmail email, List<String> links, boolean recorded, Instant at) {
    }
}
