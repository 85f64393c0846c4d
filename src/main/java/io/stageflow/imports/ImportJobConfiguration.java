package io.stageflow.imports;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import io.stageflow.customers.CustomerService;
import io.stageflow.customers.CustomerService.CustomerChange;
import io.stageflow.jobs.JobProgress;
import io.stageflow.jobs.ProgressLog;

import jakarta.validation.Validator;

import org.springframework.batch.core.ChunkListener;
import org.springframework.batch.core.Job;
import org.springframework.batch.core.SkipListener;
import org.springframework.batch.core.Step;
import org.springframework.batch.core.StepExecutionListener;
import org.springframework.batch.core.configuration.annotation.JobScope;
import org.springframework.batch.core.job.DefaultJobParametersValidator;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.builder.FaultTolerantStepBuilder;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.item.file.FlatFileItemReader;
import org.springframework.batch.item.file.builder.FlatFileItemReaderBuilder;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.FileSystemResource;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The customer import job: one fault-tolerant, chunk-oriented step that streams the stored CSV file
 * ({@code FlatFileItemReader}, one line at a time, position saved at each commit), checks each row, and upserts the
 * good ones a chunk per transaction; bad rows are skipped into the error report. The step is job-scoped, so each
 * execution gets its own reader, writer and report for the file named by its {@code file} parameter, and a restart
 * of the same job instance resumes where the last committed chunk left off.
 */
@Configuration(proxyBeanMethods = false)
class ImportJobConfiguration {

    static final String JOB = "customerImport";
    static final String STEP = "customerImportStep";
    /** The reader's name, which prefixes its keys (such as {@code .read.count}) in the step's execution context. */
    static final String READER = "customerCsv";
    /** Job parameter: the stored CSV file; the error report is {@value ImportFiles#ERRORS} beside it. */
    static final String FILE = "file";

    @Bean
    Job customerImportJob(JobRepository jobs, @Qualifier(STEP) Step step) {
        return new JobBuilder(JOB, jobs)
                .validator(new DefaultJobParametersValidator(new String[] {FILE}, new String[] {JobProgress.ROWS}))
                .start(step)
                .build();
    }

    @Bean(STEP)
    @JobScope
    Step customerImportStep(@Value("#{jobParameters['" + FILE + "']}") String file, JobRepository jobs,
            PlatformTransactionManager transactions, CustomerService customers, Validator validator,
            ImportProperties properties, ObjectProvider<ImportStepListener> listeners) {
        Path csv = Path.of(file);
        ErrorReport errors = new ErrorReport(ImportFiles.errorReportOf(csv));
        ProgressLog progress = new ProgressLog(properties.progressLogInterval(), "Import job", ImportJobKind.PROGRESS);
        FaultTolerantStepBuilder<CsvRow, CustomerChange> step = new StepBuilder(STEP, jobs)
                .<CsvRow, CustomerChange>chunk(properties.chunkSize(), transactions)
                .reader(reader(csv))
                .processor(new RowValidator(validator))
                .writer(new CustomerWriter(customers))
                .faultTolerant()
                .skipPolicy(new BadRowSkipPolicy())
                // A bad row is skipped where it is found; it must not roll back and replay its whole chunk.
                .noRollback(InvalidRowException.class)
                // Two imports (or an import and the API) creating the same new customer, or a deadlock between
                // them: the chunk is rolled back and tried again, and then finds the other's row.
                .retry(DuplicateKeyException.class)
                .retry(TransientDataAccessException.class)
                .retryLimit(3)
                .listener((SkipListener<CsvRow, CustomerChange>) errors)
                .listener((ChunkListener) progress);
        step.stream(errors);
        step.listener((StepExecutionListener) progress);
        listeners.orderedStream().forEach(listener -> step.listener(listener));
        return step.build();
    }

    private static FlatFileItemReader<CsvRow> reader(Path csv) {
        CsvRowMapper rows = new CsvRowMapper();
        FlatFileItemReader<CsvRow> reader = new FlatFileItemReaderBuilder<CsvRow>()
                .name(READER)
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
