package io.stageflow.inactivity;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import io.stageflow.customers.LifecycleProperties;
import io.stageflow.events.ObservedEvents;
import io.stageflow.jobs.JobKind;
import io.stageflow.jobs.JobProgress;
import io.stageflow.jobs.ProgressKeys;
import io.stageflow.jobs.ProgressLog;
import io.stageflow.journeys.JourneyInstances;
import io.stageflow.predictions.Predictions;

import org.springframework.batch.core.ChunkListener;
import org.springframework.batch.core.Job;
import org.springframework.batch.core.Step;
import org.springframework.batch.core.StepExecutionListener;
import org.springframework.batch.core.configuration.annotation.JobScope;
import org.springframework.batch.core.job.DefaultJobParametersValidator;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.item.database.JdbcPagingItemReader;
import org.springframework.batch.item.database.Order;
import org.springframework.batch.item.database.builder.JdbcPagingItemReaderBuilder;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The inactivity scan: one chunk-oriented step that pages through the customers who count as inactive as of the
 * job's {@code asOf} instant (keyset paging on the id, position saved at each commit, so a restart goes on after the
 * last committed chunk) and records a {@code customer_inactive} event for each who is not in win-back already.
 * The candidates are found in one SQL query per page, never by loading customers into Java.
 */
@Configuration(proxyBeanMethods = false)
class InactivityJobConfiguration {

    static final String JOB = "inactivityScan";
    static final String STEP = "inactivityScanStep";
    static final String READER = "inactiveCustomers";
    /** Job parameter: the instant the scan is as of (epoch milliseconds); the cutoff is that minus the days. */
    static final String AS_OF = "asOf";
    /** Job parameter that names the run: {@code scheduled:<minute>} for the schedule (the same on every node), or {@code manual:<instant>}. */
    static final String RUN = "run";

    /** The inactivity scan, to the shared job plumbing: one at a time over the cluster, on a background thread. */
    @Bean
    JobKind inactivityScanJobKind(@Qualifier("inactivityScanJob") Job job, InactivityProperties properties) {
        return JobKind.oneAtATime(JOB, job, properties.staleAfter());
    }

    @Bean
    Job inactivityScanJob(JobRepository jobs, @Qualifier(STEP) Step step) {
        return new JobBuilder(JOB, jobs)
                .validator(new DefaultJobParametersValidator(new String[] {RUN, AS_OF}, new String[] {JobProgress.ROWS}))
                .start(step)
                .build();
    }

    @Bean(STEP)
    @JobScope
    Step inactivityScanStep(@Value("#{jobParameters['" + AS_OF + "']}") Long asOf, JobRepository jobs,
            PlatformTransactionManager transactions, DataSource dataSource, InactivityProperties properties,
            LifecycleProperties lifecycle, ObservedEvents events, JourneyInstances journeys) {
        Instant scanAt = Instant.ofEpochMilli(asOf);
        ProgressLog progress = new ProgressLog(properties.progressLogInterval(), "Inactivity scan", ProgressKeys.NONE);
        InactivityWriter writer = new InactivityWriter(events, journeys, properties.journey(), scanAt);
        var step = new StepBuilder(STEP, jobs)
                .<InactiveCustomer, InactiveCustomer>chunk(properties.chunkSize(), transactions)
                .reader(reader(dataSource, properties, lifecycle, scanAt))
                .writer(writer)
                .faultTolerant()
                .retry(TransientDataAccessException.class)
                .retryLimit(3)
                .listener((ChunkListener) progress);
        step.listener((StepExecutionListener) progress);
        return step.build();
    }

    /** The stages the scan looks at: the configured first one and every later one, except the lapsed stage. */
    static List<String> stages(InactivityProperties properties, LifecycleProperties lifecycle) {
        List<String> all = lifecycle.stages();
        int from = all.indexOf(properties.fromStage());
        if (from < 0) {
            throw new IllegalStateException("stageflow.inactivity.from-stage '" + properties.fromStage()
                    + "' is not in stageflow.customers.lifecycle.stages " + all);
        }
        return all.subList(from, all.size()).stream().filter(stage -> !stage.equals(lifecycle.rules().lapsed()))
                .toList();
    }

    /**
     * The condition on {@code sf_customer} of {@link #reader}, also for counting the candidates when the scan starts:
     * no order for the days, or (trigger {@code churn-risk}) a predicted churn risk above the threshold.
     */
    static String candidates(InactivityProperties properties) {
        String inactive = properties.trigger() == InactivityProperties.Trigger.CHURN_RISK
                ? Predictions.churnRiskAbove("sf_customer.id", "churnRisk")
                : "last_order_at < :cutoff";
        return "stage in (:stages) and order_count > 0 and " + inactive;
    }

    static Map<String, Object> candidateParameters(InactivityProperties properties, LifecycleProperties lifecycle,
            Instant asOf) {
        return Map.of("stages", stages(properties, lifecycle),
                "cutoff", Timestamp.from(asOf.minus(Duration.ofDays(properties.days()))),
                "churnRisk", properties.churnRiskThreshold());
    }

    private static JdbcPagingItemReader<InactiveCustomer> reader(DataSource dataSource, InactivityProperties properties,
            LifecycleProperties lifecycle, Instant asOf) {
        JdbcPagingItemReader<InactiveCustomer> reader = new JdbcPagingItemReaderBuilder<InactiveCustomer>()
                .name(READER)
                .dataSource(dataSource)
                .selectClause("select id, last_order_at")
                .fromClause("from sf_customer")
                .whereClause("where " + candidates(properties))
                .parameterValues(candidateParameters(properties, lifecycle, asOf))
                .sortKeys(Map.of("id", Order.ASCENDING))
                .pageSize(properties.chunkSize())
                .rowMapper((rs, row) -> new InactiveCustomer(rs.getString("id"),
                        rs.getTimestamp("last_order_at").toInstant()))
                .saveState(true)
                .build();
        try {
            // Not a bean of its own (it is made per job execution): initialised here, as the container would.
            reader.afterPropertiesSet();
        } catch (Exception e) {
            throw new IllegalStateException("inactivity scan reader: " + e.getMessage(), e);
        }
        return reader;
    }

    /** A customer the scan found: no order since {@code lastOrderAt}. */
    record InactiveCustomer(String id, Instant lastOrderAt) {
    }
}
