package io.stageflow.recommendations;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

import io.stageflow.jobs.ExclusiveLaunches;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.Job;
import org.springframework.batch.core.JobExecution;
import org.springframework.batch.core.JobParameters;
import org.springframework.batch.core.JobParametersBuilder;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Service;

/**
 * Starts the recommendation job: on the schedule ({@code stageflow.recommendations.schedule}) and on demand. As the
 * inactivity scan: every node runs the schedule, the scheduled run is named by its minute so the nodes launch one
 * job instance between them, and one run at a time goes on over all nodes ({@link ExclusiveLaunches}).
 */
@Service
class RecommendationRuns {

    private static final Logger log = LoggerFactory.getLogger(RecommendationRuns.class);

    private final Job job;
    private final ExclusiveLaunches jobs;
    private final Clock clock;
    private final RecommendationsProperties properties;

    RecommendationRuns(@Qualifier("recommendationsJob") Job job, ExclusiveLaunches jobs, Clock clock,
            RecommendationsProperties properties) {
        this.job = job;
        this.jobs = jobs;
        this.clock = clock;
        this.properties = properties;
    }

    /**
     * Starts a run now, in the background.
     *
     * @throws ExclusiveLaunches.AlreadyRunningException when one runs already, on this node or another
     */
    JobExecution startNow() {
        JobExecution execution = jobs.launch(job, parameters("manual:" + clock.instant()), properties.staleAfter());
        log.info("Recommendation job {} started on demand", execution.getId());
        return execution;
    }

    /** The scheduled run of this minute, unless another node (or an earlier call) launched it already. */
    Optional<JobExecution> startScheduled() {
        Instant minute = clock.instant().truncatedTo(ChronoUnit.MINUTES);
        return jobs.launchScheduled(job, parameters("scheduled:" + minute), properties.staleAfter());
    }

    private static JobParameters parameters(String run) {
        return new JobParametersBuilder().addString(RecommendationJobConfiguration.RUN, run, true).toJobParameters();
    }
}
