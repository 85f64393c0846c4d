package io.stageflow.customers;

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
}
