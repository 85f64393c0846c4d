package io.stageflow.batch;

import java.time.Instant;

import org.springframework.batch.core.explore.JobExplorer;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** Where any batch job stands (imports, and later scans and broadcasts), for admins and operators. */
@RestController
@RequestMapping("/api/v1/jobs")
class JobController {

    private final JobExplorer explorer;

    JobController(JobExplorer explorer) {
        this.explorer = explorer;
    }

    @GetMapping("/{id}")
    JobProgress progress(@PathVariable long id) {
        var execution = explorer.getJobExecution(id);
        if (execution == null) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "No job with id " + id);
        }
        return JobProgress.of(execution, Instant.now());
    }
}
