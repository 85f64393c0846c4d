package io.stageflow.delivery;

import io.stageflow.templates.RenderedEmail;

/**
 * Implemented by the feature that tracks opens and clicks (tracking), so that the outbox can have each email made
 * trackable just before it is sent without knowing how: the dispatcher hands over the rendered email of one outbox
 * row and sends what it gets back. Called again for the same row when a send is retried; the result must then carry
 * the same links.
 */
public interface EmailTracking {

    /** The email to send for this outbox row: {@code rendered} with its links and open pixel made trackable. */
    RenderedEmail track(SentEmail email, RenderedEmail rendered);

    /** The outbox row being sent: its id, customer, template, and the journey and step (null outside a journey). */
    record SentEmail(long outboxId, String customerId, String templateKey, String journeyKey, String stepId) {
    }
}
