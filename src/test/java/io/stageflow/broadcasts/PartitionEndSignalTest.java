package io.stageflow.broadcasts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * Partitions that end on a node at the same moment each tell a manager waiting there. The scale benchmark met two
 * ending together, and the second's signal threw "Attempted arrival of unregistered party" in its worker thread.
 */
class PartitionEndSignalTest {

    private static final int THREADS = 8;
    private static final int ENDS_EACH = 20_000;

    @Test
    void partitionsEndingAtOnceAreEachCountedAndNoneIsRefused() throws Exception {
        PartitionWorkers workers = new PartitionWorkers("signal-test", null, null, null, 1, Duration.ofSeconds(1),
                "node-a");
        int before = workers.partitionEndMark();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<?>> ending = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                ending.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < ENDS_EACH; i++) {
                        workers.signalPartitionEnd();
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> thread : ending) {
                thread.get(1, TimeUnit.MINUTES); // rethrows what a signal threw
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(workers.partitionEndMark() - before).isEqualTo(THREADS * ENDS_EACH);
    }

    @Test
    void aManagerWaitingForAPartitionEndWakesWhenOneEnds() throws Exception {
        PartitionWorkers workers = new PartitionWorkers("signal-test", null, null, null, 1, Duration.ofSeconds(1),
                "node-a");
        int mark = workers.partitionEndMark();
        ExecutorService manager = Executors.newSingleThreadExecutor();
        try {
            Future<Integer> woken = manager.submit(() -> {
                workers.awaitPartitionEnd(mark, Duration.ofMinutes(1));
                return workers.partitionEndMark();
            });
            workers.signalPartitionEnd();
            assertThat(woken.get(30, TimeUnit.SECONDS)).isEqualTo(mark + 1);
        } finally {
            manager.shutdownNow();
        }
    }
}
