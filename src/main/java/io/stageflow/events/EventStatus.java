package io.stageflow.events;

/** Where an accepted event stands with the trigger router. */
public enum EventStatus {
    /** Waiting to be routed, possibly after a retry delay. */
    PENDING,
    /** Handed to the journeys: started, correlated, or nobody listens (the outcome says which). */
    ROUTED,
    /** A running journey could still have waited for it, but did not reach its catch in time. */
    UNMATCHED,
    /**
     * Routing failed for a reason retrying cannot cure (the event's data, a journey's broken expression), or a
     * transient failure outlasted every retry; the outcome holds the error. It no longer holds back the customer's
     * later events. An operator lists these and retries one after the cause is fixed (docs/events.md).
     */
    DEAD_LETTERED
}
