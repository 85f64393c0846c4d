package io.stageflow.inactivity;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

import io.stageflow.customers.LifecycleProperties;
import io.stageflow.jobs.ExclusiveLaunches;
import io.stageflow.jobs.JobProgress;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.Job;
import org.springframework.batch.core.JobExecution;
import org.springframework.batch.core.JobParameters;
import org.springframework.batch.core.JobParametersBuilder;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Starts the inactivity scan: on the schedule ({@code stageflow.inactivity.cron}, {@link SchedulingConfiguration}) and on demand. Every node
 * runs the schedule; the scheduled run is named by its minute, so the nodes launch one job instance between them
 * (the others find it running or complete and do nothing), and even two scans over the same customers would record
 * each inactivity event once. One scan runs at a time over all nodes ({@link ExclusiveLaunches}): a launch, on demand
 * or scheduled, while one runs anywhere starts nothing and names the running one.
 */
@Service
class InactivityScan {

    private static final Logger log = LoggerFactory.getLogger(InactivityScan.class);

    private final Job job;
    private final ExclusiveLaunches jobs;
    private final Clock clock;
    private final JdbcClient jdbc;
    private final InactivityProperties properties;
    private final LifecycleProperties lifecycle;

    InactivityScan(@Qualifier("inactivityScanJob") Job job, ExclusiveLaunches jobs, Clock clock, JdbcClient jdbc,
            InactivityProperties properties, LifecycleProperties lifecycle) {
        this.job = job;
        this.jobs = jobs;
        this.clock = clock;
        this.jdbc = jdbc;
        this.properties = properties;
        this.lifecycle = lifecycle;
        InactivityJobConfiguration.stages(properties, lifecycle);
    }

    /**
     * Starts a scan now, in the background.
     *
     * @throws ExclusiveLaunches.AlreadyRunningException when a scan runs already, on this node or another
     */
    JobExecution startNow() {
        Instant now = clock.instant();
        JobExecution execution = jobs.launch(job, parameters("manual:" + now, now), properties.staleAfter());
        log.info("Inactivity scan {} started on demand", execution.getId());
        return execution;
    }

    /** The scheduled run of this minute, unless another node (or an earlier call) launched it already. */
    Optional<JobExecution> startScheduled() {
        Instant minute = clock.instant().truncatedTo(ChronoUnit.MINUTES);
        return jobs.launchScheduled(job, parameters("scheduled:" + minute, minute), properties.staleAfter());
    }

    private JobParameters parameters(String run, Instant asOf) {
        var where = InactivityJobConfiguration.candidateParameters(properties, lifecycle, asOf);
        long candidates = jdbc.sql("select count(*) from sf_customer where "
                + InactivityJobConfiguration.candidates(properties))
                .params(where).query(Long.class).single();
        return new JobParametersBuilder()
                .addString(InactivityJobConfiguration.RUN, run, true)
                .addLong(InactivityJobConfiguration.AS_OF, asOf.toEpochMilli(), true)
                .addLong(JobProgress.ROWS, candidates, false)
                .toJobParameters();
    }
}
