package io.stageflow.predictions;

import java.time.Duration;

import io.stageflow.jobs.BackgroundJobs;
import io.stageflow.jobs.JobKind;

import org.springframework.batch.core.Job;
import org.springframework.batch.core.JobExecution;
import org.springframework.batch.core.JobParameters;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

/** The scoring job, to the shared job plumbing: one at a time over the cluster, on a node's background threads. */
@Component
class PredictionJobKind implements JobKind {

    private final Job job;
    private final PredictionsProperties properties;

    PredictionJobKind(@Qualifier("predictionScoringJob") Job job, PredictionsProperties properties) {
        this.job = job;
        this.properties = properties;
    }

    @Override
    public String name() {
        return PredictionJobConfiguration.JOB;
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
