package io.stageflow.templates;

import java.util.Map;
import java.util.Set;

import io.stageflow.customers.Customer;

/**
 * Implemented by features that add entries to the template context (offers add {@code $offer}; orders
 * {@code $cart}, {@code $order} and {@code $products}; loyalty {@code $loyalty}; recommendations
 * {@code $recommendations}; predictions {@code $predicted}), so that messaging need not know them. Each entry's name must
 * not be one of messaging's own ({@code customer}, {@code brand}, {@code journey}, {@code links}, {@code event}). A
 * preview of a real customer shows what delivery would: it asks {@link #forDeliveries} with a key no email has
 * ({@link TemplateModel#PREVIEW_KEY}), so a feature's entries that belong to one email (a coupon) stay out of it.
 */
public interface TemplateExtras {

    /**
     * The names of the entries this feature adds (such as {@code cart}, {@code order} and {@code products}).
     * Delivery reads a feature's entries for a wave only when one of its emails' templates asks for one of these
     * names, so every name {@link #forDeliveries} may give must be here.
     */
    Set<String> names();

    /**
     * The entries of each email of a wave, as delivery renders a wave of them, by its idempotency key (an email with
     * none may be left out). A feature that reads its entries from the database reads them for all the emails with
     * one query.
     */
    Map<String, Map<String, Object>> forDeliveries(Map<String, Customer> recipientsByIdempotencyKey);

    /** Entries for the email queued under this idempotency key, to this customer; empty when there are none. */
    default Map<String, Object> forDelivery(Customer customer, String idempotencyKey) {
        return forDeliveries(Map.of(idempotencyKey, customer)).getOrDefault(idempotencyKey, Map.of());
    }

    /**
     * Made-up entries for a preview or test send with sample traits, so that templates that use them render; also
     * part of what deploy-time validation renders every template with.
     */
    Map<String, Object> forPreview(Customer customer);

    /**
     * The entries delivery gives a customer this feature has nothing on (an empty cart, no order): deploy-time
     * validation renders every template with these as well as with {@link #forPreview}'s, so that a template that
     * would fail for such a customer fails there first. None by default.
     */
    default Map<String, Object> forCustomerWithoutData(Customer customer) {
        return Map.of();
    }
}
