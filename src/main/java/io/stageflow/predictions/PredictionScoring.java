package io.stageflow.predictions;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

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
 * Starts the scoring job: on the schedule ({@code stageflow.predictions.schedule}) and on demand. As with the
 * inactivity scan, the scheduled run is named by its minute, so the nodes launch one job instance between them, and
 * one run at a time goes over all nodes ({@link ExclusiveLaunches}).
 */
@Service
class PredictionScoring {

    private static final Logger log = LoggerFactory.getLogger(PredictionScoring.class);

    private final Job job;
    private final ExclusiveLaunches jobs;
    private final Clock clock;
    private final JdbcClient jdbc;
    private final PredictionsProperties properties;

    PredictionScoring(@Qualifier("predictionScoringJob") Job job, ExclusiveLaunches jobs, Clock clock, JdbcClient jdbc,
            PredictionsProperties properties) {
        this.job = job;
        this.jobs = jobs;
        this.clock = clock;
        this.jdbc = jdbc;
        this.properties = properties;
    }

    /**
     * Starts a run now, in the background.
     *
     * @throws ExclusiveLaunches.AlreadyRunningException when a run is going on already, on this node or another
     */
    JobExecution startNow() {
        Instant now = clock.instant();
        JobExecution execution = jobs.launch(job, parameters("manual:" + now, now), properties.staleAfter());
        log.info("Prediction scoring {} started on demand", execution.getId());
        return execution;
    }

    /** The scheduled run of this minute, unless another node (or an earlier call) launched it already. */
    Optional<JobExecution> startScheduled() {
        Instant minute = clock.instant().truncatedTo(ChronoUnit.MINUTES);
        return jobs.launchScheduled(job, parameters("scheduled:" + minute, minute), properties.staleAfter());
    }

    private JobParameters parameters(String run, Instant asOf) {
        long customers = jdbc.sql("select count(distinct customer_id) from sf_order where " + LedgerRow.COUNTED_ORDERS)
                .params(properties.currency(), Timestamp.from(asOf)).query(Long.class).single();
        return new JobParametersBuilder()
                .addString(PredictionJobConfiguration.RUN, run, true)
                .addLong(PredictionJobConfiguration.AS_OF, asOf.toEpochMilli(), true)
                .addLong(JobProgress.ROWS, customers, false)
                .toJobParameters();
    }
}
