package io.stageflow.delivery;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Locale;

import io.stageflow.customers.Customer;
import io.stageflow.customers.CustomerService;
import io.stageflow.subscriptions.EmailCategory;
import io.stageflow.subscriptions.Suppressions;

import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The last check before an email leaves: the suppression list first (unsubscribed, complained, bounced, erased),
 * then, for marketing email, the customer's consent, the frequency cap and quiet hours. A held-back row is finished or deferred here, with its reason.
 */
@Component
class DeliveryGate {

    private final Suppressions suppressions;
    private final Pacing pacing;
    private final CustomerService customers;
    private final OutboxStore store;
    private final TransactionTemplate transactions;
    private final DeliveryProperties.Pacing.OnLimit onLimit;
    private final Clock clock;
    private final boolean requireOptIn;

    private static final int PACING_ATTEMPTS = 3;

    DeliveryGate(Suppressions suppressions, Pacing pacing, CustomerService customers, OutboxStore store,
            TransactionTemplate transactions, DeliveryProperties properties, Clock clock) {
        this.suppressions = suppressions;
        this.pacing = pacing;
        this.customers = customers;
        this.store = store;
        this.transactions = transactions;
        this.onLimit = properties.pacing().onLimit();
        this.clock = clock;
        this.requireOptIn = properties.consent().requireOptIn();
    }

    /** Null when the claimed row may be sent now; otherwise what was done with it (for the metrics). */
    String holdBack(OutboxEntry entry, Customer customer) {
        Suppressions.Reason suppressed = suppressions.blockingReason(customer.email(), entry.category());
        if (suppressed != null) {
            store.finish(entry, OutboxStatus.SUPPRESSED, "The address is suppressed: "
                    + suppressed.name().toLowerCase(Locale.ROOT), MessageFigure.suppressed(suppressed), clock.instant());
            return "suppressed";
        }
        if (entry.category() != EmailCategory.MARKETING) {
            return null;
        }
        if (!consentsToMarketing(customer)) {
            boolean noConsent = customer.marketingConsent() == null;
            store.finish(entry, OutboxStatus.SUPPRESSED, noConsent
                    ? "No marketing consent on record, and stageflow.delivery.consent.require-opt-in is set"
                    : "The customer declined marketing email (marketingConsent: false)",
                    noConsent ? MessageFigure.SUPPRESSED_NO_CONSENT : MessageFigure.SUPPRESSED_DECLINED, clock.instant());
            return "suppressed";
        }
        return pace(entry, customer);
    }

    private boolean consentsToMarketing(Customer customer) {
        Boolean consent = customer.marketingConsent();
        return consent == null ? !requireOptIn : consent;
    }

    /**
     * Decided under the customer's lock, and a send that may go is counted at once, so that dispatchers on two
     * nodes cannot both send the customer their one email of the day.
     */
    private String pace(OutboxEntry entry, Customer customer) {
        for (int attempt = 1; ; attempt++) {
            try {
                return decidePace(entry, customer);
            } catch (PessimisticLockingFailureException deadlock) {
                // MySQL picks a deadlock victim now and then when nodes pace the same customer; the decision is
                // rolled back whole, so taking it again is safe.
                if (attempt == PACING_ATTEMPTS) {
                    throw deadlock;
                }
            }
        }
    }

    private String decidePace(OutboxEntry entry, Customer customer) {
        return transactions.execute(tx -> {
            customers.lock(customer.id());
            Instant now = clock.instant(); // after the lock: a send another node stamped meanwhile is in the past
            PacingRule.Decision decision = pacing.nextAllowed(customer.id(), entry.id(), entry.priority(),
                    zoneOf(customer), entry.respectQuietHours(), now);
            if (!decision.allowedAt().isAfter(now)) {
                store.reserveSendTime(entry.id(), now);
                return null;
            }
            if (onLimit == DeliveryProperties.Pacing.OnLimit.SKIP) {
                store.finish(entry, OutboxStatus.SKIPPED, "Not sent (priority " + describe(entry.priority()) + "): "
                        + decision.reason(), MessageFigure.SKIPPED, clock.instant());
                return "skipped";
            }
            store.defer(entry, clock.instant(), decision.allowedAt(), "Deferred until " + decision.allowedAt() + " by "
                    + decision.reason() + " (priority " + describe(entry.priority()) + ")");
            return "deferred";
        });
    }

    private static String describe(SendPriority priority) {
        return priority.name().toLowerCase(Locale.ROOT);
    }

    private static ZoneId zoneOf(Customer customer) {
        try {
            return ZoneId.of(customer.timeZone());
        } catch (RuntimeException unusable) {
            return ZoneOffset.UTC;
        }
    }
}
