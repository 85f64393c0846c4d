package io.stageflow.jobs;

import java.time.Duration;

import org.springframework.batch.core.Job;
import org.springframework.batch.core.JobExecution;
import org.springframework.batch.core.JobParameters;

/**
 * What a feature tells the shared job plumbing about a Spring Batch job it owns (the import, the inactivity scan,
 * broadcasts), so that {@code jobs} can stop, restart and report any job without knowing any feature: the job's
 * name, when a running one counts as abandoned, how it is launched again, how many a node runs at once on
 * {@link BackgroundJobs}, and what its progress reports beyond Spring Batch's own counters. A feature declares one
 * bean of this type per job.
 */
public interface JobKind {

    /** The Spring Batch job's name, as its job instances carry it. */
    String name();

    /** A running job of this kind that has committed nothing for this long counts as abandoned by its node. */
    Duration staleAfter();

    /**
     * Launches the job again, in the background, with the parameters of an earlier execution (so the same job
     * instance goes on from its last commit). Most kinds run on the shared {@code background} threads; a kind with
     * threads of its own (the import) uses those.
     */
    JobExecution relaunch(JobParameters parameters, BackgroundJobs background);

    /**
     * Whether one execution at a time makes sense over the whole cluster, so that a restart while another execution
     * runs, on any node, starts nothing ({@link ExclusiveLaunches}); the kind's own launches go through
     * {@link ExclusiveLaunches} too. Not by default.
     */
    default boolean exclusive() {
        return false;
    }

    /** How many jobs of this kind a node runs at once on {@link BackgroundJobs}; 0 when it has threads of its own. */
    default int backgroundThreads() {
        return 0;
    }

    /** What this kind's progress reports beyond Spring Batch's counters; nothing by default. */
    default ProgressKeys progress() {
        return ProgressKeys.NONE;
    }

    /**
     * The kind of a scheduled job that runs once at a time over the cluster, on one of a node's background threads,
     * and reports Spring Batch's counters only (the inactivity scan, recommendations, prediction scoring): what most
     * jobs need, declared as a bean of the feature that owns the job.
     */
    static JobKind oneAtATime(String name, Job job, Duration staleAfter) {
        return new OneAtATimeJobKind(name, job, staleAfter);
    }
}
