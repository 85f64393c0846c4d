package io.stageflow.batch;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.stageflow.messaging.EmailCategory;
import io.stageflow.messaging.Outbox;
import io.stageflow.segments.Segments;

import org.springframework.batch.core.ChunkListener;
import org.springframework.batch.core.Job;
import org.springframework.batch.core.Step;
import org.springframework.batch.core.StepExecutionListener;
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.job.DefaultJobParametersValidator;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.partition.support.Partitioner;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.item.ExecutionContext;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The broadcast job: a partitioned step. The manager splits the segment's members, in id order, into
 * {@code stageflow.batch.broadcast.partitions} id ranges of about equal size ({@link Segments#splitPoints}); each
 * range is a worker step execution of its own, run in parallel on this node's threads (local partitioning through
 * a {@code TaskExecutorPartitionHandler}), each a chunk-oriented step that pages through its range and queues one
 * outbox row per customer. All partitions share the broadcast's rate limit. A restarted broadcast re-runs only the
 * partitions that did not complete, each from its last committed chunk.
 */
@Configuration(proxyBeanMethods = false)
class BroadcastJobConfiguration {

    static final String JOB = "broadcast";
    static final String STEP = "broadcastStep";
    static final String WORKER = "broadcastWorker";
    static final String BROADCAST = "broadcast";
    static final String SEGMENT = "segment";
    static final String TEMPLATE = "template";
    static final String CATEGORY = "category";
    static final String NAME = "name";
    /** Identifying: one job instance per request, so posting the same broadcast again runs again (and queues nothing new). */
    static final String REQUESTED_AT = "requestedAt";
    static final String AFTER = "after";
    static final String TO = "to";

    @Bean
    Job broadcastJob(JobRepository jobs, @Qualifier(STEP) Step step, BroadcastThrottle throttle) {
        return new JobBuilder(JOB, jobs)
                .validator(new DefaultJobParametersValidator(
                        new String[] {BROADCAST, SEGMENT, TEMPLATE, CATEGORY, REQUESTED_AT},
                        new String[] {NAME, JobProgress.ROWS}))
                .listener(throttle)
                .start(step)
                .build();
    }

    @Bean(STEP)
    Step broadcastStep(JobRepository jobs, @Qualifier(WORKER) Step worker, Partitioner broadcastPartitioner,
            BroadcastProperties properties) {
        SimpleAsyncTaskExecutor threads = new SimpleAsyncTaskExecutor("broadcast-");
        threads.setConcurrencyLimit(properties.partitions() * properties.concurrentJobs());
        return new StepBuilder(STEP, jobs)
                .partitioner(STEP, broadcastPartitioner)
                .step(worker)
                .gridSize(properties.partitions())
                .taskExecutor(threads)
                .build();
    }

    @Bean(WORKER)
    Step broadcastWorker(JobRepository jobs, PlatformTransactionManager transactions, BroadcastProperties properties,
            SegmentMemberReader broadcastReader, BroadcastWriter broadcastWriter) {
        ProgressLog progress = new ProgressLog(Duration.ofSeconds(10), "Broadcast");
        var step = new StepBuilder(WORKER, jobs)
                .<String, String>chunk(properties.chunkSize(), transactions)
                .reader(broadcastReader)
                .writer(broadcastWriter)
                .faultTolerant()
                .retry(TransientDataAccessException.class)
                .retryLimit(3)
                .listener((ChunkListener) progress);
        step.listener((StepExecutionListener) progress);
        return step.build();
    }

    /** Id ranges of about equal size: partition i takes the ids after split point i-1 up to split point i. */
    @Bean
    @StepScope
    Partitioner broadcastPartitioner(@Value("#{jobParameters['" + SEGMENT + "']}") String segment, Segments segments) {
        return gridSize -> {
            List<String> ends = segments.splitPoints(segment, gridSize);
            Map<String, ExecutionContext> partitions = new HashMap<>();
            String after = null;
            for (int i = 0; i <= ends.size(); i++) {
                ExecutionContext range = new ExecutionContext();
                if (after != null) {
                    range.putString(AFTER, after);
                }
                String to = i < ends.size() ? ends.get(i) : null;
                if (to != null) {
                    range.putString(TO, to);
                }
                partitions.put("partition" + i, range);
                after = to;
            }
            return partitions;
        };
    }

    @Bean
    @StepScope
    SegmentMemberReader broadcastReader(@Value("#{jobParameters['" + SEGMENT + "']}") String segment,
            @Value("#{stepExecutionContext['" + AFTER + "']}") String after,
            @Value("#{stepExecutionContext['" + TO + "']}") String to, Segments segments,
            BroadcastProperties properties) {
        return new SegmentMemberReader(segments, segment, after, to, properties.chunkSize());
    }

    @Bean
    @StepScope
    BroadcastWriter broadcastWriter(@Value("#{stepExecution.jobExecutionId}") Long jobExecutionId,
            @Value("#{jobParameters['" + BROADCAST + "']}") String broadcast,
            @Value("#{jobParameters['" + TEMPLATE + "']}") String template,
            @Value("#{jobParameters['" + CATEGORY + "']}") String category, Outbox outbox, BroadcastThrottle throttle) {
        return new BroadcastWriter(outbox, throttle, jobExecutionId, broadcast, template, EmailCategory.valueOf(category));
    }
}
