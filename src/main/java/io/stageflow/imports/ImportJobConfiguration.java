package io.stageflow.imports;

import io.stageflow.customers.CustomerService.CustomerChange;
import io.stageflow.jobs.JobKind;
import io.stageflow.jobs.JobProgress;

import org.springframework.batch.core.Job;
import org.springframework.batch.core.Step;
import org.springframework.batch.core.configuration.annotation.JobScope;
import org.springframework.batch.core.job.DefaultJobParametersValidator;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.builder.FaultTolerantStepBuilder;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The import jobs, one per kind of file ({@link ImportTarget}: customers, products), all built the same way: one
 * fault-tolerant, chunk-oriented step that streams the stored CSV file ({@code FlatFileItemReader}, one line at a
 * time, position saved at each commit), checks each row, and stores the good ones a chunk per transaction; bad rows
 * are skipped into the error report. The step is job-scoped, so each execution gets its own reader, writer and
 * report for the file named by its {@code file} parameter, and a restart of the same job instance resumes where
 * the last committed chunk left off.
 */
@Configuration(proxyBeanMethods = false)
class ImportJobConfiguration {

    /** The customer import's job; its step and reader names are {@link ImportTarget}'s for {@code customer}. */
    static final String JOB = "customerImport";
    /** Job parameter: the stored CSV file; the error report is {@value ImportFiles#ERRORS} beside it. */
    static final String FILE = "file";

    @Bean
    Job customerImportJob(JobRepository jobs, @Qualifier("customerImportStep") Step step) {
        return job(jobs, JOB, step);
    }

    @Bean
    @JobScope
    Step customerImportStep(@Value("#{jobParameters['" + FILE + "']}") String file, CustomerImport customers,
            ImportSteps parts, ObjectProvider<ImportStepListener> listeners) {
        FaultTolerantStepBuilder<CsvRow, CustomerChange> step = parts.step(customers, file);
        listeners.orderedStream().forEach(listener -> step.listener(listener));
        return step.build();
    }

    @Bean
    Job productImportJob(JobRepository jobs, ProductImport products, @Qualifier("productImportStep") Step step) {
        return job(jobs, products.jobName(), step);
    }

    @Bean
    @JobScope
    Step productImportStep(@Value("#{jobParameters['" + FILE + "']}") String file, ProductImport products,
            ImportSteps parts) {
        return parts.step(products, file).build();
    }

    @Bean
    JobKind customerImportKind(CustomerImport customers, ImportJobs imports, ImportProperties properties) {
        return new ImportJobKind(customers, imports, properties);
    }

    @Bean
    JobKind productImportKind(ProductImport products, ImportJobs imports, ImportProperties properties) {
        return new ImportJobKind(products, imports, properties);
    }

    private static Job job(JobRepository jobs, String name, Step step) {
        return new JobBuilder(name, jobs)
                .validator(new DefaultJobParametersValidator(new String[] {FILE}, new String[] {JobProgress.ROWS}))
                .start(step)
                .build();
    }
}
