package io.stageflow.events;

/**
 * Whether anything acts on events of a type now: a journey that starts on it or waits for it, or an effect of the
 * event on the customer. The events Stageflow observes itself ({@link ObservedEvents}: deliveries, opens, clicks)
 * come by the thousand after a broadcast, and most types of them move nothing; those are stored as routed at once,
 * so that the router neither reads nor updates them. Implemented where journeys are known.
 */
public interface EventInterest {

    /** The outcome stored with an event that nothing acted on, as the router would have written it. */
    String NOTHING_ACTS_ON_IT = "No journey starts on or waits for this event";

    /** False only when no journey (of any version) and no effect can act on an event of this type. */
    boolean actsOn(String eventType);
}
