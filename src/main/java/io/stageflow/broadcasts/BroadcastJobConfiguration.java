package io.stageflow.broadcasts;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.stageflow.jobs.JobProgress;
import io.stageflow.jobs.ProgressKeys;
import io.stageflow.jobs.ProgressLog;
import io.stageflow.subscriptions.EmailCategory;
import io.stageflow.delivery.Outbox;
import io.stageflow.segments.Segments;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.springframework.batch.core.ChunkListener;
import org.springframework.batch.core.Job;
import org.springframework.batch.core.Step;
import org.springframework.batch.core.StepExecutionListener;
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.explore.JobExplorer;
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
import org.springframework.dao.TransientDataAccessException;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The broadcast job: a partitioned step. The manager splits the segment's members, in id order, into
 * {@code stageflow.broadcasts.partitions} id ranges of about equal size ({@link Segments#split}, from its first
 * member to its last); each range is a worker step execution of its own, a chunk-oriented step that pages through
 * its range and queues one outbox row per customer. Any node may run any partition: the partitions wait in the shared job
 * repository until a node's {@link PartitionWorkers} claims them, and the manager ({@link SharedPartitionHandler})
 * watches them there. Each partition keeps to its share of the broadcast's rate. A restarted broadcast re-runs only
 * the partitions that did not complete, each from its last committed chunk.
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
    /**
     * Not identifying: the split the request made of the segment ({@link Segments.IdRanges} as JSON), which the
     * manager takes as it is instead of reading the segment again; absent when it was too long to keep.
     */
    static final String RANGES = "ranges";
    /** Longest {@link #RANGES} kept: Spring Batch stores a parameter's value in at most 2,500 characters. */
    static final int RANGES_MAX_LENGTH = 2_500;
    static final String FROM = "from";
    static final String AFTER = "after";
    static final String TO = "to";

    @Bean
    Job broadcastJob(JobRepository jobs, @Qualifier(STEP) Step step) {
        return new JobBuilder(JOB, jobs)
                .validator(new DefaultJobParametersValidator(
                        new String[] {BROADCAST, SEGMENT, TEMPLATE, CATEGORY, REQUESTED_AT},
                        new String[] {NAME, JobProgress.ROWS, RANGES}))
                .start(step)
                .build();
    }

    @Bean(STEP)
    Step broadcastStep(JobRepository jobs, JobExplorer explorer, @Qualifier(WORKER) Step worker,
            Partitioner broadcastPartitioner, BroadcastProperties properties, PartitionWorkers broadcastWorkers) {
        return new StepBuilder(STEP, jobs)
                .partitioner(WORKER, broadcastPartitioner)
                .partitionHandler(new SharedPartitionHandler(explorer, jobs, properties.partitions(),
                        properties.pollInterval(), properties.effectiveStaleAfter(), broadcastWorkers))
                .build();
    }

    /** This node's share of the work: runs partitions of any node's broadcasts. */
    @Bean
    PartitionWorkers broadcastWorkers(@Qualifier(WORKER) Step worker, JobExplorer explorer, JobRepository jobs,
            BroadcastProperties properties) {
        return new PartitionWorkers(JOB, worker, explorer, jobs, properties.workerThreads(), properties.pollInterval(),
                PartitionWorkers.thisNode());
    }

    @Bean(WORKER)
    Step broadcastWorker(JobRepository jobs, PlatformTransactionManager transactions, BroadcastProperties properties,
            SegmentMemberReader broadcastReader, BroadcastWriter broadcastWriter, BroadcastThrottle throttle) {
        ProgressLog progress = new ProgressLog(properties.progressLogInterval(), "Broadcast", ProgressKeys.NONE);
        var step = new StepBuilder(WORKER, jobs)
                .<String, String>chunk(properties.effectiveChunkSize(), transactions)
                .reader(broadcastReader)
                .writer(broadcastWriter)
                .faultTolerant()
                .retry(TransientDataAccessException.class)
                .retryLimit(3)
                .listener((ChunkListener) progress);
        step.listener((StepExecutionListener) progress);
        step.listener(throttle);
        return step.build();
    }

    /**
     * Id ranges of about equal size: partition 0 takes the ids from the first member up to split point 0, partition
     * i the ids after split point i-1 up to split point i, the last partition up to the last member. The split is
     * the one the request made when it counted the segment, when the job has it ({@link #RANGES}).
     */
    @Bean
    @StepScope
    Partitioner broadcastPartitioner(@Value("#{jobParameters['" + SEGMENT + "']}") String segment,
            @Value("#{jobParameters['" + RANGES + "']}") String requestedSplit, Segments segments, ObjectMapper json) {
        return gridSize -> {
            Segments.IdRanges ranges = requestedSplit == null ? segments.split(segment, gridSize)
                    : read(json, requestedSplit);
            List<String> ends = ranges.ends();
            Map<String, ExecutionContext> partitions = new HashMap<>();
            String after = null;
            for (int i = 0; i <= ends.size(); i++) {
                ExecutionContext range = new ExecutionContext();
                if (after != null) {
                    range.putString(AFTER, after);
                } else if (ranges.first() != null) {
                    range.putString(FROM, ranges.first());
                }
                String to = i < ends.size() ? ends.get(i) : ranges.last();
                if (to != null) {
                    range.putString(TO, to);
                }
                partitions.put("partition" + i, range);
                after = to;
            }
            return partitions;
        };
    }

    private static Segments.IdRanges read(ObjectMapper json, String ranges) {
        try {
            return json.readValue(ranges, Segments.IdRanges.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("The broadcast's split of its segment is not readable: " + ranges, e);
        }
    }

    @Bean
    @StepScope
    SegmentMemberReader broadcastReader(@Value("#{jobParameters['" + SEGMENT + "']}") String segment,
            @Value("#{stepExecutionContext['" + FROM + "']}") String from,
            @Value("#{stepExecutionContext['" + AFTER + "']}") String after,
            @Value("#{stepExecutionContext['" + TO + "']}") String to, Segments segments,
            BroadcastProperties properties) {
        return new SegmentMemberReader(segments, segment, from, after, to, properties.effectiveChunkSize());
    }

    @Bean
    @StepScope
    BroadcastWriter broadcastWriter(@Value("#{stepExecution.id}") Long partitionExecutionId,
            @Value("#{jobParameters['" + BROADCAST + "']}") String broadcast,
            @Value("#{jobParameters['" + TEMPLATE + "']}") String template,
            @Value("#{jobParameters['" + CATEGORY + "']}") String category, Outbox outbox, BroadcastThrottle throttle) {
        return new BroadcastWriter(outbox, throttle, partitionExecutionId, broadcast, template, EmailCategory.valueOf(category));
    }
}
