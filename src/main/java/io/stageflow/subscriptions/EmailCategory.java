package io.stageflow.subscriptions;

/** Whether an email needs marketing consent (the default) or is a transactional message the customer expects. */
public enum EmailCategory {
    MARKETING,
    TRANSACTIONAL
}
