package io.stageflow.customers;

import io.stageflow.support.Sha256;

/**
 * Implemented by each feature that keeps data about a customer (events, messages, journeys), so that an export
 * collects all of it and an erasure removes all of it, without this package knowing the others.
 */
public interface PersonalData {

    /** The key of this feature's section in an export, such as {@code events}. */
    String section();

    /** What this feature holds about the customer, as plain JSON-ready values. */
    Object export(Customer customer);

    /** Removes or anonymises what this feature holds about the customer, in the caller's transaction. */
    void erase(Customer customer);

    /**
     * The id that rows kept for statistics carry after an erasure: the same for every feature, so an erased
     * customer's rows still belong together in reports, and no way back to the person.
     */
    static String anonymousId(Customer customer) {
        return anonymousId(customer.id());
    }

    /** {@link #anonymousId(Customer)} of the customer with this id. */
    static String anonymousId(String customerId) {
        return "erased:" + Sha256.hex(customerId).substring(0, 32);
    }
}
