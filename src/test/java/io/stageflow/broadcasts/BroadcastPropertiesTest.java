package io.stageflow.broadcasts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** How big a partition's chunk is and when a silent partition counts as abandoned, from the broadcast's rate. */
class BroadcastPropertiesTest {

    @Test
    void aChunkIsChunkSizeCustomersButNeverMoreThanOneSecondOfThePartitionsRate() {
        // The defaults: 50 emails/s over 4 partitions is 12.5 a second a partition, so 13 customers a chunk.
        assertThat(properties(50, 4, 1_000, Duration.ofMinutes(5)).effectiveChunkSize()).isEqualTo(13);
        assertThat(properties(1_000, 4, 1_000, Duration.ofMinutes(5)).effectiveChunkSize()).isEqualTo(250);
        // A fast broadcast takes chunk-size customers a transaction, however high its rate.
        assertThat(properties(100_000, 4, 1_000, Duration.ofMinutes(5)).effectiveChunkSize()).isEqualTo(1_000);
        assertThat(properties(100_000, 4, 200, Duration.ofMinutes(5)).effectiveChunkSize()).isEqualTo(200);
        // Below one email a second a partition, a chunk is one customer.
        assertThat(properties(1, 4, 1_000, Duration.ofMinutes(5)).effectiveChunkSize()).isEqualTo(1);
    }

    @Test
    void aPartitionCountsAsAbandonedAfterStaleAfterButNeverBeforeThreeOfItsChunksCouldHaveCommitted() {
        assertThat(properties(50, 4, 1_000, Duration.ofSeconds(5)).effectiveStaleAfter()).isEqualTo(Duration.ofSeconds(5));
        // One email every 4 s a partition: a chunk of one takes 4 s, so three take 12 s.
        assertThat(properties(1, 4, 1_000, Duration.ofSeconds(5)).effectiveStaleAfter()).isEqualTo(Duration.ofSeconds(12));
    }

    private static BroadcastProperties properties(int messagesPerSecond, int partitions, int chunkSize, Duration staleAfter) {
        return new BroadcastProperties(messagesPerSecond, partitions, chunkSize, 2, 4, Duration.ofSeconds(1), staleAfter,
                Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofMinutes(2));
    }
}
