package io.stageflow.events;

/** Where an accepted event stands with the trigger router. */
public enum EventStatus {
    /** Waiting to be routed, possibly after a retry delay. */
    PENDING,
    /** Handed to the journeys: started, correlated, or nobody listens (the outcome says which). */
    ROUTED,
    /** A running journey could still have waited for it, but did not reach its catch in time. */
    UNMATCHED,
    /** Routing failed on every attempt; the outcome holds the last error. */
    FAILED
}
