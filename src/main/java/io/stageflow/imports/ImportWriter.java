package io.stageflow.imports;

import java.util.List;

import org.springframework.batch.item.Chunk;
import org.springframework.batch.item.ExecutionContext;
import org.springframework.batch.item.ItemStreamWriter;

/**
 * Writes a chunk of valid rows through the import kind's {@link ImportTarget#write} in the chunk's transaction, and
 * counts what that did (created, updated, left unchanged) in the step's execution context, which commits with the
 * chunk, so the counts stay right across a restart.
 */
final class ImportWriter<T> implements ItemStreamWriter<T> {

    static final String CREATED = "created";
    static final String UPDATED = "updated";
    static final String UNCHANGED = "unchanged";

    private final ImportTarget<T> target;
    private long created;
    private long updated;
    private long unchanged;

    ImportWriter(ImportTarget<T> target) {
        this.target = target;
    }

    @Override
    public void write(Chunk<? extends T> chunk) {
        ImportTarget.Written result = target.write(List.copyOf(chunk.getItems()));
        created += result.created();
        updated += result.updated();
        unchanged += result.unchanged();
    }

    @Override
    public void open(ExecutionContext context) {
        created = context.getLong(target.countKey(CREATED), 0);
        updated = context.getLong(target.countKey(UPDATED), 0);
        unchanged = context.getLong(target.countKey(UNCHANGED), 0);
    }

    @Override
    public void update(ExecutionContext context) {
        context.putLong(target.countKey(CREATED), created);
        context.putLong(target.countKey(UPDATED), updated);
        context.putLong(target.countKey(UNCHANGED), unchanged);
    }
}
