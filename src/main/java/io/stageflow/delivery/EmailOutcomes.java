package io.stageflow.delivery;

import java.util.List;

/**
 * Published when outbox rows have reached their end ({@link EmailOutcome}), several at once when a dispatcher
 * settles a wave of emails, so that a listener can act on all of them with one statement. Listeners run in the
 * dispatcher's thread, after the rows' statuses are committed; for withdrawn emails, in the transaction that ended
 * their journey and withdrew them, so that both commit or neither does.
 */
public record EmailOutcomes(List<EmailOutcome> outcomes) {

    public EmailOutcomes {
        outcomes = List.copyOf(outcomes);
    }
}
