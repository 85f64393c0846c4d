package io.stageflow.batch;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.stageflow.customers.CustomerService.CustomerChange;

import org.springframework.batch.item.Chunk;

/**
 * A test bean that breaks an import the way a dying database or node would: after the chunk holding a given
 * customer id has been written, but before it commits, once. The chunk rolls back and the step fails.
 */
public class ImportFaults implements ImportStepListener {

    private final Set<String> failAfterWriting = ConcurrentHashMap.newKeySet();

    /** Fails the import once, in the chunk that writes this customer. */
    void failOnceAtCustomer(String customerId) {
        failAfterWriting.add(customerId);
    }

    @Override
    public void afterWrite(Chunk<? extends CustomerChange> items) {
        for (CustomerChange change : items) {
            if (failAfterWriting.remove(change.id())) {
                throw new IllegalStateException("Failing the chunk with customer " + change.id() + " on purpose");
            }
        }
    }
}
