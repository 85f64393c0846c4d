package io.stageflow.recommendations;

import java.time.Clock;

import io.stageflow.jobs.JobKind;
import io.stageflow.jobs.JobProgress;
import io.stageflow.orders.Orders;
import io.stageflow.products.Products;

import org.springframework.batch.core.Job;
import org.springframework.batch.core.Step;
import org.springframework.batch.core.job.DefaultJobParametersValidator;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/** The recommendation job: one tasklet step ({@link RecommendationTasklet}) that counts, scores and publishes. */
@Configuration(proxyBeanMethods = false)
class RecommendationJobConfiguration {

    static final String JOB = "recommendations";
    static final String STEP = "recommendationsStep";
    /** Job parameter that names the run: {@code scheduled:<minute>} for the schedule, or {@code manual:<instant>}. */
    static final String RUN = "run";

    /** The recommendation job, to the shared job plumbing: one at a time over the cluster, on a background thread. */
    @Bean
    JobKind recommendationsJobKind(@Qualifier("recommendationsJob") Job job, RecommendationsProperties properties) {
        return JobKind.oneAtATime(JOB, job, properties.staleAfter());
    }

    @Bean
    Job recommendationsJob(JobRepository jobs, @Qualifier(STEP) Step step) {
        return new JobBuilder(JOB, jobs)
                .validator(new DefaultJobParametersValidator(new String[] {RUN}, new String[] {JobProgress.ROWS}))
                .start(step)
                .build();
    }

    @Bean(STEP)
    Step recommendationsStep(JobRepository jobs, PlatformTransactionManager transactions, Orders orders,
            Products products, RecommendationStore store, RecommendationsProperties properties, Clock clock) {
        return new StepBuilder(STEP, jobs)
                .tasklet(new RecommendationTasklet(orders, products, store, properties, clock), transactions)
                .build();
    }
}
