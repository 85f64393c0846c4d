package io.stageflow.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.stageflow.customers.Customer;
import io.stageflow.customers.CustomerService;
import io.stageflow.support.Tallies;

import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What mail servers and mail providers report about an email after it was sent, for the package that reads their
 * reports (bounce mailboxes, provider webhooks): which email a report is about, and the record of a late bounce.
 * A report names its email by the return path it came back to (signed, {@link ReturnPaths}), by the email's
 * Message-ID (checked against the row it names), or only by the recipient's address, whose last email of the past
 * {@value #ADDRESS_ONLY_DAYS} days it is then taken to be about.
 */
@Component
public class DeliveryReports {

    /** How far back an address-only report looks for the email it is about. */
    static final int ADDRESS_ONLY_DAYS = 30;
    private static final Pattern OUR_MESSAGE_ID = Pattern.compile("^<?sf\\.(\\d{1,18})\\.[0-9a-f]{16}@[^>]+>?$");

    private final OutboxStore store;
    private final ReturnPaths returnPaths;
    private final EmailComposer composer;
    private final CustomerService customers;
    private final DeliveryEvents events;
    private final Tallies tallies;
    private final TransactionTemplate transaction;
    private final Clock clock;

    DeliveryReports(OutboxStore store, ReturnPaths returnPaths, EmailComposer composer, CustomerService customers,
            DeliveryEvents events, Tallies tallies, PlatformTransactionManager transactions, Clock clock) {
        this.store = store;
        this.returnPaths = returnPaths;
        this.composer = composer;
        this.customers = customers;
        this.events = events;
        this.tallies = tallies;
        this.transaction = new TransactionTemplate(transactions);
        this.clock = clock;
    }

    /**
     * An email a report is about.
     *
     * @param outboxId   its outbox row
     * @param customerId whom it was for
     * @param recipient  the address it went to
     */
    public record ReportedEmail(long outboxId, String customerId, String recipient) {
    }

    /**
     * The email a report names, trying the return path, then the Message-ID, then the address; empty when none is
     * one of ours. Any argument may be null.
     */
    public Optional<ReportedEmail> find(String returnPath, String messageId, String recipient) {
        Optional<Long> named = returnPaths.outboxIdOf(returnPath).or(() -> outboxIdOfMessageId(messageId));
        if (named.isPresent()) {
            return store.find(named.get()).map(entry -> new ReportedEmail(entry.id(), entry.customerId(),
                    store.recipientOf(entry.id()).orElse(recipient)));
        }
        if (recipient == null || recipient.isBlank()) {
            return Optional.empty();
        }
        String address = recipient.strip();
        Instant since = clock.instant().minus(Duration.ofDays(ADDRESS_ONLY_DAYS));
        return customers.search(address, 5).stream()
                .filter(customer -> customer.email() != null && customer.email().equalsIgnoreCase(address))
                .map(Customer::id)
                .flatMap(customerId -> store.lastSentTo(customerId, since).stream()
                        .map(id -> new ReportedEmail(id, customerId, address)))
                .findFirst();
    }

    /** The row a Message-ID of ours names, when the Message-ID is the one that row's email had. */
    private Optional<Long> outboxIdOfMessageId(String messageId) {
        if (messageId == null) {
            return Optional.empty();
        }
        Matcher ours = OUR_MESSAGE_ID.matcher(messageId.strip().toLowerCase(Locale.ROOT));
        if (!ours.matches()) {
            return Optional.empty();
        }
        String bracketed = messageId.strip().startsWith("<") ? messageId.strip() : "<" + messageId.strip() + ">";
        return store.find(Long.parseLong(ours.group(1)))
                .filter(entry -> composer.messageId(entry).equalsIgnoreCase(bracketed))
                .map(OutboxEntry::id);
    }

    /**
     * Records that a sent email bounced after all: the row is marked bounced with the reason, the customer's
     * stream gets {@code email_bounced} and the message report a bounce (hard) or soft bounce, once per email
     * however often it is reported. Suppressing the address is the caller's decision. Nothing is recorded for an
     * erased customer's email.
     *
     * @return whether this was the first report of the email's bounce
     */
    public boolean bounced(ReportedEmail email, boolean permanent, String reason) {
        Optional<OutboxEntry> entry = store.find(email.outboxId());
        if (entry.isEmpty() || entry.get().customerId().startsWith("erased:")) {
            return false;
        }
        Instant now = clock.instant();
        MessageFigure figure = permanent ? MessageFigure.BOUNCED : MessageFigure.SOFT_BOUNCED;
        return Boolean.TRUE.equals(transaction.execute(status -> {
            store.markBounced(entry.get().id(), reason);
            if (!events.recordLateBounce(entry.get(), now, permanent)) {
                return false;
            }
            tallies.add(figure.of(entry.get().templateKey(), entry.get().journeyKey(), entry.get().stepId()), now);
            return true;
        }));
    }
}
