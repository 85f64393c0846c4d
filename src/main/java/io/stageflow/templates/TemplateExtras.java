package io.stageflow.templates;

import java.util.Map;

import io.stageflow.customers.Customer;

/**
 * Implemented by features that add entries to the template context (offers add {@code $offer}), so that
 * messaging need not know them. Each entry's name must not be one of messaging's own ({@code customer},
 * {@code brand}, {@code journey}, {@code links}).
 */
public interface TemplateExtras {

    /** Entries for the email queued under this idempotency key, to this customer; empty when there are none. */
    Map<String, Object> forDelivery(Customer customer, String idempotencyKey);

    /** Made-up entries for a preview or test send with sample traits, so that templates that use them render. */
    Map<String, Object> forPreview(Customer customer);
}
