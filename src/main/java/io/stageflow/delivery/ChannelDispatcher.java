package io.stageflow.delivery;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

import io.stageflow.customers.Customer;
import io.stageflow.customers.CustomerService;
import io.stageflow.subscriptions.EmailCategory;
import io.stageflow.templates.TemplateModel;

import io.micrometer.core.instrument.MeterRegistry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.PessimisticLockingFailureException;

/**
 * Delivers the queued messages of one channel other than email through its {@link ChannelAdapter}, under email's
 * rules: each row is claimed with a fenced update before the adapter is called, so dispatchers on any number of nodes
 * deliver it once; the hand-over is committed before the request leaves, so a node that stops mid-call leaves a row
 * that is repeated with the same delivery id (a receiver that deduplicates, as a Standard Webhooks one does) or flagged
 * {@code OUTCOME_UNKNOWN}, as the adapter says; temporary failures are retried with the outbox's backoff; a journey's
 * message that fails for good becomes an incident ({@link DeliveryFailed}). Before the call, the customer's consent for
 * the channel, the global control group and, where the channel keeps them, quiet hours are checked. A pass takes a
 * batch and runs up to {@code concurrency} calls at once on the channel's own threads, so one slow endpoint never holds
 * up email or another channel.
 */
class ChannelDispatcher {

    private static final Logger log = LoggerFactory.getLogger(ChannelDispatcher.class);
    private static final Duration DAY = Duration.ofDays(1);
    private static final Duration WEEK = Duration.ofDays(7);

    private final ChannelAdapter adapter;
    private final OutboxStore store;
    private final CustomerService customers;
    private final TemplateModel templateModel;
    private final SendingWindow quietHours;
    private final List<MarketingHoldout> holdouts;
    private final ApplicationEventPublisher events;
    private final MeterRegistry meters;
    private final Clock clock;
    private final DeliveryProperties.Dispatcher retries;
    private final DeliveryProperties.Channels settings;
    private final ExecutorService calls;

    ChannelDispatcher(ChannelAdapter adapter, OutboxStore store, CustomerService customers, TemplateModel templateModel,
            SendingWindow quietHours, List<MarketingHoldout> holdouts, ApplicationEventPublisher events,
            MeterRegistry meters, Clock clock, DeliveryProperties properties, ExecutorService calls) {
        this.adapter = adapter;
        this.store = store;
        this.customers = customers;
        this.templateModel = templateModel;
        this.quietHours = quietHours;
        this.holdouts = List.copyOf(holdouts);
        this.events = events;
        this.meters = meters;
        this.clock = clock;
        this.retries = properties.dispatcher();
        this.settings = properties.channels();
        this.calls = calls;
    }

    Channel channel() {
        return adapter.channel();
    }

    /**
     * The delivery id of a row: the same on every attempt and every node, from the row's idempotency key, in the
     * Standard Webhooks form {@code msg_<hex>}.
     */
    static String deliveryId(String idempotencyKey) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(idempotencyKey.getBytes(StandardCharsets.UTF_8));
            return "msg_" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing", e);
        }
    }

    /** Delivers one batch of this channel's due rows; true when there were any, so the caller polls again at once. */
    boolean dispatchDue() {
        Instant now = clock.instant();
        recoverAbandoned(now);
        List<OutboxEntry> due = store.findDue(adapter.channel(), now, settings.batchSize());
        if (due.isEmpty()) {
            return false;
        }
        List<OutboxEntry> claimed = store.claimAll(due, now, now.plus(retries.lease()));
        // One customer's messages one after another, in queue order, so that the frequency cap counts each before the
        // next; different customers' in parallel.
        Map<String, List<OutboxEntry>> byCustomer = new LinkedHashMap<>();
        claimed.forEach(entry -> byCustomer.computeIfAbsent(entry.customerId(), c -> new ArrayList<>()).add(entry));
        List<Future<?>> running = new ArrayList<>();
        for (List<OutboxEntry> rows : byCustomer.values()) {
            running.add(calls.submit(() -> rows.forEach(this::deliverClaimed)));
        }
        for (Future<?> call : running) {
            try {
                call.get();
            } catch (ExecutionException e) {
                log.warn("A {} delivery failed unexpectedly; its row is taken back after its lease", channel().key(),
                        e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return true;
    }

    /**
     * Takes back this channel's rows whose node stopped mid-delivery: one not yet handed over goes again; one that was
     * is repeated with the same delivery id when the adapter is safe to repeat, else flagged {@code OUTCOME_UNKNOWN}.
     */
    private void recoverAbandoned(Instant now) {
        try {
            int retried = store.retryAbandonedBeforeHandOver(adapter.channel(), now);
            int repeated = adapter.safeToRepeat()
                    ? store.resendAbandonedDuringHandOver(adapter.channel(), now, Integer.MAX_VALUE) : 0;
            int flagged = store.flagAbandonedDuringHandOver(adapter.channel(), now);
            if (retried + repeated + flagged > 0) {
                log.warn("{} {} rows were being delivered by a dispatcher that stopped: {} go again, {} are repeated"
                        + " with the same delivery id, {} are flagged OUTCOME_UNKNOWN", retried + repeated + flagged,
                        channel().key(), retried, repeated, flagged);
            }
        } catch (PessimisticLockingFailureException anotherNodeIsSweeping) {
            log.debug("Sweep for abandoned {} deliveries lost a lock race", channel().key(), anotherNodeIsSweeping);
        }
    }

    /**
     * One more attempt at a message that failed for good, as an operator asked by retrying its incident. Does nothing
     * when the row is no longer failed (an earlier retry delivered it), so retrying twice never calls twice.
     *
     * @throws DeliveryFailedException when this attempt failed for good too; the row stays failed
     */
    void redeliver(long id) {
        if (!store.claimFailed(id, clock.instant().plus(retries.lease()))) {
            return;
        }
        OutboxEntry entry = store.find(id).orElseThrow();
        deliverClaimed(entry, false);
        if (store.statusOf(id) == OutboxStatus.FAILED) {
            throw new DeliveryFailedException(channel().key() + " message " + id + " (" + entry.templateKey()
                    + ", step " + entry.stepId() + ") still cannot be delivered: " + store.lastErrorOf(id));
        }
    }

    private void deliverClaimed(OutboxEntry entry) {
        deliverClaimed(entry, true);
    }

    /** @param announceFailure whether a failure for good is announced (an incident); not when retrying one */
    private void deliverClaimed(OutboxEntry entry, boolean announceFailure) {
        try {
            Customer customer = customers.find(entry.customerId()).orElse(null);
            if (customer == null) {
                finish(entry, OutboxStatus.SKIPPED, "The customer no longer exists", MessageFigure.SKIPPED);
                return;
            }
            ChannelMessage message = new ChannelMessage(entry.id(), deliveryId(entry.idempotencyKey()),
                    entry.attempts(), entry.channel(), nameOf(entry), customer, entry.category(), entry.journeyKey(),
                    entry.journeyInstanceId(), entry.stepId(), entry.channelSettings(), model(entry, customer));
            if (heldBack(entry, message)) {
                return;
            }
            store.reserveSendTimes(List.of(entry.id()), clock.instant()); // counted by the cap from now on
            if (!store.markHandedOver(entry.id(), entry.attempts(), clock.instant(), message.deliveryId())) {
                return; // another dispatcher took the row over: it is that one's now
            }
            settle(entry, deliver(message), announceFailure);
        } catch (DataAccessException e) {
            // Nothing was handed over, or the outcome could not be recorded: the lease brings the row back.
            log.warn("{} row {}: the database failed during delivery; the row is taken back after its lease",
                    channel().key(), entry.id(), e);
        }
    }

    /**
     * The checks before the call, in email's order: the customer's consent for the channel (and a usable address),
     * then for marketing the global control group, quiet hours and the channel's frequency cap. True when the row was
     * finished or deferred here.
     */
    private boolean heldBack(OutboxEntry entry, ChannelMessage message) {
        ChannelConsent consent = adapter.consent(message);
        if (consent.verdict() != ChannelConsent.Verdict.ALLOWED) {
            boolean suppressed = consent.verdict() == ChannelConsent.Verdict.SUPPRESSED;
            finish(entry, suppressed ? OutboxStatus.SUPPRESSED : OutboxStatus.SKIPPED, consent.reason(),
                    suppressed ? MessageFigure.SUPPRESSED_NO_CONSENT : MessageFigure.SKIPPED);
            return true;
        }
        if (entry.category() != EmailCategory.MARKETING) {
            return false;
        }
        for (MarketingHoldout holdout : holdouts) {
            if (holdout.holdsBack(entry.customerId())) {
                finish(entry, OutboxStatus.SUPPRESSED, holdout.reason(), MessageFigure.SUPPRESSED_CONTROL_GROUP);
                return true;
            }
        }
        if (!entry.respectQuietHours()) {
            return false;
        }
        Instant now = clock.instant();
        Instant allowed = quietHours.nextAllowed(now, message.customer().preferredZone());
        if (allowed.isAfter(now)) {
            store.defer(entry, now, allowed, "Held back for the recipient's " + quietHours.describe());
            count(entry, "deferred");
            return true;
        }
        return capped(entry, now) != null;
    }

    /**
     * The channel's own frequency cap for a marketing message to a person (SMS, WhatsApp): this channel's marketing
     * messages to the customer over the last 24 hours and 7 days, apart from email's. Over it, the row is deferred
     * until the window allows it, and the reason returned; null when the message may go.
     */
    private String capped(OutboxEntry entry, Instant now) {
        List<Instant> week = store.marketingSendTimes(entry.channel(), entry.customerId(), now.minus(WEEK),
                entry.id());
        List<Instant> day = week.stream().filter(sent -> sent.isAfter(now.minus(DAY))).toList();
        Instant until = null;
        String reason = null;
        if (day.size() >= settings.marketingPerDay()) {
            until = day.get(day.size() - settings.marketingPerDay()).plus(DAY);
            reason = settings.marketingPerDay() + " a day";
        }
        if (week.size() >= settings.marketingPerWeek()) {
            Instant weekly = week.get(week.size() - settings.marketingPerWeek()).plus(WEEK);
            if (until == null || weekly.isAfter(until)) {
                until = weekly;
                reason = settings.marketingPerWeek() + " a week";
            }
        }
        if (until == null) {
            return null;
        }
        String why = "Deferred until " + until + " by the " + channel().key() + " frequency cap (" + reason + ")";
        store.defer(entry, now, until, why);
        count(entry, "deferred");
        return why;
    }

    /**
     * The adapter's attempt; an adapter that fails unexpectedly after the hand-over may have made its call, so that is
     * an unknown outcome (repeated with the same id, or flagged), never a row left to its lease.
     */
    private ChannelResult deliver(ChannelMessage message) {
        try {
            return adapter.deliver(message);
        } catch (RuntimeException e) {
            log.error("The {} adapter failed on row {}", channel().key(), message.outboxId(), e);
            return new ChannelResult.Unknown("The " + channel().key() + " adapter failed: " + e);
        }
    }

    private Map<String, Object> model(OutboxEntry entry, Customer customer) {
        return new HashMap<>(templateModel.forDeliveries(List.of(new TemplateModel.DeliveredEmail(customer, entry.id(),
                entry.journeyKey(), entry.idempotencyKey(), entry.eventMessageId(), entry.journeyVariables()))).get(0));
    }

    private static String nameOf(OutboxEntry entry) {
        int colon = entry.templateKey().indexOf(':');
        return colon < 0 ? entry.templateKey() : entry.templateKey().substring(colon + 1);
    }

    /** Records what the adapter answered, fenced by the claim. */
    private void settle(OutboxEntry entry, ChannelResult result, boolean announceFailure) {
        Instant now = clock.instant();
        if (result instanceof ChannelResult.Delivered delivered) {
            boolean[] recorded = store.markAllSent(List.of(new OutboxStore.Accepted(entry, now, delivered.recipient(),
                    delivered.summary(), deliveryId(entry.idempotencyKey()), 0)));
            if (!recorded[0]) {
                count(entry, "taken_over");
                return;
            }
            store.recordProviderMessageId(entry.id(), delivered.providerMessageId());
            count(entry, "sent");
            if (entry.journeyInstanceId() != null) {
                events.publishEvent(new ChannelDelivered(entry.id(), entry.channel(), entry.idempotencyKey(),
                        entry.journeyInstanceId(), entry.stepId(), delivered.variables()));
            }
        } else if (result instanceof ChannelResult.Retry retry) {
            retryOrGiveUp(entry, retry.reason(), retry.retryAfter(), announceFailure);
        } else if (result instanceof ChannelResult.Failed failed) {
            giveUp(entry, failed.reason(), announceFailure);
        } else if (result instanceof ChannelResult.Unreachable unreachable) {
            if (finish(entry, OutboxStatus.FAILED, unreachable.reason(), MessageFigure.BOUNCED)) {
                log.warn("{} row {} (customer {}): unreachable, not retried: {}", channel().key(), entry.id(),
                        entry.customerId(), unreachable.reason());
            }
        } else if (result instanceof ChannelResult.Unknown unknown) {
            if (adapter.safeToRepeat()) {
                store.resendAfterUnknownOutcome(entry.id(), entry.attempts(), now.plus(backoff(entry)),
                        "Repeated with the same delivery id after: " + unknown.reason());
                count(entry, "retried");
            } else {
                store.markOutcomeUnknown(entry, now, "Delivery outcome unknown: " + unknown.reason());
                count(entry, "outcome_unknown");
            }
        }
    }

    private void retryOrGiveUp(OutboxEntry entry, String reason, Duration retryAfter, boolean announceFailure) {
        if (entry.attempts() >= retries.maxAttempts()) {
            giveUp(entry, reason + " (after " + entry.attempts() + " attempts)", announceFailure);
            return;
        }
        Duration wait = retryAfter != null && retryAfter.compareTo(backoff(entry)) > 0
                && retryAfter.compareTo(retries.maxRetryBackoff()) <= 0 ? retryAfter : backoff(entry);
        if (store.retryAt(entry, clock.instant().plus(wait), reason)) {
            log.warn("{} row {} failed attempt {}; retrying in {}: {}", channel().key(), entry.id(), entry.attempts(),
                    wait, reason);
            count(entry, "retried");
        }
    }

    /** The message fails for good: a journey's gets an incident, through {@link DeliveryFailed}. */
    private void giveUp(OutboxEntry entry, String reason, boolean announceFailure) {
        if (!finish(entry, OutboxStatus.FAILED, reason, MessageFigure.FAILED)) {
            return;
        }
        log.error("Giving up on {} row {} ({}) after {} attempts: {}", channel().key(), entry.id(),
                entry.templateKey(), entry.attempts(), reason);
        if (announceFailure && entry.journeyInstanceId() != null) {
            events.publishEvent(new DeliveryFailed(entry.id(), entry.journeyInstanceId(), entry.stepId(),
                    entry.templateKey(), entry.attempts(), reason));
        }
    }

    private boolean finish(OutboxEntry entry, OutboxStatus status, String reason, MessageFigure figure) {
        boolean finished = store.finish(entry, status, reason, figure, clock.instant());
        if (finished) {
            count(entry, status.name().toLowerCase(Locale.ROOT));
        }
        return finished;
    }

    private Duration backoff(OutboxEntry entry) {
        return retries.backoffAfter(entry.attempts());
    }

    private void count(OutboxEntry entry, String result) {
        meters.counter("stageflow.messages", "channel", channel().key(), "result", result).increment();
    }
}
