package io.stageflow.delivery;

import java.util.List;

import org.springframework.stereotype.Component;

/** Every email queued for a customer, newest first, with its fate and why: for the console's customer timeline. */
@Component
public class CustomerMessages {

    private final OutboxStore outbox;

    CustomerMessages(OutboxStore outbox) {
        this.outbox = outbox;
    }

    /** The customer's emails, newest first. */
    public List<MessageLogEntry> of(String customerId) {
        return outbox.findByCustomer(customerId);
    }
}
