package io.stageflow.messaging;

import java.time.Clock;

import io.stageflow.support.PollingWorker;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The only way to send email: a journey step queues it here inside its own transaction. If that transaction
 * rolls back, nothing was queued; if the step runs again, its idempotency key queues nothing new.
 */
@Component
public class Outbox {

    private final OutboxStore store;
    private final PollingWorker dispatcher;
    private final Clock clock;

    Outbox(OutboxStore store, PollingWorker outboxDispatcherWorker, Clock clock) {
        this.store = store;
        this.dispatcher = outboxDispatcherWorker;
        this.clock = clock;
    }

    /** Queues the email; false when this idempotency key was queued before, so nothing new is sent. */
    @Transactional
    public boolean enqueue(EmailRequest request) {
        try {
            store.insert(request, clock.instant());
        } catch (DuplicateKeyException alreadyQueued) {
            return false;
        }
        dispatcher.wakeUpAfterCommit();
        return true;
    }
}
