package io.stageflow.broadcasts;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Broadcasts ({@code stageflow.broadcasts.*}, docs/batch.md): how many emails a broadcast queues per second
 * (over all its partitions, on every node), into how many id ranges (partitions) it splits the segment, how many
 * customers a partition queues at most per transaction ({@link #effectiveChunkSize}), how many broadcasts a node
 * starts at once, how many partitions a node runs at once (of any broadcast, whichever node started it), how often
 * a node looks for partitions to run, after how long without a commit a partition's node counts as gone and the
 * partition is handed to another, and how often a running partition logs the broadcast's progress; how often a
 * node looks for scheduled broadcasts whose time has come, and after how long a scheduled broadcast claimed by a
 * node but never launched (the node died) is launched by another.
 */
@Validated
@ConfigurationProperties("stageflow.broadcasts")
record BroadcastProperties(
        @DefaultValue("50") @Positive int messagesPerSecond,
        @DefaultValue("4") @Positive int partitions,
        @DefaultValue("1000") @Positive int chunkSize,
        @DefaultValue("2") @Positive int concurrentJobs,
        @DefaultValue("4") @Positive int workerThreads,
        @DefaultValue("PT1S") @NotNull Duration pollInterval,
        @DefaultValue("PT5M") @NotNull Duration staleAfter,
        @DefaultValue("PT10S") @NotNull Duration progressLogInterval,
        @DefaultValue("PT5S") @NotNull Duration schedulePollInterval,
        @DefaultValue("PT2M") @NotNull Duration launchTimeout) {

    /** One partition's share of the rate: partitions run on any node, so each keeps to its own share. */
    double partitionRate() {
        return (double) messagesPerSecond / partitions;
    }

    /**
     * Customers a partition reads and queues per transaction: {@code chunk-size}, but never more than one second of
     * the partition's share of the rate (and at least one). The writer waits for the rate inside the chunk's
     * transaction, so a chunk that the rate paces holds its transaction, its connection and its rows' locks for
     * about a second at most, while a fast broadcast writes large chunks, each one statement and one commit.
     */
    int effectiveChunkSize() {
        return (int) Math.max(1, Math.min(chunkSize, Math.ceil(partitionRate())));
    }

    /**
     * How long a partition may go without a commit before it counts as abandoned: {@code stale-after}, but never
     * less than three chunks' time at the partition's rate, so a slow, rate-limited partition is not taken away.
     */
    Duration effectiveStaleAfter() {
        Duration threeChunks = Duration.ofMillis((long) Math.ceil(3 * effectiveChunkSize() / partitionRate() * 1000));
        return threeChunks.compareTo(staleAfter) > 0 ? threeChunks : staleAfter;
    }
}
