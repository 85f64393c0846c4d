package io.stageflow.imports;

import java.util.List;
import java.util.Map;

import org.springframework.batch.item.ItemProcessor;

/**
 * One kind of import file (customers, products): its columns, how a row is checked and turned into the item to
 * store, and how a chunk of items is stored. Everything else (storing the upload, the chunked, restartable job,
 * the error report, progress, the API, the console and the command line) is the same for every kind. The names
 * of a kind's job, step, reader and counts derive from its {@link #noun}, so the customer import keeps the names
 * its earlier executions carry.
 *
 * @param <T> what a valid row becomes
 */
interface ImportTarget<T> {

    /** The kind in the singular, lower case: {@code customer}, {@code product}. */
    String noun();

    /** The kind as the API and the console name it ({@code kind=products}), and the stored file's name. */
    default String kind() {
        return noun() + "s";
    }

    /** The Spring Batch job's name: {@code customerImport}. */
    default String jobName() {
        return noun() + "Import";
    }

    default String stepName() {
        return jobName() + "Step";
    }

    /** The file reader's name, which prefixes its keys ({@code .read.count}) in the step's execution context. */
    default String readerName() {
        return noun() + "Csv";
    }

    /** The key of a count ({@code created}, …) in the step's execution context: {@code customers.created}. */
    default String countKey(String count) {
        return kind() + "." + count;
    }

    /** The columns a file of this kind may and must have. */
    ImportHeader.Columns columns();

    /**
     * What each known column holds, in {@link ImportHeader.Columns#known}'s order: the console form's help.
     */
    Map<String, String> meanings();

    /**
     * Checks a row by the same rules as the kind's API and turns it into an item; a row that breaks any rule throws
     * {@link InvalidRowException} with every violation at once, so the error report shows all that is wrong with
     * the line.
     */
    ItemProcessor<CsvRow, T> validator();

    /** Stores a chunk of valid items in the chunk's transaction, and says what that did. */
    Written write(List<T> items);

    /** What storing a chunk did, counted in distinct records. */
    record Written(long created, long updated, long unchanged) {
    }
}
