package io.stageflow.subscriptions;

import java.util.Locale;
import java.util.Optional;

/**
 * The language of the customer an email went to, for the unsubscribe and preference pages its links lead to: the
 * outbox knows the email, this package only the link. Implemented by delivery.
 */
public interface RecipientLocales {

    /** The preferred locale of the customer email {@code outboxId} was for; empty when the email or customer is gone. */
    Optional<Locale> ofEmail(long outboxId);
}
