package io.stageflow.delivery;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

import io.stageflow.subscriptions.Unsubscribed;
import io.stageflow.support.Tallies;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Credits an unsubscribe to the email whose link (or List-Unsubscribe header) was used: the customer's event stream
 * gets {@code email_unsubscribed} and the message report an {@code unsubscribed} for that email's template and
 * sender, once per email however often the link is used, in one transaction. An unsubscribe by a link that names no
 * email (made before links named theirs) still unsubscribes, but is credited to none.
 */
@Component
class UnsubscribeCredit {

    private final OutboxStore store;
    private final DeliveryEvents events;
    private final Tallies tallies;
    private final TransactionTemplate transaction;
    private final Clock clock;

    UnsubscribeCredit(OutboxStore store, DeliveryEvents events, Tallies tallies, PlatformTransactionManager transactions,
            Clock clock) {
        this.store = store;
        this.events = events;
        this.tallies = tallies;
        this.transaction = new TransactionTemplate(transactions);
        this.clock = clock;
    }

    @EventListener
    void unsubscribed(Unsubscribed unsubscribed) {
        if (unsubscribed.outboxId() == null) {
            return;
        }
        Optional<OutboxEntry> email = store.find(unsubscribed.outboxId());
        if (email.isEmpty() || email.get().customerId().startsWith("erased:")) {
            return;
        }
        Instant now = clock.instant();
        transaction.executeWithoutResult(status -> {
            if (events.recordUnsubscribed(email.get(), now)) {
                tallies.add(MessageFigure.UNSUBSCRIBED.of(email.get().templateKey(), email.get().journeyKey(),
                        email.get().stepId()), now);
            }
        });
    }
}
