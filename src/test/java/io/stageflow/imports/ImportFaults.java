package io.stageflow.imports;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.stageflow.customers.CustomerService.CustomerChange;

import org.springframework.batch.item.Chunk;

/**
 * A test bean that breaks an import the way a dying database or node would: after the chunk holding a given
 * customer id has been written, but before it commits, once. The chunk rolls back and the step fails. It can also
 * hold a chunk until the test lets it go, so a test can act while an import is certainly running.
 */
public class ImportFaults implements ImportStepListener {

    private final Set<String> failAfterWriting = ConcurrentHashMap.newKeySet();
    private final Map<String, CountDownLatch> holds = new ConcurrentHashMap<>();
    private final Set<String> held = ConcurrentHashMap.newKeySet();

    /** Fails the import once, in the chunk that writes this customer. */
    void failOnceAtCustomer(String customerId) {
        failAfterWriting.add(customerId);
    }

    /** Holds the chunk that writes this customer (before it commits) until {@link #release} is called. */
    void holdAtCustomer(String customerId) {
        holds.put(customerId, new CountDownLatch(1));
    }

    boolean isHolding(String customerId) {
        return held.contains(customerId);
    }

    void release(String customerId) {
        holds.remove(customerId).countDown();
    }

    @Override
    public void afterWrite(Chunk<? extends CustomerChange> items) {
        for (CustomerChange change : items) {
            if (failAfterWriting.remove(change.id())) {
                throw new IllegalStateException("Failing the chunk with customer " + change.id() + " on purpose");
            }
            CountDownLatch hold = holds.get(change.id());
            if (hold != null) {
                held.add(change.id());
                try {
                    hold.await(1, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
