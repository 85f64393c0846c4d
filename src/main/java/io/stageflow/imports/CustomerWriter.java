package io.stageflow.imports;

import java.util.List;

import io.stageflow.customers.CustomerService;
import io.stageflow.customers.CustomerService.BulkUpserted;
import io.stageflow.customers.CustomerService.CustomerChange;

import org.springframework.batch.item.Chunk;
import org.springframework.batch.item.ExecutionContext;
import org.springframework.batch.item.ItemStreamWriter;

/**
 * Writes a chunk of valid rows as one bulk upsert in the chunk's transaction, and counts what that did (created,
 * updated, left unchanged) in the step's execution context, which commits with the chunk, so the counts stay
 * right across a restart. Not Spring Batch's {@code JdbcBatchItemWriter}: an upsert here merges traits key by key
 * into the stored profile and leaves an unchanged profile unwritten, which no single portable SQL statement does.
 */
final class CustomerWriter implements ItemStreamWriter<CustomerChange> {

    static final String CREATED = "customers.created";
    static final String UPDATED = "customers.updated";
    static final String UNCHANGED = "customers.unchanged";

    private final CustomerService customers;
    private long created;
    private long updated;
    private long unchanged;

    CustomerWriter(CustomerService customers) {
        this.customers = customers;
    }

    @Override
    public void write(Chunk<? extends CustomerChange> chunk) {
        BulkUpserted result = customers.upsertAll(List.copyOf(chunk.getItems()));
        created += result.created();
        updated += result.updated();
        unchanged += result.unchanged();
    }

    @Override
    public void open(ExecutionContext context) {
        created = context.getLong(CREATED, 0);
        updated = context.getLong(UPDATED, 0);
        unchanged = context.getLong(UNCHANGED, 0);
    }

    @Override
    public void update(ExecutionContext context) {
        context.putLong(CREATED, created);
        context.putLong(UPDATED, updated);
        context.putLong(UNCHANGED, unchanged);
    }
}
