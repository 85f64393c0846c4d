package io.stageflow.imports;

import java.time.Duration;
import java.util.List;

import io.stageflow.jobs.BackgroundJobs;
import io.stageflow.jobs.JobKind;
import io.stageflow.jobs.ProgressKeys;
import io.stageflow.jobs.ProgressKeys.Count;

import org.springframework.batch.core.JobExecution;
import org.springframework.batch.core.JobParameters;
import org.springframework.stereotype.Component;

/**
 * The customer import, to the shared job plumbing: it runs on the import's own threads ({@link ImportJobs}), and
 * its progress has the file reader's position and the counts of customers created, updated and unchanged, and of
 * the error report's lines.
 */
@Component
class ImportJobKind implements JobKind {

    /** What an import's progress reports beyond Spring Batch's counters. */
    static final ProgressKeys PROGRESS = new ProgressKeys(
            // How many rows the reader had consumed at the last commit (Spring Batch's own key).
            ImportJobConfiguration.READER + ".read.count",
            List.of(new Count("errors", ErrorReport.ERRORS, 0L),
                    new Count("created", CustomerWriter.CREATED, null),
                    new Count("updated", CustomerWriter.UPDATED, null),
                    new Count("unchanged", CustomerWriter.UNCHANGED, null)));

    private final ImportJobs imports;
    private final ImportProperties properties;

    ImportJobKind(ImportJobs imports, ImportProperties properties) {
        this.imports = imports;
        this.properties = properties;
    }

    @Override
    public String name() {
        return ImportJobConfiguration.JOB;
    }

    @Override
    public Duration staleAfter() {
        return properties.staleAfter();
    }

    @Override
    public JobExecution relaunch(JobParameters parameters, BackgroundJobs background) {
        return imports.relaunch(parameters);
    }

    @Override
    public ProgressKeys progress() {
        return PROGRESS;
    }
}
