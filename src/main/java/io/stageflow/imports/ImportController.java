package io.stageflow.imports;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import io.stageflow.jobs.JobProgress;
import io.stageflow.web.InvalidInputException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.JobExecution;
import org.springframework.core.io.Resource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/**
 * Imports over HTTP: upload a CSV file of customers or of products ({@code kind}; customers when left out), stored
 * on disk before the answer, then imported in the background; download its error report, and stop or restart it.
 * Progress is at {@code /api/v1/jobs/{id}}.
 */
@RestController
@RequestMapping("/api/v1/imports")
class ImportController {

    private static final Logger log = LoggerFactory.getLogger(ImportController.class);
    private static final MediaType CSV = new MediaType("text", "csv", StandardCharsets.UTF_8);

    private final ImportFiles files;
    private final ImportJobs jobs;

    ImportController(ImportFiles files, ImportJobs jobs) {
        this.files = files;
        this.jobs = jobs;
    }

    @PostMapping
    ResponseEntity<ImportStarted> upload(@RequestPart(name = "file", required = false) MultipartFile file,
            @RequestParam(name = "kind", required = false) String kind) {
        if (file == null) {
            throw new InvalidInputException("file", "is required: send the CSV file as the multipart part 'file'");
        }
        ImportFiles.Stored stored = files.store(ImportFiles.kindOrDefault(kind), file);
        JobExecution execution = jobs.start(stored);
        log.info("Import job {} accepted: {} rows of {}", execution.getId(), stored.rows(), stored.kind());
        return ResponseEntity.accepted().location(URI.create("/api/v1/jobs/" + execution.getId()))
                .body(ImportStarted.of(execution, stored.kind(), stored.rows()));
    }

    @GetMapping("/{id}/errors")
    ResponseEntity<Resource> errors(@PathVariable long id) {
        Path report = jobs.errorReport(id).orElseThrow(() -> new ImportJobs.NoSuchImportException(id));
        ResponseEntity.BodyBuilder answer = ResponseEntity.ok().contentType(CSV);
        if (Files.exists(report)) {
            answer.header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"import-" + id + "-errors.csv\"");
        }
        // The job has not opened its file yet: its report has no lines so far.
        return answer.body(ErrorReport.download(report));
    }

    @PostMapping("/{id}/stop")
    ResponseEntity<ImportStarted> stop(@PathVariable long id) {
        JobExecution execution = jobs.stop(id);
        log.info("Import job {} asked to stop", id);
        return ResponseEntity.accepted().body(ImportStarted.of(execution, jobs.kindOf(execution).orElseThrow(), null));
    }

    @PostMapping("/{id}/restart")
    ResponseEntity<ImportStarted> restart(@PathVariable long id) {
        JobExecution execution = jobs.restart(id);
        log.info("Import job {} restarted as job {}", id, execution.getId());
        return ResponseEntity.accepted().location(URI.create("/api/v1/jobs/" + execution.getId()))
                .body(ImportStarted.of(execution, jobs.kindOf(execution).orElseThrow(), null));
    }

    @ExceptionHandler(ImportJobs.NoSuchImportException.class)
    ProblemDetail notFound(ImportJobs.NoSuchImportException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, e.getMessage());
    }

    /** The answer to an upload, stop or restart: the job's id, what it imports, and where to follow it. */
    record ImportStarted(long id, String kind, String status, Long rows, String progress, String errors) {

        static ImportStarted of(JobExecution execution, String kind, Long rows) {
            Long total = rows != null ? rows : execution.getJobParameters().getLong(JobProgress.ROWS);
            return new ImportStarted(execution.getId(), kind, execution.getStatus().name(), total,
                    "/api/v1/jobs/" + execution.getId(), "/api/v1/imports/" + execution.getId() + "/errors");
        }
    }
}
