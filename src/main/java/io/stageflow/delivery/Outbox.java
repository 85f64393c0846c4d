package io.stageflow.delivery;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.stageflow.support.PollingWorker;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
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
    private final OutboxDispatcher delivery;
    private final ChannelDispatchers adapters;

    Outbox(OutboxStore store, PollingWorker outboxDispatcherWorker, Clock clock, OutboxDispatcher delivery,
            ChannelDispatchers adapters) {
        this.adapters = adapters;
        this.store = store;
        this.dispatcher = outboxDispatcherWorker;
        this.clock = clock;
        this.delivery = delivery;
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

    /**
     * Queues a message on another channel (a webhook call, an SMS, a WhatsApp message) in the caller's transaction,
     * for the channel's {@link ChannelAdapter}; false when this idempotency key was queued before.
     *
     * @throws IllegalArgumentException when no adapter delivers that channel here
     */
    @Transactional
    public boolean enqueue(ChannelRequest request) {
        ChannelAdapter adapter = adapters.of(request.channel());
        try {
            store.insert(request, adapter.keepsQuietHours(), clock.instant());
        } catch (DuplicateKeyException alreadyQueued) {
            return false;
        }
        adapters.wakeUpAfterCommit(request.channel());
        return true;
    }

    /**
     * Queues many emails at once, in the caller's transaction (a broadcast's chunk: one batch, not a round trip
     * each); returns the idempotency keys queued now, leaving out those queued before.
     */
    public Set<String> enqueueAll(List<EmailRequest> requests) {
        Set<String> queued = store.insertAll(requests, clock.instant());
        if (!queued.isEmpty()) {
            dispatcher.wakeUpAfterCommit();
        }
        return queued;
    }

    /**
     * Tries a failed email once more, now, and outside the caller's transaction: whatever this attempt did is
     * recorded even if the caller rolls back, which is what keeps a retried retry from sending twice. Does nothing
     * when the email is no longer failed.
     *
     * @throws DeliveryFailedException when it fails again
     */
    @Transactional(propagation = Propagation.NOT_SUPPORTED)
    public void redeliver(long outboxId) {
        Channel channel = store.find(outboxId).map(OutboxEntry::channel).orElse(Channel.EMAIL);
        if (channel == Channel.EMAIL) {
            delivery.redeliver(outboxId);
        } else {
            adapters.redeliver(channel, outboxId);
        }
    }

    /** The email queued as row {@code outboxId}, if the row still exists (erasure and retention remove rows). */
    public Optional<QueuedEmail> find(long outboxId) {
        return store.find(outboxId).map(entry -> new QueuedEmail(entry.id(), entry.customerId(), entry.templateKey(),
                entry.journeyKey(), entry.stepId()));
    }

    /** The email queued under this idempotency key, if its row still exists. */
    public Optional<QueuedEmail> findByIdempotencyKey(String idempotencyKey) {
        return store.findIdByIdempotencyKey(idempotencyKey).flatMap(this::find);
    }

    /**
     * The last email of a journey that the mail server accepted for this customer at a time in {@code [since,
     * until]}, with when; empty if none. Revenue attribution's "received" rule.
     */
    public Optional<SentEmail> lastJourneyEmailSent(String customerId, Instant since, Instant until) {
        return store.lastJourneyEmailSent(customerId, since, until);
    }

    /** A journey email the mail server accepted, and when. */
    public record SentEmail(QueuedEmail email, Instant sentAt) {
    }

    /**
     * What other features may know of one queued email, such as the survey an answer link came in: its outbox row,
     * its customer, its template, and the journey and step that sent it (both null outside a journey).
     */
    public record QueuedEmail(long id, String customerId, String templateKey, String journeyKey, String stepId) {
    }
}
