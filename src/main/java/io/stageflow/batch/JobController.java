package io.stageflow.batch;

import java.net.URI;
import java.time.Instant;

import org.springframework.batch.core.JobExecution;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** Where any batch job stands (imports, scans, broadcasts), and stopping or restarting it, for admins and operators. */
@RestController
@RequestMapping("/api/v1/jobs")
class JobController {

    private final JobControl jobs;

    JobController(JobControl jobs) {
        this.jobs = jobs;
    }

    @GetMapping("/{id}")
    JobProgress progress(@PathVariable long id) {
        return JobProgress.of(find(id), Instant.now());
    }

    @PostMapping("/{id}/stop")
    ResponseEntity<JobStarted> stop(@PathVariable long id) {
        return ResponseEntity.accepted().body(JobStarted.of(jobs.stop(find(id))));
    }

    @PostMapping("/{id}/restart")
    ResponseEntity<JobStarted> restart(@PathVariable long id) {
        JobExecution again = jobs.restart(find(id));
        return ResponseEntity.accepted().location(URI.create("/api/v1/jobs/" + again.getId()))
                .body(JobStarted.of(again));
    }

    private JobExecution find(long id) {
        return jobs.find(id).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "No job with id " + id));
    }
}
