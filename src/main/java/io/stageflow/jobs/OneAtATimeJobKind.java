package io.stageflow.jobs;

import java.time.Duration;

import org.springframework.batch.core.Job;
import org.springframework.batch.core.JobExecution;
import org.springframework.batch.core.JobParameters;

/** {@link JobKind#oneAtATime}: exclusive over the cluster, one background thread, Spring Batch's counters only. */
record OneAtATimeJobKind(String name, Job job, Duration staleAfter) implements JobKind {

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
