package io.stageflow.imports;

import java.time.Duration;
import java.util.List;

import io.stageflow.jobs.BackgroundJobs;
import io.stageflow.jobs.JobKind;
import io.stageflow.jobs.ProgressKeys;
import io.stageflow.jobs.ProgressKeys.Count;

import org.springframework.batch.core.JobExecution;
import org.springframework.batch.core.JobParameters;

/**
 * An import kind's job, to the shared job plumbing: it runs on the import's own threads ({@link ImportJobs}), and
 * its progress has the file reader's position and the counts of records created, updated and unchanged, and of the
 * error report's lines. One per {@link ImportTarget}.
 */
final class ImportJobKind implements JobKind {

    private final ImportTarget<?> target;
    private final ImportJobs imports;
    private final ImportProperties properties;

    ImportJobKind(ImportTarget<?> target, ImportJobs imports, ImportProperties properties) {
        this.target = target;
        this.imports = imports;
        this.properties = properties;
    }

    /** What an import of this kind reports beyond Spring Batch's counters. */
    static ProgressKeys progress(ImportTarget<?> target) {
        return new ProgressKeys(
                // How many rows the reader had consumed at the last commit (Spring Batch's own key).
                target.readerName() + ".read.count",
                List.of(new Count("errors", ErrorReport.ERRORS, 0L),
                        new Count(ImportWriter.CREATED, target.countKey(ImportWriter.CREATED), null),
                        new Count(ImportWriter.UPDATED, target.countKey(ImportWriter.UPDATED), null),
                        new Count(ImportWriter.UNCHANGED, target.countKey(ImportWriter.UNCHANGED), null)));
    }

    @Override
    public String name() {
        return target.jobName();
    }

    @Override
    public Duration staleAfter() {
        return properties.staleAfter();
    }

    @Override
    public JobExecution relaunch(JobParameters parameters, BackgroundJobs background) {
        return imports.relaunch(target.jobName(), parameters);
    }

    @Override
    public ProgressKeys progress() {
        return progress(target);
    }
}
