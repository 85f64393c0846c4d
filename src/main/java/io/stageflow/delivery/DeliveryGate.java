package io.stageflow.delivery;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

import io.stageflow.customers.Customer;
import io.stageflow.customers.CustomerService;
import io.stageflow.subscriptions.EmailCategory;
import io.stageflow.subscriptions.Suppressions;

import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The last check before an email leaves: the customer's address, the suppression list (unsubscribed, complained,
 * bounced, erased), then, for marketing email, the customer's consent, a global control group
 * ({@link MarketingHoldout}), the frequency cap and quiet hours. A held-back
 * row is finished or deferred here, with its reason. The rows of a dispatcher's wave are claimed and
 * checked together, in one transaction under their customers' locks, with one read of each kind for all of them.
 */
@Component
class DeliveryGate {

    private final Suppressions suppressions;
    private final List<MarketingHoldout> holdouts;
    private final Pacing pacing;
    private final CustomerService customers;
    private final OutboxStore store;
    private final TransactionTemplate transactions;
    private final DeliveryProperties.Pacing.OnLimit onLimit;
    private final Clock clock;
    private final boolean requireOptIn;

    private static final int PACING_ATTEMPTS = 3;

    DeliveryGate(Suppressions suppressions, Pacing pacing, CustomerService customers, OutboxStore store,
            TransactionTemplate transactions, DeliveryProperties properties, Clock clock,
            List<MarketingHoldout> holdouts) {
        this.holdouts = List.copyOf(holdouts);
        this.suppressions = suppressions;
        this.pacing = pacing;
        this.customers = customers;
        this.store = store;
        this.transactions = transactions;
        this.onLimit = properties.pacing().onLimit();
        this.clock = clock;
        this.requireOptIn = properties.consent().requireOptIn();
    }

    /**
     * A claimed row and its customer as the check found them; {@code heldBack} is null when the email may be sent now,
     * otherwise what was done with it (for the metrics: skipped, suppressed, deferred).
     */
    record Checked(OutboxEntry entry, Customer customer, String heldBack) {
    }

    /**
     * Claims the rows read as due ({@link OutboxStore#claimAll}) and checks the ones claimed, in one transaction: the
     * rows this dispatcher now holds, each with its verdict, in the order given. {@code thenToo} runs at the end of
     * that transaction with the rows that may be sent now (to record what must be stored before they leave). The
     * customers are locked before their rows are claimed, the order in which a journey's transaction takes them when
     * it withdraws an email: the other order deadlocked with it (docs/reliability.md, the correlation race).
     */
    List<Checked> claimAndCheck(List<OutboxEntry> due, Instant leaseUntil, Consumer<List<Checked>> thenToo) {
        return withRetries(() -> {
            if (due.isEmpty()) {
                return List.of();
            }
            Map<String, Customer> locked = lockCustomersOf(due);
            List<OutboxEntry> claimed = store.claimAll(due, clock.instant(), leaseUntil);
            List<Checked> checked = checkClaimed(claimed, locked);
            thenToo.accept(checked.stream().filter(row -> row.heldBack() == null).toList());
            return checked;
        });
    }

    /** Checks rows this dispatcher has claimed already (an operator's retry of a failed one), as above. */
    List<Checked> check(List<OutboxEntry> claimed, Consumer<List<Checked>> thenToo) {
        return withRetries(() -> {
            List<Checked> checked = claimed.isEmpty() ? List.of() : checkClaimed(claimed, lockCustomersOf(claimed));
            thenToo.accept(checked.stream().filter(row -> row.heldBack() == null).toList());
            return checked;
        });
    }

    /**
     * Decided under the customers' locks, and a send that may go is counted at once, so that dispatchers on two
     * nodes cannot both send a customer their one email of the day. MySQL picks a deadlock victim now and then when
     * nodes lock the same customers; the decision is rolled back whole, so taking it again is safe.
     */
    private List<Checked> withRetries(java.util.function.Supplier<List<Checked>> decision) {
        for (int attempt = 1; ; attempt++) {
            try {
                return transactions.execute(tx -> decision.get());
            } catch (PessimisticLockingFailureException deadlock) {
                if (attempt == PACING_ATTEMPTS) {
                    throw deadlock;
                }
            }
        }
    }

    private Map<String, Customer> lockCustomersOf(List<OutboxEntry> rows) {
        return customers.lockAll(rows.stream().map(OutboxEntry::customerId).toList());
    }

    /** Checks the claimed rows, their customers locked ({@code locked}) in this transaction. */
    private List<Checked> checkClaimed(List<OutboxEntry> claimed, Map<String, Customer> locked) {
        if (claimed.isEmpty()) {
            return List.of();
        }
        Instant now = clock.instant(); // after the locks: a send another node stamped meanwhile is in the past
        Map<String, Suppressions.Reason> suppressed = suppressions.reasons(locked.values().stream()
                .map(Customer::email).filter(Objects::nonNull).toList());
        Map<String, List<OutboxStore.MarketingSend>> recent = pacing.recentSends(claimed.stream()
                .filter(entry -> entry.category() == EmailCategory.MARKETING).map(OutboxEntry::customerId)
                .distinct().toList(), now);
        List<Checked> checked = new ArrayList<>();
        List<Long> reserved = new ArrayList<>();
        for (OutboxEntry entry : claimed) {
            Customer customer = locked.get(entry.customerId());
            String heldBack = holdBack(entry, customer, suppressed, recent, now);
            if (heldBack == null && entry.category() == EmailCategory.MARKETING) {
                reserved.add(entry.id());
                recent.computeIfAbsent(customer.id(), id -> new ArrayList<>())
                        .add(new OutboxStore.MarketingSend(customer.id(), entry.id(), entry.priority().rank(), now));
            }
            checked.add(new Checked(entry, customer, heldBack));
        }
        store.reserveSendTimes(reserved, now);
        return checked;
    }

    private String holdBack(OutboxEntry entry, Customer customer, Map<String, Suppressions.Reason> suppressed,
            Map<String, List<OutboxStore.MarketingSend>> recent, Instant now) {
        if (customer == null || customer.email() == null) {
            store.finish(entry, OutboxStatus.SKIPPED, "Customer " + entry.customerId() + " has no email address",
                    MessageFigure.SKIPPED, now);
            return "skipped";
        }
        Suppressions.Reason reason = suppressed.get(customer.email());
        if (reason != null && reason.blocks(entry.category())) {
            store.finish(entry, OutboxStatus.SUPPRESSED, "The address is suppressed: "
                    + reason.name().toLowerCase(Locale.ROOT), MessageFigure.suppressed(reason), now);
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
                    noConsent ? MessageFigure.SUPPRESSED_NO_CONSENT : MessageFigure.SUPPRESSED_DECLINED, now);
            return "suppressed";
        }
        for (MarketingHoldout holdout : holdouts) {
            if (holdout.holdsBack(customer.id())) {
                store.finish(entry, OutboxStatus.SUPPRESSED, holdout.reason(), MessageFigure.SUPPRESSED_CONTROL_GROUP,
                        now);
                return "suppressed";
            }
        }
        PacingRule.Decision decision = pacing.nextAllowed(recent.getOrDefault(customer.id(), List.of()), entry.id(),
                entry.priority(), zoneOf(customer), entry.respectQuietHours(), now);
        if (!decision.allowedAt().isAfter(now)) {
            return null;
        }
        if (onLimit == DeliveryProperties.Pacing.OnLimit.SKIP) {
            store.finish(entry, OutboxStatus.SKIPPED, "Not sent (priority " + describe(entry.priority()) + "): "
                    + decision.reason(), MessageFigure.SKIPPED, now);
            return "skipped";
        }
        store.defer(entry, now, decision.allowedAt(), "Deferred until " + decision.allowedAt() + " by "
                + decision.reason() + " (priority " + describe(entry.priority()) + ")");
        return "deferred";
    }

    private boolean consentsToMarketing(Customer customer) {
        Boolean consent = customer.marketingConsent();
        return consent == null ? !requireOptIn : consent;
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
