package io.stageflow.delivery;

import java.util.List;
import java.util.Optional;

import org.springframework.stereotype.Component;

/**
 * Every email queued for a customer, newest first, with its fate and why, and the copies of those sent: for the
 * console's customer timeline.
 */
@Component
public class CustomerMessages {

    private final OutboxStore outbox;
    private final SentCopies copies;

    CustomerMessages(OutboxStore outbox, SentCopies copies) {
        this.outbox = outbox;
        this.copies = copies;
    }

    /** The customer's emails, newest first. */
    public List<MessageLogEntry> of(String customerId) {
        return outbox.findByCustomer(customerId);
    }

    /**
     * The customer's email {@code outboxId} as it was sent, if its copy is still kept (for
     * {@code stageflow.delivery.sent-copies.keep-for}); empty for another customer's email.
     */
    public Optional<SentCopy> copyOf(String customerId, long outboxId) {
        return copies.of(customerId, outboxId);
    }
}
