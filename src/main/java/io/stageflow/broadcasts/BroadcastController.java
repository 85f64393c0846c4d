package io.stageflow.broadcasts;

import java.net.URI;
import java.security.Principal;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.stageflow.jobs.JobControl;
import io.stageflow.jobs.JobEndpoints;
import io.stageflow.jobs.JobProgress;
import io.stageflow.web.InvalidInputException;

import org.springframework.batch.core.JobExecution;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Broadcasts over HTTP (admins and marketers): start one, and, as {@code /api/v1/jobs} does for operators, follow
 * it ({@code GET /{id}}), stop it (after each partition's current chunk, on every node that runs one) and restart
 * it (the partitions that did not complete, from their last commit), through the shared {@link JobEndpoints}.
 * With a {@code scheduledAt} the broadcast is scheduled instead ({@link BroadcastSchedule}): listed under
 * {@code /scheduled}, and cancelled there until it starts.
 */
@RestController
@RequestMapping(BroadcastController.PATH)
class BroadcastController extends JobEndpoints<BroadcastController.BroadcastStarted> {

    static final String PATH = "/api/v1/broadcasts";

    static final String SCHEDULED = PATH + "/scheduled";

    private final Broadcasts broadcasts;
    private final BroadcastSchedule schedule;

    BroadcastController(Broadcasts broadcasts, BroadcastSchedule schedule, JobControl jobs) {
        super(jobs, PATH);
        this.broadcasts = broadcasts;
        this.schedule = schedule;
    }

    /** Starts the broadcast now, or, with a {@code scheduledAt}, schedules it (the answer is then the schedule). */
    @PostMapping
    ResponseEntity<Object> start(@RequestBody BroadcastPost post, Principal user) {
        if (post.scheduledAt() != null) {
            ScheduledBroadcast scheduled = schedule.schedule(post.request(), post.instant(), user.getName());
            return ResponseEntity.accepted().location(URI.create(SCHEDULED + "/" + scheduled.id())).body(scheduled);
        }
        JobExecution execution = broadcasts.start(post.request());
        return ResponseEntity.accepted().location(URI.create(PATH + "/" + execution.getId()))
                .body(BroadcastStarted.of(execution));
    }

    /** The scheduled broadcasts: the waiting ones, soonest first, then the others, latest first (or one status). */
    @GetMapping("/scheduled")
    List<ScheduledBroadcast> scheduled(@RequestParam(required = false) String status) {
        return schedule.list(status == null || status.isBlank() ? null : status.strip().toUpperCase(Locale.ROOT), 200);
    }

    @GetMapping("/scheduled/{id}")
    ScheduledBroadcast scheduledOne(@PathVariable String id) {
        return schedule.find(id);
    }

    /** Cancels a broadcast that has not started: 409 when it has. */
    @PostMapping("/scheduled/{id}/cancel")
    ScheduledBroadcast cancel(@PathVariable String id) {
        return schedule.cancel(id);
    }

    /** The body of a {@code POST}: a {@link Broadcasts.BroadcastRequest}, and when to start it (absent: now). */
    record BroadcastPost(String id, String segment, String template, String category, String name,
            String scheduledAt) {

        Broadcasts.BroadcastRequest request() {
            return new Broadcasts.BroadcastRequest(id, segment, template, category, name);
        }

        /** {@code scheduledAt} as an instant: ISO 8601 with a zone or offset, such as {@code 2027-01-31T09:00:00Z}. */
        Instant instant() {
            try {
                return java.time.OffsetDateTime.parse(scheduledAt.strip()).toInstant();
            } catch (java.time.format.DateTimeParseException e) {
                throw new InvalidInputException("scheduledAt",
                        "must be an ISO 8601 instant with its offset, such as 2027-01-31T09:00:00Z");
            }
        }
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
