package io.stageflow.batch;

import jakarta.validation.constraints.Positive;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Broadcasts ({@code stageflow.batch.broadcast.*}, docs/batch.md): how many emails a broadcast queues per second
 * (on the node that runs it), into how many id ranges (partitions, run in parallel) it splits the segment, how many
 * customers each partition queues per transaction, and how many broadcasts run at once on a node.
 */
@Validated
@ConfigurationProperties("stageflow.batch.broadcast")
record BroadcastProperties(
        @DefaultValue("50") @Positive int messagesPerSecond,
        @DefaultValue("4") @Positive int partitions,
        @DefaultValue("200") @Positive int chunkSize,
        @DefaultValue("2") @Positive int concurrentJobs) {
}
