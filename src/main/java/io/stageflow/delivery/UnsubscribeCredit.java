package io.stageflow.delivery;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BiPredicate;

import io.stageflow.subscriptions.Complained;
import io.stageflow.subscriptions.Unsubscribed;
import io.stageflow.support.Tallies;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Credits an unsubscribe to the email whose link (or List-Unsubscribe header) was used, and a spam complaint to the
 * email a feedback loop reported: the customer's event stream gets {@code email_unsubscribed} or
 * {@code email_complained}, and the message report an {@code unsubscribed} or {@code complained} for that email's
 * template and sender, once per email however often it happens, in one transaction. An unsubscribe or complaint
 * whose link names no email (made before links named theirs) still suppresses the address, but is credited to none.
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
        credit(unsubscribed.outboxId(), MessageFigure.UNSUBSCRIBED, events::recordUnsubscribed);
    }

    @EventListener
    void complained(Complained complained) {
        credit(complained.outboxId(), MessageFigure.COMPLAINED, events::recordComplained);
    }

    /** The event and, the first time only, the tally of the email; nothing for none, or an erased customer's. */
    private void credit(Long outboxId, MessageFigure figure, BiPredicate<OutboxEntry, Instant> firstEvent) {
        if (outboxId == null) {
            return;
        }
        Optional<OutboxEntry> email = store.find(outboxId);
        if (email.isEmpty() || email.get().customerId().startsWith("erased:")) {
            return;
        }
        Instant now = clock.instant();
        transaction.executeWithoutResult(status -> {
            if (firstEvent.test(email.get(), now)) {
                tallies.add(figure.of(email.get().templateKey(), email.get().journeyKey(), email.get().stepId()), now);
            }
        });
    }
}
