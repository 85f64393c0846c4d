package io.stageflow.templates;

import java.util.Map;

import io.stageflow.customers.Customer;

/**
 * Gives templates {@code $event}: the event that led a journey to the step sending the email (the cart update of an
 * abandoned cart, the order of an upsell), shaped for the recipient (their language and time zone). Implemented by
 * the feature that knows what events hold (orders, which knows products and order lines), so that messaging need not.
 * Delivery asks once for a whole wave of emails.
 */
public interface TriggeringEvents {

    /**
     * {@code $event} of each email, by its idempotency key; an email whose event is gone (erased) or unknown is left
     * out, and its template sees no {@code $event}.
     */
    Map<String, Map<String, Object>> forEmails(Map<String, EmailEvent> eventsByIdempotencyKey);

    /** A made-up {@code $event} for a preview or test send with sample traits, and for deploy-time validation. */
    Map<String, Object> forPreview(Customer customer);

    /** An email to this customer and the messageId of the event that led to it. */
    record EmailEvent(Customer customer, String messageId) {
    }
}
