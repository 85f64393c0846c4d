package io.stageflow.broadcasts;

import java.util.ArrayList;
import java.util.List;

import io.stageflow.jobs.Outcomes;
import io.stageflow.subscriptions.EmailCategory;
import io.stageflow.delivery.EmailRequest;
import io.stageflow.delivery.Outbox;
import io.stageflow.delivery.SendPriority;

import org.springframework.batch.item.Chunk;
import org.springframework.batch.item.ExecutionContext;
import org.springframework.batch.item.ItemStreamWriter;

/**
 * Queues the broadcast's email for each customer of the chunk in the outbox, in the chunk's transaction, at the
 * broadcast's rate. The idempotency key {@code broadcast:<broadcast id>:<customer id>} makes a re-run (a restart,
 * the same broadcast posted again, a partition run twice) queue nothing new. Consent, suppression, the frequency
 * cap and quiet hours are the dispatcher's, at delivery, as for any email.
 */
class BroadcastWriter implements ItemStreamWriter<String> {

    static final String QUEUED = "queued";
    static final String QUEUED_BEFORE = "queuedBefore";

    private final Outbox outbox;
    private final BroadcastThrottle throttle;
    private final long partitionExecutionId;
    private final String broadcast;
    private final String template;
    private final EmailCategory category;
    private final Outcomes outcomes = new Outcomes(QUEUED, QUEUED_BEFORE);

    BroadcastWriter(Outbox outbox, BroadcastThrottle throttle, long partitionExecutionId, String broadcast, String template,
            EmailCategory category) {
        this.outbox = outbox;
        this.throttle = throttle;
        this.partitionExecutionId = partitionExecutionId;
        this.broadcast = broadcast;
        this.template = template;
        this.category = category;
    }

    /** Queues the chunk in one batch, then waits for the rate; the rows are seen by the dispatcher at the commit. */
    @Override
    public void write(Chunk<? extends String> chunk) {
        List<EmailRequest> requests = new ArrayList<>(chunk.size());
        for (String customerId : chunk) {
            requests.add(new EmailRequest(key(broadcast, customerId), customerId, template, category, null, null,
                    "broadcast:" + broadcast, true, SendPriority.BROADCAST));
        }
        int queued = outbox.enqueueAll(requests).size();
        outcomes.add(QUEUED, queued);
        outcomes.add(QUEUED_BEFORE, requests.size() - queued);
        // Only queued email counts towards the rate: a re-run skips what it queued before at full speed.
        for (int i = 0; i < queued; i++) {
            throttle.acquire(partitionExecutionId);
        }
    }

    static String key(String broadcast, String customerId) {
        return "broadcast:" + broadcast + ":" + customerId;
    }

    @Override
    public void open(ExecutionContext context) {
        outcomes.open(context);
    }

    @Override
    public void update(ExecutionContext context) {
        outcomes.update(context);
    }
}
