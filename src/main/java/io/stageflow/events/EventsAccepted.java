package io.stageflow.events;

/** Published inside the ingesting transaction; listeners that act after commit know new work is durable. */
public record EventsAccepted(int count) {
}
