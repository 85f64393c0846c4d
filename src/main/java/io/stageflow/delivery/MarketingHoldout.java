package io.stageflow.delivery;

/**
 * Customers whom no marketing email may reach, whatever sent it (a journey, a broadcast), while transactional email
 * still goes: a global control group, kept apart so that what the marketing achieves can be measured against it.
 * Implemented by the feature that owns the group (experiments), asked by delivery's last check before an email
 * leaves, so that delivery knows no experiment.
 */
public interface MarketingHoldout {

    /** Whether marketing email to this customer is held back. */
    boolean holdsBack(String customerId);

    /** Why, as the message log says it. */
    String reason();
}
