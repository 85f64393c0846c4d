package io.stageflow.broadcasts;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import io.stageflow.web.InvalidInputException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.JobExecution;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.web.server.ResponseStatusException;

/**
 * Broadcasts scheduled for a later instant (docs/batch.md, "Scheduled broadcasts"). The schedule is a table, so it
 * survives a restart; a poller on every node ({@link #startDue}) starts the due ones. Exactly one node starts each:
 * it claims the row with a conditional update ({@code SCHEDULED} to {@code STARTED}, as its own statement) and only
 * the node whose update changed the row launches the job, through {@link Broadcasts#start}. Should that node die
 * between the claim and the launch, the row stays claimed with no launch time; after
 * {@code stageflow.broadcasts.launch-timeout} any node claims it again the same way and launches it. A launch
 * that did happen but was not recorded is then launched twice, which is safe: the broadcast's id makes the second
 * job queue nothing for customers the first queued for. Time is the application's {@link Clock}.
 */
@Service
class BroadcastSchedule {

    private static final Logger log = LoggerFactory.getLogger(BroadcastSchedule.class);
    private static final int BATCH = 20;
    static final Duration FURTHEST = Duration.ofDays(365);

    private final ScheduledBroadcastStore store;
    private final Broadcasts broadcasts;
    private final BroadcastProperties properties;
    private final Clock clock;

    BroadcastSchedule(ScheduledBroadcastStore store, Broadcasts broadcasts, BroadcastProperties properties, Clock clock) {
        this.store = store;
        this.broadcasts = broadcasts;
        this.properties = properties;
        this.clock = clock;
    }

    /**
     * Checks the request as a broadcast started now would be checked, and the time (not in the past, at most a year
     * ahead), and schedules it.
     */
    ScheduledBroadcast schedule(Broadcasts.BroadcastRequest request, Instant scheduledAt, String createdBy) {
        Instant now = clock.instant();
        if (scheduledAt == null) {
            throw new InvalidInputException("scheduledAt", "is required");
        }
        if (scheduledAt.isBefore(now.truncatedTo(ChronoUnit.SECONDS))) {
            throw new InvalidInputException("scheduledAt", "is in the past");
        }
        if (scheduledAt.isAfter(now.plus(FURTHEST))) {
            throw new InvalidInputException("scheduledAt", "is more than a year ahead");
        }
        Broadcasts.BroadcastRequest checked = broadcasts.checked(request);
        try {
            store.insert(checked, scheduledAt, createdBy, now);
        } catch (DuplicateKeyException e) {
            throw new ResponseStatusException(HttpStatus.CONFLICT, "A broadcast with id " + checked.id()
                    + " is scheduled already");
        }
        log.info("Broadcast {} scheduled for {} by {}: template {} to segment {}", checked.id(), scheduledAt, createdBy,
                checked.template(), checked.segment());
        return store.find(checked.id()).orElseThrow();
    }

    /** The waiting broadcasts, soonest first, then the others, latest first; or those of one status. */
    List<ScheduledBroadcast> list(String status, int limit) {
        return store.list(status, limit);
    }

    ScheduledBroadcast find(String id) {
        return store.find(id).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND,
                "No scheduled broadcast with id " + id));
    }

    /** Cancels a waiting broadcast: 404 for an unknown id, 409 when it started or was cancelled already. */
    ScheduledBroadcast cancel(String id) {
        if (!store.cancel(id)) {
            ScheduledBroadcast current = find(id);
            throw new ResponseStatusException(HttpStatus.CONFLICT, "Broadcast " + id + " is "
                    + current.status().toLowerCase(java.util.Locale.ROOT) + ", no longer scheduled");
        }
        log.info("Scheduled broadcast {} cancelled", id);
        return find(id);
    }

    /**
     * One pass of the poller: claims and launches the broadcasts that are due, and those whose claim was abandoned
     * before their launch. Returns whether there may be more to do at once.
     */
    boolean startDue() {
        Instant now = clock.instant();
        List<String> due = store.due(now, BATCH);
        for (String id : due) {
            if (store.claim(id, now)) {
                launch(id);
            }
        }
        Instant claimedBefore = now.minus(properties.launchTimeout());
        List<String> abandoned = store.abandoned(claimedBefore, BATCH);
        for (String id : abandoned) {
            if (store.reclaim(id, claimedBefore, now)) {
                log.warn("Scheduled broadcast {} was claimed but not launched within {}; launching it again", id,
                        properties.launchTimeout());
                launch(id);
            }
        }
        return due.size() == BATCH || abandoned.size() == BATCH;
    }

    private void launch(String id) {
        ScheduledBroadcast scheduled = store.find(id).orElseThrow();
        try {
            JobExecution execution = broadcasts.start(scheduled.request());
            store.launched(id, execution.getId(), clock.instant());
        } catch (InvalidInputException e) {
            String reason = e.violations().stream().map(v -> v.field() + " " + v.message())
                    .reduce((a, b) -> a + "; " + b).orElse("invalid");
            log.warn("Scheduled broadcast {} could not start: {}", id, reason);
            store.failed(id, reason, clock.instant());
        }
    }
}
