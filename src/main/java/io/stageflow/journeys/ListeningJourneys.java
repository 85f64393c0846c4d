package io.stageflow.journeys;

import io.stageflow.events.EventInterest;

import org.springframework.stereotype.Component;

/**
 * Tells the events feature which event types something acts on, as the router decides it ({@link
 * EventRouting#actsOn}), from the journeys deployed when it last looked: it looks again once
 * {@code stageflow.journeys.router.listening-refresh} has passed, or at once after a deployment on this node
 * ({@link DeployedJourneysWatch}), not for every batch of opens.
 */
@Component
class ListeningJourneys implements EventInterest {

    private final EventRouting routing;
    private final JourneyModels models;
    private final DeployedJourneysWatch deployments;
    private final long refreshNanos;
    private volatile Snapshot last;

    ListeningJourneys(EventRouting routing, JourneyModels models, DeployedJourneysWatch deployments,
            JourneysProperties properties) {
        this.routing = routing;
        this.models = models;
        this.deployments = deployments;
        this.refreshNanos = properties.router().listeningRefresh().toNanos();
    }

    @Override
    public boolean actsOn(String eventType) {
        return routing.actsOn(eventType, listening());
    }

    private JourneyModels.Listening listening() {
        long now = System.nanoTime();
        long generation = deployments.generation();
        Snapshot snapshot = last;
        if (snapshot == null || snapshot.generation() != generation || now - snapshot.readAt() >= refreshNanos) {
            snapshot = new Snapshot(models.listening(), now, generation);
            last = snapshot;
        }
        return snapshot.listening();
    }

    /**
     * What was read of the deployed journeys, when ({@link System#nanoTime}), and at which generation of this node's
     * deployments (read before the journeys were).
     */
    private record Snapshot(JourneyModels.Listening listening, long readAt, long generation) {
    }
}
