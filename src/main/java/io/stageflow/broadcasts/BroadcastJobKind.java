package io.stageflow.broadcasts;

import java.time.Duration;

import io.stageflow.jobs.BackgroundJobs;
import io.stageflow.jobs.JobKind;

import org.springframework.batch.core.Job;
import org.springframework.batch.core.JobExecution;
import org.springframework.batch.core.JobParameters;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

/**
 * Broadcasts, to the shared job plumbing: {@code stageflow.broadcasts.concurrent-jobs} of them run at once on a
 * node's background threads, and one counts as abandoned after its partitions' stale time.
 */
@Component
class BroadcastJobKind implements JobKind {

    private final Job job;
    private final BroadcastProperties properties;

    BroadcastJobKind(@Qualifier("broadcastJob") Job job, BroadcastProperties properties) {
        this.job = job;
        this.properties = properties;
    }

    @Override
    public String name() {
        return BroadcastJobConfiguration.JOB;
    }

    @Override
    public Duration staleAfter() {
        return properties.effectiveStaleAfter();
    }

    @Override
    public JobExecution relaunch(JobParameters parameters, BackgroundJobs background) {
        return background.launch(job, parameters);
    }

    @Override
    public int backgroundThreads() {
        return properties.concurrentJobs();
    }
}
