package io.stageflow.imports;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.stageflow.jobs.JobProgress;
import io.stageflow.jobs.ProgressKeys;
import io.stageflow.web.InvalidInputException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.JobExecution;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.ExitCodeGenerator;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * {@code java -jar stageflow.jar --stageflow.imports.file=customers.csv}: imports one file at startup (of
 * customers, or of the {@code stageflow.imports.kind} named, such as products), in the main thread, then the application exits with 0 (completed, bad rows or not), 1 (the job failed; restart it through
 * the API) or 2 (the file is missing or refused). Operators use it for a first bulk load or from cron, without
 * the HTTP upload. The file is copied into the import folder first, like an upload.
 */
@Component
@ConditionalOnProperty(prefix = "stageflow.imports", name = "file")
class ImportCommandLineRunner implements ApplicationRunner, ExitCodeGenerator {

    private static final Logger log = LoggerFactory.getLogger(ImportCommandLineRunner.class);

    private final ImportFiles files;
    private final ImportJobs jobs;
    private final Path file;
    private final String kind;
    private final Map<String, ProgressKeys> progress;
    private int exitCode = 2;

    ImportCommandLineRunner(ImportFiles files, ImportJobs jobs, ImportProperties properties,
            List<ImportTarget<?>> targets) {
        this.files = files;
        this.jobs = jobs;
        this.file = properties.file();
        this.kind = ImportFiles.kindOrDefault(properties.kind());
        this.progress = targets.stream().collect(Collectors.toMap(ImportTarget::kind, ImportJobKind::progress));
    }

    @Override
    public void run(ApplicationArguments args) {
        if (!Files.isRegularFile(file)) {
            log.error("Import refused: {} is not a readable file", file);
            return;
        }
        ImportFiles.Stored stored;
        try (InputStream in = Files.newInputStream(file)) {
            stored = files.store(kind, in);
        } catch (InvalidInputException e) {
            log.error("Import refused: the {} {}", e.violations().get(0).field(), e.violations().get(0).message());
            return;
        } catch (IOException e) {
            log.error("Import refused: {} cannot be read: {}", file, e.toString());
            return;
        }
        JobExecution execution = jobs.run(stored);
        JobProgress p = JobProgress.of(execution, Instant.now(), progress.get(stored.kind()));
        log.info("Import job {} ({}) {}: {} rows read, {} written ({} created, {} updated, {} unchanged), {} skipped; "
                + "error report: {}", p.id(), stored.kind(), p.status(), p.read(), p.written(), p.count("created"),
                p.count("updated"), p.count("unchanged"), p.skipped(), ImportFiles.errorReportOf(stored.csv()));
        exitCode = execution.getStatus() == BatchStatus.COMPLETED ? 0 : 1;
    }

    @Override
    public int getExitCode() {
        return exitCode;
    }
}
