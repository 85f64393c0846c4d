package io.stageflow.imports;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import io.stageflow.jobs.ProgressLog;

import org.springframework.batch.core.ChunkListener;
import org.springframework.batch.core.SkipListener;
import org.springframework.batch.core.StepExecutionListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.builder.FaultTolerantStepBuilder;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.item.file.FlatFileItemReader;
import org.springframework.batch.item.file.builder.FlatFileItemReaderBuilder;
import org.springframework.core.io.FileSystemResource;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Builds the step of an import of any kind: only the kind's columns, checks and writes ({@link ImportTarget})
 * differ. The step streams the stored file, skips bad rows into the error report (without rolling back their
 * chunk), retries a chunk that met another writer's new row or a deadlock, and logs its progress.
 */
@Component
class ImportSteps {

    private final JobRepository jobs;
    private final PlatformTransactionManager transactions;
    private final ImportProperties properties;

    ImportSteps(JobRepository jobs, PlatformTransactionManager transactions, ImportProperties properties) {
        this.jobs = jobs;
        this.transactions = transactions;
        this.properties = properties;
    }

    /** The step for one execution, importing {@code file}; the caller may add listeners before building it. */
    @SuppressWarnings("unchecked")
    <T> FaultTolerantStepBuilder<CsvRow, T> step(ImportTarget<T> target, String file) {
        Path csv = Path.of(file);
        ErrorReport errors = new ErrorReport(ImportFiles.errorReportOf(csv));
        ProgressLog progress = new ProgressLog(properties.progressLogInterval(), "Import job",
                ImportJobKind.progress(target));
        FaultTolerantStepBuilder<CsvRow, T> step = new StepBuilder(target.stepName(), jobs)
                .<CsvRow, T>chunk(properties.chunkSize(), transactions)
                .reader(reader(csv, target))
                .processor(target.validator())
                .writer(new ImportWriter<>(target))
                .faultTolerant()
                .skipPolicy(new BadRowSkipPolicy())
                // A bad row is skipped where it is found; it must not roll back and replay its whole chunk.
                .noRollback(InvalidRowException.class)
                // Two imports (or an import and the API) creating the same new record, or a deadlock between them:
                // the chunk is rolled back and tried again, and then finds the other's row.
                .retry(DuplicateKeyException.class)
                .retry(TransientDataAccessException.class)
                .retryLimit(3)
                .listener((SkipListener<CsvRow, T>) (SkipListener<CsvRow, ?>) errors)
                .listener((ChunkListener) progress);
        step.stream(errors);
        step.listener((StepExecutionListener) progress);
        return step;
    }

    private static FlatFileItemReader<CsvRow> reader(Path csv, ImportTarget<?> target) {
        CsvRowMapper rows = new CsvRowMapper(target.columns());
        FlatFileItemReader<CsvRow> reader = new FlatFileItemReaderBuilder<CsvRow>()
                .name(target.readerName())
                .resource(new FileSystemResource(csv))
                .encoding(StandardCharsets.UTF_8.name())
                .linesToSkip(1)
                .skippedLinesCallback(rows)
                .lineMapper(rows)
                .saveState(true)
                .strict(true)
                .build();
        // Every line is data: none is silently dropped as a comment.
        reader.setComments(new String[0]);
        return reader;
    }
}
