package io.stageflow.predictions;

import java.sql.Timestamp;
import java.time.Instant;

import javax.sql.DataSource;

import io.stageflow.jobs.JobKind;
import io.stageflow.jobs.JobProgress;
import io.stageflow.jobs.ProgressKeys;
import io.stageflow.jobs.ProgressLog;
import io.stageflow.predictions.FittedModels.Prediction;

import org.springframework.batch.core.ChunkListener;
import org.springframework.batch.core.Job;
import org.springframework.batch.core.Step;
import org.springframework.batch.core.StepExecutionListener;
import org.springframework.batch.core.configuration.annotation.JobScope;
import org.springframework.batch.core.job.DefaultJobParametersValidator;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.item.ItemProcessor;
import org.springframework.batch.item.database.JdbcCursorItemReader;
import org.springframework.batch.item.database.builder.JdbcCursorItemReaderBuilder;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The scoring job, as of its {@code asOf} instant: {@code fit} (one pass over the ledger's aggregation, the models
 * fitted, their parameters stored: {@link ModelFitting}), {@code score} (a second pass, chunk by chunk: each
 * customer's scores written over their old row; the cursor's position is saved at each commit, so a restart goes on
 * after the last committed chunk), and {@code prune} (rows not scored by this run, customers with no order in the
 * currency any more, deleted).
 */
@Configuration(proxyBeanMethods = false)
class PredictionJobConfiguration {

    static final String JOB = "predictionScoring";
    static final String FIT = "predictionFitStep";
    static final String SCORE = "predictionScoreStep";
    static final String PRUNE = "predictionPruneStep";
    /** Job parameter: the instant the scores are as of (epoch milliseconds). */
    static final String AS_OF = "asOf";
    /** Job parameter that names the run: {@code scheduled:<minute>} or {@code manual:<instant>}. */
    static final String RUN = "run";

    /** The scoring job, to the shared job plumbing: one at a time over the cluster, on a background thread. */
    @Bean
    JobKind predictionScoringJobKind(@Qualifier("predictionScoringJob") Job job, PredictionsProperties properties) {
        return JobKind.oneAtATime(JOB, job, properties.staleAfter());
    }

    @Bean
    Job predictionScoringJob(JobRepository jobs, @Qualifier(FIT) Step fit, @Qualifier(SCORE) Step score,
            @Qualifier(PRUNE) Step prune) {
        return new JobBuilder(JOB, jobs)
                .validator(new DefaultJobParametersValidator(new String[] {RUN, AS_OF}, new String[] {JobProgress.ROWS}))
                .start(fit)
                .next(score)
                .next(prune)
                .build();
    }

    @Bean(FIT)
    @JobScope
    Step predictionFitStep(@Value("#{jobParameters['" + AS_OF + "']}") Long asOf, JobRepository jobs,
            PlatformTransactionManager transactions, DataSource dataSource, JdbcClient jdbc,
            PredictionsProperties properties) {
        return new StepBuilder(FIT, jobs)
                .tasklet(new ModelFitting(dataSource, jdbc, properties, Instant.ofEpochMilli(asOf)), transactions)
                .build();
    }

    @Bean(SCORE)
    @JobScope
    Step predictionScoreStep(@Value("#{jobParameters['" + AS_OF + "']}") Long asOf, JobRepository jobs,
            PlatformTransactionManager transactions, DataSource dataSource, JdbcClient jdbc,
            PredictionsProperties properties) {
        Instant scoredAt = Instant.ofEpochMilli(asOf);
        ProgressLog progress = new ProgressLog(properties.progressLogInterval(), "Prediction scoring",
                ProgressKeys.NONE);
        // The models are read when the step starts, after the fitting step stored them.
        FittedModels[] models = new FittedModels[1];
        ItemProcessor<LedgerRow, Prediction> scorer = row -> {
            if (models[0] == null) {
                models[0] = FittedModels.load(jdbc);
            }
            return models[0].score(row, scoredAt, properties.clvHorizon(), properties.currency());
        };
        var step = new StepBuilder(SCORE, jobs)
                .<LedgerRow, Prediction>chunk(properties.chunkSize(), transactions)
                .reader(reader(dataSource, properties, scoredAt))
                .processor(scorer)
                .writer(new PredictionWriter(new JdbcTemplate(dataSource)))
                .faultTolerant()
                .retry(TransientDataAccessException.class)
                .retryLimit(3)
                .listener((ChunkListener) progress);
        step.listener((StepExecutionListener) progress);
        return step.build();
    }

    @Bean(PRUNE)
    @JobScope
    Step predictionPruneStep(@Value("#{jobParameters['" + AS_OF + "']}") Long asOf, JobRepository jobs,
            PlatformTransactionManager transactions, JdbcClient jdbc, PredictionsProperties properties) {
        return new StepBuilder(PRUNE, jobs)
                .tasklet((contribution, context) -> {
                    // Not by scored_at: MariaDB's connection drops the milliseconds, so a run in the same second as
                    // the last one could not tell its rows from that one's.
                    int deleted = jdbc.sql("delete from sf_customer_prediction where not exists (select 1 from"
                                    + " sf_order where sf_order.customer_id = sf_customer_prediction.customer_id"
                                    + " and " + LedgerRow.COUNTED_ORDERS + ")")
                            .params(properties.currency(), Timestamp.from(Instant.ofEpochMilli(asOf))).update();
                    contribution.incrementWriteCount(deleted);
                    return org.springframework.batch.repeat.RepeatStatus.FINISHED;
                }, transactions)
                .build();
    }

    private static JdbcCursorItemReader<LedgerRow> reader(DataSource dataSource, PredictionsProperties properties,
            Instant asOf) {
        JdbcCursorItemReader<LedgerRow> reader = new JdbcCursorItemReaderBuilder<LedgerRow>()
                .name("ledgerByCustomer")
                .dataSource(dataSource)
                .sql(LedgerRow.AGGREGATION)
                .preparedStatementSetter(statement -> {
                    statement.setString(1, properties.currency());
                    statement.setTimestamp(2, Timestamp.from(asOf));
                })
                .fetchSize(LedgerStreaming.fetchSize(dataSource))
                // A streaming result set of MySQL's driver allows no getRow(), which the check calls; a restart moves
                // on by next() alone.
                .verifyCursorPosition(false)
                .rowMapper(LedgerRow::map)
                .saveState(true)
                .build();
        try {
            reader.afterPropertiesSet();
        } catch (Exception e) {
            throw new IllegalStateException("prediction scoring reader: " + e.getMessage(), e);
        }
        return reader;
    }
}
