package io.stageflow.journeys;

import java.util.List;

import org.springframework.stereotype.Component;

/**
 * The files of the journeys folder this node's start did not deploy, and why ({@link JourneyLineage}): written by
 * the deployer, read by the console. Kept apart from the deployer so that reading it never makes the deployer run
 * earlier than the start-up checks before it.
 */
@Component
class HeldBackJourneyFiles {

    private volatile List<String> reasons = List.of();

    List<String> reasons() {
        return reasons;
    }

    void set(List<String> reasons) {
        this.reasons = List.copyOf(reasons);
    }
}
