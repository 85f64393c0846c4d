package io.stageflow.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;

import io.stageflow.customers.Customer;
import io.stageflow.customers.CustomerService;
import io.stageflow.subscriptions.EmailCategory;
import io.stageflow.subscriptions.Suppressions;
import io.stageflow.subscriptions.UnsubscribeLinks;
import io.stageflow.support.Redaction;
import io.stageflow.templates.RenderedEmail;
import io.stageflow.templates.TemplateModel;
import io.stageflow.templates.TemplateNotFoundException;
import io.stageflow.templates.TemplateRenderer;

import jakarta.annotation.PreDestroy;
import jakarta.mail.MessagingException;

import io.micrometer.core.instrument.MeterRegistry;

import org.apache.velocity.exception.VelocityException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.mail.MailException;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.retry.backoff.ExponentialBackOffPolicy;
import org.springframework.retry.backoff.Sleeper;
import org.springframework.retry.backoff.ThreadWaitSleeper;
import org.springframework.retry.support.RetryTemplate;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.CannotCreateTransactionException;

/**
 * Delivers queued email. Each row is claimed with a conditional update before the mail server is contacted,
 * so concurrent dispatchers on any number of nodes send it once; the {@link DeliveryGate} may still hold it back.
 * A pass's rows are shared among {@code connections} lanes, each sending over a mail server connection of its own;
 * one customer's rows stay in one lane, in queue order.
 * Rendering happens at delivery time, with the customer's profile as it is then. Temporary failures are retried
 * with exponential backoff; a journey's email that fails for good is announced as {@link DeliveryFailed}.
 */
@Component
class OutboxDispatcher {

    private static final Logger log = LoggerFactory.getLogger(OutboxDispatcher.class);

    private final OutboxStore store;
    private final CustomerService customers;
    private final TemplateRenderer renderer;
    private final SentCopies copies;
    private final EmailComposer composer;
    private final JavaMailSender mailSender;
    private final DeliveryProperties.Dispatcher settings;
    private final Clock clock;
    private final MeterRegistry meters;
    private final DeliveryGate gate;
    private final UnsubscribeLinks unsubscribeLinks;
    private final TemplateModel templateModel;
    private final Suppressions suppressions;
    private final ApplicationEventPublisher events;
    private final List<EmailTracking> tracking;
    private final DeliveryRateLimit rateLimit;
    private final RetryTemplate recordingSent = recordingSent(new ThreadWaitSleeper());
    /** The delivery lanes beside the polling thread; null with one connection. */
    private final ExecutorService lanes;

    OutboxDispatcher(OutboxStore store, CustomerService customers, TemplateRenderer renderer, EmailComposer composer,
            JavaMailSender mailSender, DeliveryProperties properties, Clock clock, MeterRegistry meters,
            DeliveryGate gate, UnsubscribeLinks unsubscribeLinks, TemplateModel templateModel,
            Suppressions suppressions, ApplicationEventPublisher events, List<EmailTracking> tracking,
            SentCopies copies, DeliveryRateLimit rateLimit) {
        this.store = store;
        this.customers = customers;
        this.renderer = renderer;
        this.composer = composer;
        this.mailSender = mailSender;
        this.settings = properties.dispatcher();
        this.clock = clock;
        this.meters = meters;
        this.gate = gate;
        this.unsubscribeLinks = unsubscribeLinks;
        this.templateModel = templateModel;
        this.suppressions = suppressions;
        this.events = events;
        this.tracking = tracking;
        this.copies = copies;
        this.rateLimit = rateLimit;
        this.lanes = settings.connections() > 1 ? Executors.newFixedThreadPool(settings.connections() - 1,
                laneThreads()) : null;
    }

    private static CustomizableThreadFactory laneThreads() {
        CustomizableThreadFactory threads = new CustomizableThreadFactory("outbox-delivery-");
        threads.setDaemon(true);
        return threads;
    }

    /**
     * Records an email the mail server has accepted, again and again for a few seconds if the database fails
     * (a deadlock, a lost connection): a row left {@code SENDING} would be taken back after its lease and follow the
     * ambiguous-delivery policy, that is, perhaps be sent twice.
     */
    static RetryTemplate recordingSent(Sleeper sleeper) {
        ExponentialBackOffPolicy backOff = new ExponentialBackOffPolicy();
        backOff.setInitialInterval(50);
        backOff.setMaxInterval(5_000);
        backOff.setSleeper(sleeper);
        return RetryTemplate.builder()
                .maxAttempts(8)
                .customBackoff(backOff)
                .retryOn(List.of(TransientDataAccessException.class, RecoverableDataAccessException.class,
                        DataAccessResourceFailureException.class, CannotCreateTransactionException.class))
                .traversingCauses()
                .build();
    }

    /**
     * Delivers one batch of due rows over the configured number of lanes, each with its own mail server connection
     * (the calling thread is one of them); true when there were any, so the caller polls again at once.
     */
    boolean dispatchDue() {
        Instant now = clock.instant();
        recoverAbandonedDeliveries(now);
        List<OutboxEntry> due = store.findDue(now, settings.batchSize());
        // One customer's rows stay together, in queue order, in one lane: a triggered email queued after a
        // broadcast is still decided first, and takes the day's one marketing slot from it.
        Map<String, List<OutboxEntry>> byCustomer = new LinkedHashMap<>();
        due.forEach(entry -> byCustomer.computeIfAbsent(entry.customerId(), customer -> new ArrayList<>()).add(entry));
        Queue<List<OutboxEntry>> queue = new ConcurrentLinkedQueue<>(byCustomer.values());
        int extraLanes = lanes == null ? 0 : Math.min(settings.connections(), byCustomer.size()) - 1;
        List<Future<?>> running = new ArrayList<>();
        try {
            for (int i = 0; i < extraLanes; i++) {
                running.add(lanes.submit(() -> deliverAll(queue)));
            }
        } catch (RejectedExecutionException shuttingDown) {
            // The node is stopping: this thread delivers what the lanes could not take.
        }
        RuntimeException failure = null;
        try {
            deliverAll(queue);
        } catch (RuntimeException e) {
            failure = e;
        }
        for (Future<?> lane : running) {
            try {
                lane.get();
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause() instanceof RuntimeException runtime ? runtime
                            : new IllegalStateException("A delivery lane failed", e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (failure != null) {
            throw failure;
        }
        return !due.isEmpty();
    }

    /**
     * One lane: takes the pass's customers one by one and delivers each one's rows in queue order, over one mail
     * server connection, until none is left.
     */
    private void deliverAll(Queue<List<OutboxEntry>> queue) {
        try (SmtpPass pass = new SmtpPass(mailSender)) {
            for (List<OutboxEntry> customer = queue.poll(); customer != null; customer = queue.poll()) {
                customer.forEach(due -> deliver(due, pass));
            }
        }
    }

    @PreDestroy
    void stopLanes() {
        if (lanes != null) {
            lanes.shutdownNow();
        }
    }

    /**
     * Takes back rows whose node stopped mid-delivery (their lease ran out). One that had not been handed over yet
     * never reached the mail server and is sent again; one that had follows the ambiguous-delivery policy, and with
     * the file transport, which finds the file it wrote, it is always safe to try again. Another node sweeping the
     * same rows at the same moment may win a deadlock; it does the job then.
     */
    private void recoverAbandonedDeliveries(Instant now) {
        try {
            int retried = store.retryAbandonedBeforeHandOver(now);
            int resent = store.resendAbandonedDuringHandOver(now, resendsAllowed());
            int flagged = store.flagAbandonedDuringHandOver(now);
            if (retried + resent > 0) {
                meters.counter("stageflow.emails", "template", "any", "result", "recovered").increment(retried + resent);
                log.warn("{} outbox rows were being sent by a dispatcher that stopped; {} had not reached the mail server"
                        + " and {} may have: all are sent again", retried + resent, retried, resent);
            }
            if (flagged > 0) {
                meters.counter("stageflow.emails", "template", "any", "result", "outcome_unknown").increment(flagged);
                log.warn("{} outbox rows were being handed to the mail server by a dispatcher that stopped; marked"
                        + " OUTCOME_UNKNOWN, not resent", flagged);
            }
        } catch (PessimisticLockingFailureException anotherNodeIsSweeping) {
            log.debug("Sweep for abandoned deliveries lost a lock race; another node sweeps", anotherNodeIsSweeping);
        }
    }

    /** How often one row may be resent after its delivery's outcome was left open. */
    private int resendsAllowed() {
        if (mailSender instanceof FileOutboxMailSender) {
            return Integer.MAX_VALUE; // a retry finds the file the stopped attempt wrote, and writes no second one
        }
        return settings.onAmbiguousDelivery() == DeliveryProperties.OnAmbiguousDelivery.RESEND ? 1 : 0;
    }

    private void deliver(OutboxEntry due, SmtpPass pass) {
        Instant now = clock.instant();
        Optional<OutboxEntry> claimed = store.claim(due, now, now.plus(settings.lease()));
        if (claimed.isEmpty()) {
            return;
        }
        OutboxEntry entry = claimed.get();
        Exception failure = attempt(entry, pass);
        if (failure != null) {
            retryOrGiveUp(entry, failure);
        }
        announceOutcome(entry);
    }

    /** Tells listeners (offers release or issue the coupon an email carries) when the row has come to an end. */
    private void announceOutcome(OutboxEntry entry) {
        EmailOutcome.Result result = switch (store.statusOf(entry.id())) {
            case SENT -> EmailOutcome.Result.SENT;
            case SUPPRESSED -> EmailOutcome.Result.SUPPRESSED;
            case SKIPPED -> EmailOutcome.Result.SKIPPED;
            case FAILED -> EmailOutcome.Result.FAILED;
            default -> null; // still on its way (retry, deferral) or outcome unknown: nothing is decided
        };
        if (result != null) {
            events.publishEvent(new EmailOutcome(entry.id(), entry.idempotencyKey(), entry.customerId(), result));
        }
    }

    /**
     * One more attempt at a failed row, as an operator asked for by retrying its incident. Does nothing when the
     * row is no longer failed (an earlier retry delivered it), so retrying twice never sends twice.
     *
     * @throws DeliveryFailedException when this attempt failed too; the row stays failed
     */
    void redeliver(long id) {
        if (!store.claimFailed(id, clock.instant().plus(settings.lease()))) {
            return;
        }
        OutboxEntry entry = store.find(id).orElseThrow();
        Exception failure;
        try (SmtpPass pass = new SmtpPass(mailSender)) {
            failure = attempt(entry, pass);
        }
        if (failure != null) {
            String error = describe(failure);
            if (SmtpRejection.of(failure) == SmtpRejection.RECIPIENT) {
                bounced(entry, error);
                announceOutcome(entry);
                return;
            }
            store.finish(entry, OutboxStatus.FAILED, error, MessageFigure.FAILED, clock.instant());
            count(entry, "failed");
            announceOutcome(entry);
            throw new DeliveryFailedException("Email " + id + " (template " + entry.templateKey() + ", step "
                    + entry.stepId() + ") still cannot be delivered: " + error);
        }
        announceOutcome(entry);
    }

    /** Sends the claimed row, or finishes it as skipped or held back; the failure when the send failed. */
    private Exception attempt(OutboxEntry entry, SmtpPass pass) {
        Optional<Customer> customer = customers.find(entry.customerId());
        if (customer.isEmpty() || customer.get().email() == null) {
            store.finish(entry, OutboxStatus.SKIPPED, "Customer " + entry.customerId() + " has no email address",
                    MessageFigure.SKIPPED, clock.instant());
            count(entry, "skipped");
            return null;
        }
        RenderedEmail email;
        RenderedEmail asWritten; // before tracking: the copy kept for the console
        HandOverMessage message;
        try {
            String heldBack = gate.holdBack(entry, customer.get());
            if (heldBack != null) {
                count(entry, heldBack);
                return null;
            }
            email = renderer.render(entry.templateKey(), customer.get().preferredLocale(),
                    templateModel.forDelivery(customer.get(), entry.id(), entry.journeyKey(),
                            entry.idempotencyKey()));
            asWritten = email;
            for (EmailTracking tracker : tracking) {
                email = tracker.track(new EmailTracking.SentEmail(entry.id(), entry.customerId(), entry.templateKey(),
                        entry.journeyKey(), entry.stepId()), email);
            }
            message = composer.compose(entry, customer.get(), email,
                    entry.category() == EmailCategory.MARKETING ? unsubscribeLinks.unsubscribeUrlFor(customer.get().email(), entry.id()) : null,
                    () -> store.markHandedOver(entry.id(), entry.attempts(), clock.instant(), composer.messageId(entry)));
        } catch (DataAccessException | MessagingException | VelocityException | TemplateNotFoundException e) {
            return e; // nothing reached the mail server yet: safe to try again later
        }
        try {
            rateLimit.acquire();
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
            return stopping; // the node stops before the hand-over: tried again later, here or elsewhere
        }
        try {
            pass.send(message);
            Instant sentAt = clock.instant();
            copies.keep(entry, asWritten, sentAt); // before the row says SENT, so that a sent row has its copy
            String recipient = customer.get().email();
            String subject = email.subject();
            String messageId = message.getMessageID();
            int templateVersion = email.templateVersion();
            recordingSent.execute(retry -> {
                store.markSent(entry, sentAt, recipient, subject, messageId, templateVersion);
                return null;
            });
            count(entry, "sent");
            log.debug("Outbox row {} sent (template {}, customer {})", entry.id(), entry.templateKey(), entry.customerId());
            return null;
        } catch (MailException | MessagingException e) {
            if (!message.handedOver() || SmtpRejection.isAnswer(e)) {
                return e; // the server never had the message, or answered: retried or given up as usual
            }
            ambiguous(entry, e);
            return null;
        }
    }

    /**
     * The message was handed over and then the connection broke before the server answered: it may have arrived.
     * It is sent once more (same Message-ID) or flagged, as the policy says; the file transport always retries.
     */
    private void ambiguous(OutboxEntry entry, Exception failure) {
        String error = describe(failure);
        if (entry.ambiguousDeliveries() < resendsAllowed()) {
            log.warn("Outbox row {} (template {}): delivery broke off after the message was handed over; sending it"
                    + " once more with the same Message-ID: {}", entry.id(), entry.templateKey(), error);
            store.resendAfterUnknownOutcome(entry.id(), entry.attempts(), clock.instant().plus(backoff(entry)),
                    "Resent with the same Message-ID after: " + error);
            count(entry, "retried");
        } else {
            log.warn("Outbox row {} (template {}): delivery broke off after the message was handed over; marked"
                    + " OUTCOME_UNKNOWN, not resent: {}", entry.id(), entry.templateKey(), error);
            store.markOutcomeUnknown(entry, clock.instant(), "Delivery outcome unknown: " + error);
            count(entry, "outcome_unknown");
        }
    }

    private void retryOrGiveUp(OutboxEntry entry, Exception failure) {
        String error = describe(failure);
        SmtpRejection rejection = SmtpRejection.of(failure);
        if (rejection == SmtpRejection.RECIPIENT) {
            bounced(entry, error);
        } else if (rejection == SmtpRejection.MESSAGE || entry.attempts() >= settings.maxAttempts()) {
            if (!store.finish(entry, OutboxStatus.FAILED, error, MessageFigure.FAILED, clock.instant())) {
                takenOver(entry, error);
                return;
            }
            log.error("Giving up on outbox row {} (template {}) after {} attempts: {}", entry.id(),
                    entry.templateKey(), entry.attempts(), error);
            count(entry, "failed");
            if (entry.journeyInstanceId() != null) {
                events.publishEvent(new DeliveryFailed(entry.id(), entry.journeyInstanceId(), entry.stepId(),
                        entry.templateKey(), entry.attempts(), error));
            }
        } else {
            Duration backoff = backoff(entry);
            if (!store.retryAt(entry, clock.instant().plus(backoff), error)) {
                takenOver(entry, error);
                return;
            }
            log.warn("Outbox row {} (template {}) failed attempt {}; retrying in {}: {}", entry.id(),
                    entry.templateKey(), entry.attempts(), backoff, error);
            count(entry, "retried");
        }
    }

    /**
     * This dispatcher's attempt failed after its claim had run out and another dispatcher had taken the row over
     * (this node was stopped or stalled past the lease): the row is the other's now, so nothing is retried, given
     * up or announced from here.
     */
    private void takenOver(OutboxEntry entry, String error) {
        log.info("Outbox row {} (template {}): attempt {} ended after another dispatcher took the row over; left to"
                + " it: {}", entry.id(), entry.templateKey(), entry.attempts(), error);
        count(entry, "taken_over");
    }

    /** Doubling after each attempt, capped. */
    private Duration backoff(OutboxEntry entry) {
        Duration backoff = settings.retryBackoff().multipliedBy(1L << Math.min(entry.attempts() - 1, 20));
        return backoff.compareTo(settings.maxRetryBackoff()) > 0 ? settings.maxRetryBackoff() : backoff;
    }

    /** The mail server refused the address for good: no retry, and no email of any kind goes there again. */
    private void bounced(OutboxEntry entry, String error) {
        customers.find(entry.customerId()).map(Customer::email)
                .ifPresent(email -> suppressions.suppress(email, Suppressions.Reason.BOUNCED));
        store.finish(entry, OutboxStatus.FAILED, "Bounced, address suppressed: " + error, MessageFigure.BOUNCED,
                clock.instant());
        count(entry, "bounced");
        log.warn("Outbox row {} (template {}, customer {}) bounced; the address is suppressed: {}", entry.id(),
                entry.templateKey(), entry.customerId(), error);
    }

    /**
     * The failure as the message log shows it: its kind and message, and the mail server's own replies it wraps
     * (a refused recipient's {@code 550 5.1.1 …} sits inside Jakarta Mail's "Invalid Addresses"), addresses redacted.
     */
    static String describe(Exception failure) {
        StringBuilder text = new StringBuilder(failure.getClass().getSimpleName()).append(": ")
                .append(Redaction.redact(failure.getMessage()));
        Set<Throwable> seen = new HashSet<>(Set.of(failure));
        for (Throwable nested = nextOf(failure); nested != null && seen.add(nested); nested = nextOf(nested)) {
            String message = nested.getMessage();
            if (message != null && !message.isBlank() && text.indexOf(message.strip()) < 0) {
                text.append("; ").append(Redaction.redact(message.strip()));
            }
        }
        return text.toString();
    }

    private static Throwable nextOf(Throwable failure) {
        return failure instanceof MessagingException messaging && messaging.getNextException() != null
                ? messaging.getNextException() : failure.getCause();
    }

    private void count(OutboxEntry entry, String result) {
        meters.counter("stageflow.emails", "template", entry.templateKey(), "result", result).increment();
    }
}
