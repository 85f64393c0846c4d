package io.stageflow.batch;

import java.net.URI;
import java.time.Instant;

import org.springframework.batch.core.JobExecution;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** Broadcasts over HTTP (admins and marketers): start one, and follow it. */
@RestController
@RequestMapping("/api/v1/broadcasts")
class BroadcastController {

    private final Broadcasts broadcasts;

    BroadcastController(Broadcasts broadcasts) {
        this.broadcasts = broadcasts;
    }

    @PostMapping
    ResponseEntity<BroadcastStarted> start(@RequestBody Broadcasts.BroadcastRequest request) {
        JobExecution execution = broadcasts.start(request);
        return ResponseEntity.accepted().location(URI.create("/api/v1/broadcasts/" + execution.getId()))
                .body(BroadcastStarted.of(execution));
    }

    /** The same as {@code GET /api/v1/jobs/{id}}, for broadcast jobs, so marketers can follow theirs. */
    @GetMapping("/{id}")
    JobProgress progress(@PathVariable long id) {
        return broadcasts.find(id).map(execution -> JobProgress.of(execution, Instant.now()))
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "No broadcast job with id " + id));
    }

    @ExceptionHandler(BackgroundJobs.AlreadyLaunchedException.class)
    ProblemDetail conflict(BackgroundJobs.AlreadyLaunchedException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, e.getMessage());
    }

    record BroadcastStarted(long id, String broadcast, String status, Long rows, String progress) {

        static BroadcastStarted of(JobExecution execution) {
            return new BroadcastStarted(execution.getId(),
                    execution.getJobParameters().getString(BroadcastJobConfiguration.BROADCAST),
                    execution.getStatus().name(), execution.getJobParameters().getLong(JobProgress.ROWS),
                    "/api/v1/broadcasts/" + execution.getId());
        }
    }
}
