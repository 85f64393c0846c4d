package io.stageflow.batch;

import java.net.URI;
import java.time.Instant;

import org.springframework.batch.core.JobExecution;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** Broadcasts over HTTP (admins and marketers): start one, follow it, stop it and restart it. */
@RestController
@RequestMapping("/api/v1/broadcasts")
class BroadcastController {

    private final Broadcasts broadcasts;
    private final JobControl jobs;

    BroadcastController(Broadcasts broadcasts, JobControl jobs) {
        this.broadcasts = broadcasts;
        this.jobs = jobs;
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
        return JobProgress.of(find(id), Instant.now());
    }

    /** Stops the broadcast after each partition's current chunk, on every node that runs one. */
    @PostMapping("/{id}/stop")
    ResponseEntity<BroadcastStarted> stop(@PathVariable long id) {
        return ResponseEntity.accepted().body(BroadcastStarted.of(jobs.stop(find(id))));
    }

    /** Runs a stopped or failed broadcast again: the partitions that did not complete, from their last commit. */
    @PostMapping("/{id}/restart")
    ResponseEntity<BroadcastStarted> restart(@PathVariable long id) {
        JobExecution again = jobs.restart(find(id));
        return ResponseEntity.accepted().location(URI.create("/api/v1/broadcasts/" + again.getId()))
                .body(BroadcastStarted.of(again));
    }

    private JobExecution find(long id) {
        return broadcasts.find(id)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "No broadcast job with id " + id));
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
