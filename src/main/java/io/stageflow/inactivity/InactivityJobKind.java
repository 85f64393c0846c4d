package io.stageflow.inactivity;

import java.time.Duration;

import io.stageflow.jobs.BackgroundJobs;
import io.stageflow.jobs.JobKind;

import org.springframework.batch.core.Job;
import org.springframework.batch.core.JobExecution;
import org.springframework.batch.core.JobParameters;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

/** The inactivity scan, to the shared job plumbing: one at a time over the cluster, on a node's background threads. */
@Component
class InactivityJobKind implements JobKind {

    private final Job job;
    private final InactivityProperties properties;

    InactivityJobKind(@Qualifier("inactivityScanJob") Job job, InactivityProperties properties) {
        this.job = job;
        this.properties = properties;
    }

    @Override
    public String name() {
        return InactivityJobConfiguration.JOB;
    }

    @Override
    public Duration staleAfter() {
        return properties.staleAfter();
    }

    @Override
    public JobExecution relaunch(JobParameters parameters, BackgroundJobs background) {
        return background.launch(job, parameters);
    }

    @Override
    public boolean exclusive() {
        return true;
    }

    @Override
    public int backgroundThreads() {
        return 1;
    }
}
