package io.stageflow.broadcasts;

import java.net.URI;
import java.util.Optional;

import io.stageflow.jobs.JobControl;
import io.stageflow.jobs.JobEndpoints;
import io.stageflow.jobs.JobProgress;

import org.springframework.batch.core.JobExecution;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Broadcasts over HTTP (admins and marketers): start one, and, as {@code /api/v1/jobs} does for operators, follow
 * it ({@code GET /{id}}), stop it (after each partition's current chunk, on every node that runs one) and restart
 * it (the partitions that did not complete, from their last commit), through the shared {@link JobEndpoints}.
 */
@RestController
@RequestMapping(BroadcastController.PATH)
class BroadcastController extends JobEndpoints<BroadcastController.BroadcastStarted> {

    static final String PATH = "/api/v1/broadcasts";

    private final Broadcasts broadcasts;

    BroadcastController(Broadcasts broadcasts, JobControl jobs) {
        super(jobs, PATH);
        this.broadcasts = broadcasts;
    }

    @PostMapping
    ResponseEntity<BroadcastStarted> start(@RequestBody Broadcasts.BroadcastRequest request) {
        JobExecution execution = broadcasts.start(request);
        return ResponseEntity.accepted().location(URI.create(PATH + "/" + execution.getId()))
                .body(BroadcastStarted.of(execution));
    }

    @Override
    protected Optional<JobExecution> find(long id) {
        return broadcasts.find(id);
    }

    @Override
    protected String notFound(long id) {
        return "No broadcast job with id " + id;
    }

    @Override
    protected BroadcastStarted answer(JobExecution execution) {
        return BroadcastStarted.of(execution);
    }

    record BroadcastStarted(long id, String broadcast, String status, Long rows, String progress) {

        static BroadcastStarted of(JobExecution execution) {
            return new BroadcastStarted(execution.getId(),
                    execution.getJobParameters().getString(BroadcastJobConfiguration.BROADCAST),
                    execution.getStatus().name(), execution.getJobParameters().getLong(JobProgress.ROWS),
                    PATH + "/" + execution.getId());
        }
    }
}
