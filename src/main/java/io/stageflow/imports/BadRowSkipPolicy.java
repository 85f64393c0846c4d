package io.stageflow.imports;

import org.springframework.batch.core.step.skip.SkipPolicy;
import org.springframework.batch.item.file.FlatFileParseException;

/**
 * Skips bad rows, however many there are, and nothing else: a line that cannot be read as CSV or a row that breaks
 * a rule goes to the error report, while any other failure (the database, the disk) fails the step, which can
 * then be restarted from its last committed chunk.
 */
final class BadRowSkipPolicy implements SkipPolicy {

    @Override
    public boolean shouldSkip(Throwable t, long skipCount) {
        return t instanceof InvalidRowException || t instanceof FlatFileParseException;
    }
}
