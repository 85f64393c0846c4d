package io.stageflow.analytics;

import java.time.Duration;

import io.stageflow.support.PollingWorker;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The background worker that takes each day's stage snapshot ({@link StageSnapshots}): it looks once a minute
 * whether yesterday's is taken, so a day's snapshot is normally taken within a minute of its end.
 */
@Configuration(proxyBeanMethods = false)
class StageSnapshotConfiguration {

    private static final Duration LOOK_EVERY = Duration.ofMinutes(1);

    @Bean
    PollingWorker stageSnapshotWorker(StageSnapshots snapshots) {
        return new PollingWorker("stage-snapshot", LOOK_EVERY, snapshots::takeDue);
    }
}
