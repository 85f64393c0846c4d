package io.stageflow.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Stands in for more application nodes: threads that poll the same queue as the application's own worker. */
public final class ExtraNodes {

    private ExtraNodes() {
    }

    /** Runs {@code poll} {@code rounds} times on each of {@code nodes} threads at once, and waits for all. */
    public static void race(int nodes, int rounds, Runnable poll) throws InterruptedException, ExecutionException {
        ExecutorService pool = Executors.newFixedThreadPool(nodes);
        try {
            List<Future<?>> racing = new ArrayList<>();
            for (int node = 0; node < nodes; node++) {
                racing.add(pool.submit(() -> {
                    for (int round = 0; round < rounds; round++) {
                        poll.run();
                    }
                }));
            }
            for (Future<?> node : racing) {
                node.get();
            }
        } finally {
            pool.shutdown();
        }
    }
}
