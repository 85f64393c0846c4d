package io.stageflow.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

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
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Delivers queued email. Each row is claimed with a conditional update before the mail server is contacted,
 * so concurrent dispatchers on any number of nodes send it once; the {@link DeliveryGate} may still hold it back.
 * A pass goes in waves of at most one row a lane ({@code connections}), each lane sending over a mail server
 * connection of its own; one customer's rows go in successive waves, in queue order. While the lanes send two
 * waves, a checking thread has the next two rendered (on the render threads) and claims and checks them together, so
 * the two halves' round trips to the database overlap, and each step writes the rows of whole waves with one
 * statement; a sent wave is recorded while the lanes open the next one's SMTP transactions, whose hand-overs are
 * committed together ({@link WaveHandOver}), in the record's own transaction when they reach {@code DATA} in time
 * ({@link JoinedHandOver}), and never before it.
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
    private final TransactionTemplate transactions;
    private final RetryTemplate recordingSent = recordingSent(new ThreadWaitSleeper());
    /** The delivery lanes beside the polling thread; null with one connection. */
    private final ExecutorService lanes;
    /** The lanes' mail server connections, kept from a busy pass to the next. */
    private final LaneConnections laneConnections;
    /** Checks the next wave while the lanes send the current one. */
    private final ExecutorService checking;
    /** Render the next wave's emails beside the checking thread; null with one connection. */
    private final ExecutorService preparing;
    /** Records each sent wave, in order, while the lanes start the next one's SMTP transactions. */
    private final ExecutorService recording;

    OutboxDispatcher(OutboxStore store, CustomerService customers, TemplateRenderer renderer, EmailComposer composer,
            JavaMailSender mailSender, DeliveryProperties properties, Clock clock, MeterRegistry meters,
            DeliveryGate gate, UnsubscribeLinks unsubscribeLinks, TemplateModel templateModel,
            Suppressions suppressions, ApplicationEventPublisher events, List<EmailTracking> tracking,
            SentCopies copies, DeliveryRateLimit rateLimit, TransactionTemplate transactions) {
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
        this.transactions = transactions;
        // A wave's lanes wait for one another at DATA, so each needs a thread of its own at once: a fixed pool shared
        // by passes that overlap (the tests' extra "nodes" on one dispatcher) queued one wave's lane behind another
        // wave's waiting lanes, and both waited for ever. The node's own worker never runs more than connections - 1.
        this.lanes = settings.connections() > 1 ? Executors.newCachedThreadPool(threads("outbox-delivery-")) : null;
        this.checking = Executors.newSingleThreadExecutor(threads("outbox-check-"));
        this.preparing = settings.connections() > 1 ? Executors.newFixedThreadPool(settings.connections() - 1,
                threads("outbox-render-")) : null;
        this.recording = Executors.newSingleThreadExecutor(threads("outbox-record-"));
        this.laneConnections = new LaneConnections(settings.connections(), () -> new SmtpPass(mailSender));
    }

    private static CustomizableThreadFactory threads(String prefix) {
        CustomizableThreadFactory threads = new CustomizableThreadFactory(prefix);
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
     * Delivers one batch of due rows, a wave at a time: each wave is at most one row per lane, each lane with its own
     * mail server connection for the whole pass (the calling thread is one of the lanes), kept for the next pass when
     * this one had rows. True when there were any, so the caller polls again at once.
     */
    boolean dispatchDue() {
        Instant now = clock.instant();
        recoverAbandonedDeliveries(now);
        List<OutboxEntry> due = store.findDue(now, settings.batchSize());
        List<List<OutboxEntry>> waves = waves(due, settings.connections());
        List<SmtpPass> passes = laneConnections.take();
        List<List<List<OutboxEntry>>> checks = checks(waves);
        Future<List<Delivery>> next = checks.isEmpty() ? null : checking.submit(() -> check(rows(checks.get(0))));
        Recording recorded = Recording.NONE;
        boolean sentAll = false;
        try {
            for (int i = 0; i < checks.size(); i++) {
                List<Delivery> checked = result(next);
                int following = i + 1;
                next = following < checks.size() ? checking.submit(() -> check(rows(checks.get(following)))) : null;
                for (List<OutboxEntry> wave : checks.get(i)) {
                    recorded = send(inWave(checked, wave), passes, recorded);
                }
            }
            recorded.nextHandOver().close(); // no wave follows: the last record commits at once
            result(recorded.done());
            sentAll = true;
        } finally {
            if (next != null) {
                awaitQuietly(next); // its rows are claimed: taken back when their lease runs out
            }
            recorded.nextHandOver().close();
            awaitQuietly(recorded.done());
            laneConnections.giveBack(passes, sentAll && !due.isEmpty()); // a pass that failed closes them
        }
        return !due.isEmpty();
    }

    /** How many successive waves are claimed and checked together, in one transaction. */
    private static final int WAVES_PER_CHECK = 2;

    /**
     * The pass's waves, {@link #WAVES_PER_CHECK} at a time: each group is claimed and checked at once while the lanes
     * send the group before, so that a check's round trips are shared by more emails. A customer's rows stay in queue
     * order within a check, and each wave still goes to the lanes on its own.
     */
    static <T> List<List<T>> checks(List<T> waves) {
        List<List<T>> checks = new ArrayList<>();
        for (int from = 0; from < waves.size(); from += WAVES_PER_CHECK) {
            checks.add(waves.subList(from, Math.min(waves.size(), from + WAVES_PER_CHECK)));
        }
        return checks;
    }

    private static List<OutboxEntry> rows(List<List<OutboxEntry>> waves) {
        return waves.stream().flatMap(List::stream).toList();
    }

    /** The emails of a check that are cleared to go and belong to this wave, in the wave's order. */
    private static List<Delivery> inWave(List<Delivery> checked, List<OutboxEntry> wave) {
        Set<Long> ids = new HashSet<>();
        wave.forEach(entry -> ids.add(entry.id()));
        return checked.stream().filter(delivery -> ids.contains(delivery.entry.id())).toList();
    }

    /** What the first wave of a pass, and a single email sent again, wait for before their hand-over: nothing. */
    private static final CompletableFuture<Void> RECORDED = CompletableFuture.completedFuture(null);

    /** How long a wave's record waits, in its transaction, for the next wave's lanes to be at DATA. */
    private static final long JOIN_PATIENCE_MILLIS = 20;

    /**
     * A sent wave's record: {@code done} completes at its commit (exceptionally when it failed), and the next wave's
     * hand-over may join its transaction ({@code nextHandOver}).
     */
    private record Recording(CompletableFuture<Void> done, JoinedHandOver<Delivery> nextHandOver) {

        /** Before the first wave: nothing to wait for, nothing to join. */
        static final Recording NONE = new Recording(RECORDED, JoinedHandOver.none());
    }

    private static <T> T result(Future<T> future) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime
                    : new IllegalStateException("A wave of email failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for a wave of email", e);
        }
    }

    private static void awaitQuietly(Future<?> future) {
        try {
            future.get();
        } catch (ExecutionException | RuntimeException alreadyFailing) {
            log.debug("A wave checked ahead failed too", alreadyFailing);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The pass's rows in waves of at most {@code width}, each customer at most once a wave: one customer's rows go in
     * successive waves, in queue order, so that a triggered email queued after a broadcast is still decided first,
     * and takes the day's one marketing slot from it.
     */
    static List<List<OutboxEntry>> waves(List<OutboxEntry> due, int width) {
        Map<String, Queue<OutboxEntry>> byCustomer = new LinkedHashMap<>();
        due.forEach(entry -> byCustomer.computeIfAbsent(entry.customerId(), customer -> new ArrayDeque<>()).add(entry));
        List<List<OutboxEntry>> waves = new ArrayList<>();
        while (!byCustomer.isEmpty()) {
            List<OutboxEntry> wave = new ArrayList<>(width);
            for (Iterator<Queue<OutboxEntry>> customers = byCustomer.values().iterator();
                    customers.hasNext() && wave.size() < width; ) {
                Queue<OutboxEntry> rows = customers.next();
                wave.add(rows.poll());
                if (rows.isEmpty()) {
                    customers.remove();
                }
            }
            waves.add(wave);
        }
        return waves;
    }

    @PreDestroy
    void stopLanes() {
        laneConnections.close();
        checking.shutdownNow();
        recording.shutdown(); // a wave sent is recorded still: its lanes' next hand-over waits for it
        try {
            if (!recording.awaitTermination(10, TimeUnit.SECONDS)) {
                recording.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            recording.shutdownNow();
        }
        if (preparing != null) {
            preparing.shutdownNow();
        }
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
            int retried = store.retryAbandonedBeforeHandOver(Channel.EMAIL, now);
            int resent = store.resendAbandonedDuringHandOver(Channel.EMAIL, now, resendsAllowed());
            int flagged = store.flagAbandonedDuringHandOver(Channel.EMAIL, now);
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

    /** One email of a wave on its way: its row and customer, then its message, then what became of it. */
    private static final class Delivery {
        /** The row as read, then as claimed (its attempt counted: the claim's fence). */
        OutboxEntry entry;
        /** The customer as read before the claim, whose address and profile the message was made for. */
        final Customer customer;
        /** What the template is rendered with; null when there is nothing to render (no customer, no address). */
        Map<String, Object> model;
        SentCopies.Copy copy; // as written, before tracking: what the console shows; null when copies are off
        RenderedEmail email;
        List<EmailTracking.Tracked> tracked = List.of();
        HandOverMessage message;
        /** Set when the attempt failed in a way that is retried or given up as usual. */
        Exception failure;
        /** Set when the message was handed over and the connection broke before the server's answer. */
        Exception ambiguous;
        /** Set when the address was suppressed by the moment of sending (an unsubscribe since the check). */
        Suppressions.Reason suppressedAtHandOver;
        Instant sentAt;
        /** The hand-overs of the emails of its wave, committed together; null until it is cleared to go. */
        WaveHandOver<Delivery> handOvers;

        Delivery(OutboxEntry entry, Customer customer) {
            this.entry = entry;
            this.customer = customer;
        }
    }

    /**
     * The first half of the waves of due rows (at most one a lane a wave), which runs on the checking thread while
     * the lanes send the waves before: the emails are rendered, made trackable and built; the rows are then claimed and checked
     * in one transaction, which records the links of the ones that may go. The rows held back are counted and
     * announced. The emails that may go now, ready to be sent.
     */
    private List<Delivery> check(List<OutboxEntry> due) {
        Map<String, Customer> profiles = customers.findAll(due.stream().map(OutboxEntry::customerId).toList());
        List<Delivery> prepared = due.stream().map(entry -> new Delivery(entry, profiles.get(entry.customerId())))
                .toList();
        readModels(prepared);
        inLanes(preparing, prepared.size(), lane -> prepare(prepared.get(lane)), lane -> prepare(prepared.get(lane)));
        Map<Long, Delivery> byId = new HashMap<>();
        prepared.forEach(delivery -> byId.put(delivery.entry.id(), delivery));
        List<Delivery> wave = new ArrayList<>();
        List<DeliveryGate.Checked> checked = gate.claimAndCheck(due, clock.instant().plus(settings.lease()),
                passed -> {
                    wave.clear();
                    passed.forEach(row -> {
                        Delivery delivery = byId.get(row.entry().id());
                        delivery.entry = row.entry();
                        wave.add(delivery);
                    });
                    recordTracking(wave);
                });
        List<EmailOutcome> outcomes = new ArrayList<>();
        for (DeliveryGate.Checked row : checked) {
            if (row.heldBack() != null) {
                count(row.entry(), row.heldBack());
                announceOutcome(row.entry(), outcomes, switch (row.heldBack()) {
                    case "suppressed" -> EmailOutcome.Result.SUPPRESSED;
                    case "skipped" -> EmailOutcome.Result.SKIPPED;
                    default -> null; // deferred: still on its way
                });
            }
        }
        announce(outcomes);
        return wave;
    }

    /**
     * The second half of a wave: its checked emails handed over in parallel, one a lane, each committing its own
     * hand-over as it goes ({@link HandOverMessage}), then recorded sent together, with their copies, tallies and
     * events, on the recording thread. The lanes meanwhile go on with the next wave as far as the server's answer
     * to {@code DATA}, and hand it over only once this record is committed ({@code earlier}): at most one email a
     * lane is between its hand-over and that record at any moment, as with one email at a time. The record's
     * future: it completes at the record's commit, before the wave's outcomes are announced to their listeners (the
     * coupons of the emails), and fails when the record failed.
     */
    private Recording send(List<Delivery> wave, List<SmtpPass> passes, Recording earlier) {
        if (wave.isEmpty()) {
            return earlier;
        }
        if (earlier.done().isCompletedExceptionally()) {
            result(earlier.done()); // the wave before could not be recorded: the pass ends here, this wave's rows are taken back later
        }
        clearForHandOver(wave);
        handOverTogether(wave, earlier);
        inLanes(lanes, wave.size(), lane -> send(wave.get(lane), passes.get(lane)), lane -> notSent(wave.get(lane)));
        earlier.nextHandOver().close(); // this wave's hand-over has joined the record before, or will not
        CompletableFuture<Void> recorded = new CompletableFuture<>();
        JoinedHandOver<Delivery> nextHandOver = new JoinedHandOver<>(JOIN_PATIENCE_MILLIS, TimeUnit.MILLISECONDS);
        Runnable record = () -> {
            List<EmailOutcome> outcomes = new ArrayList<>();
            try {
                recordSent(wave, outcomes, nextHandOver);
            } catch (RuntimeException | Error failure) {
                log.error("A wave of {} emails could not be recorded; their rows are taken back when their lease runs"
                        + " out, and the next wave is not handed over", wave.size(), failure);
                recorded.completeExceptionally(failure);
                return;
            }
            recorded.complete(null); // the next wave's hand-overs go on while the outcomes are announced
            announce(outcomes);
        };
        try {
            recording.execute(record);
        } catch (RejectedExecutionException stopping) {
            nextHandOver.close(); // the node is stopping: this thread records what it sent, and joins nothing to it
            record.run();
        }
        return new Recording(recorded, nextHandOver);
    }

    /**
     * Gives the emails of a wave that are cleared to go one hand-over, committed when they have all reached
     * {@code DATA} (or dropped out before it) and the wave before is recorded ({@code earlier}): at most one email a
     * lane is then between its hand-over and its record, and the database gets one commit a wave, not one an email.
     */
    private void handOverTogether(List<Delivery> wave, Recording earlier) {
        List<Delivery> going = wave.stream()
                .filter(delivery -> delivery.failure == null && delivery.suppressedAtHandOver == null).toList();
        WaveHandOver<Delivery> handOvers = new WaveHandOver<>(going.size(), arrived -> commitHandOvers(arrived, earlier));
        going.forEach(delivery -> delivery.handOvers = handOvers);
    }

    /**
     * Commits that these messages start to go out now, before a byte of them does, fenced by their claims (the
     * entries as claimed): in the transaction that records the wave before sent when it still waits for them, otherwise
     * on their own once that record is committed; none when the wave before could not be recorded sent.
     */
    private boolean[] commitHandOvers(List<Delivery> arrived, Recording earlier) {
        if (earlier.nextHandOver().offer(arrived)) {
            boolean[] joined = earlier.nextHandOver().answer();
            if (joined != null) {
                return joined;
            }
        }
        if (!recorded(earlier.done())) {
            return new boolean[arrived.size()]; // the wave before is not recorded sent: nothing more leaves until it is
        }
        return markHandedOver(arrived);
    }

    private boolean[] markHandedOver(List<Delivery> handingOver) {
        return store.markAllHandedOver(handingOver.stream().map(delivery -> new OutboxStore.HandingOver(
                delivery.entry.id(), delivery.entry.attempts(), composer.messageId(delivery.entry))).toList(),
                clock.instant());
    }

    /**
     * An email of a wave that no lane could take (the node is stopping): it does not go now, and its wave's others
     * do not wait for it at {@code DATA}. It is tried again later, here or on another node.
     */
    private void notSent(Delivery delivery) {
        if (delivery.handOvers != null && delivery.failure == null && delivery.suppressedAtHandOver == null) {
            delivery.failure = new IllegalStateException("The node is stopping: not sent");
            delivery.handOvers.done(delivery);
        }
    }

    /**
     * Runs {@code lane} for lanes 0 to {@code count - 1} at once, lane 0 in this thread and the others on
     * {@code threads}, and waits for them all; a lane {@code threads} refuses (the node is stopping) is given to
     * {@code refused} in this thread, before lane 0.
     */
    private static void inLanes(ExecutorService threads, int count, IntConsumer lane, IntConsumer refused) {
        List<Future<?>> running = new ArrayList<>();
        try {
            for (int i = 1; i < count; i++) {
                int index = i;
                running.add(threads.submit(() -> lane.accept(index)));
            }
        } catch (RejectedExecutionException shuttingDown) {
            for (int i = running.size() + 1; i < count; i++) {
                refused.accept(i); // the node is stopping
            }
        }
        RuntimeException failure = null;
        try {
            lane.accept(0);
        } catch (RuntimeException e) {
            failure = e;
        }
        for (Future<?> other : running) {
            try {
                other.get();
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
    }

    /**
     * The template contexts of these emails, each feature's entries read once for all of them. A customer who is gone
     * or has no address gets none, and is left to the check, which skips the row; when the read fails, nothing of them
     * has reached the mail server, and all are tried again later.
     */
    private void readModels(List<Delivery> deliveries) {
        List<Delivery> addressed = deliveries.stream()
                .filter(delivery -> delivery.customer != null && delivery.customer.email() != null).toList();
        try {
            List<Map<String, Object>> models = templateModel.forDeliveries(addressed.stream()
                    .map(delivery -> new TemplateModel.DeliveredEmail(delivery.customer, delivery.entry.id(),
                            delivery.entry.journeyKey(), delivery.entry.idempotencyKey(),
                            delivery.entry.eventMessageId(), delivery.entry.journeyVariables())).toList());
            for (int i = 0; i < addressed.size(); i++) {
                addressed.get(i).model = models.get(i);
            }
        } catch (DataAccessException e) {
            addressed.forEach(delivery -> delivery.failure = e);
        }
    }

    /**
     * Renders the email, makes it trackable and builds its message; nothing is written yet. A customer who is gone or
     * has no address is left to the check, which skips the row.
     */
    private void prepare(Delivery delivery) {
        OutboxEntry entry = delivery.entry;
        Customer customer = delivery.customer;
        if (delivery.model == null || delivery.failure != null) {
            return;
        }
        try {
            RenderedEmail email = renderer.render(entry.templateKey(), customer.preferredLocale(), delivery.model);
            delivery.copy = copies.copyOf(email);
            List<EmailTracking.Tracked> tracked = new ArrayList<>(tracking.size());
            for (EmailTracking tracker : tracking) {
                // Not claimed yet: no attempt so far means no earlier attempt recorded its links.
                EmailTracking.Tracked made = tracker.prepare(new EmailTracking.SentEmail(entry.id(),
                        entry.customerId(), entry.templateKey(), entry.journeyKey(), entry.stepId(),
                        entry.attempts() == 0), email);
                tracked.add(made);
                email = made.email();
            }
            delivery.tracked = tracked;
            delivery.email = email;
            delivery.message = composer.compose(entry, customer, email,
                    entry.category() == EmailCategory.MARKETING ? unsubscribeLinks.unsubscribeUrlFor(customer.email(), entry.id()) : null,
                    () -> handOver(delivery));
            delivery.message.freeze(); // here, beside the other renders, not in the lane
        } catch (DataAccessException | MessagingException | VelocityException | TemplateNotFoundException e) {
            delivery.failure = e; // nothing reached the mail server yet: safe to try again later
        }
    }

    /**
     * The moment the message starts to go out (the server has answered {@code DATA}): its hand-over is committed with
     * those of its wave. False when the message must not go.
     */
    private boolean handOver(Delivery delivery) {
        return delivery.handOvers.arrive(delivery);
    }

    /** Waits for a wave's record; false when it failed or this thread was told to stop. */
    private static boolean recorded(Future<Void> record) {
        try {
            record.get();
            return true;
        } catch (ExecutionException | CancellationException failed) {
            return false;
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Records the links of the wave's prepared emails before any of them leaves, in the caller's transaction. What
     * ends that transaction (a deadlock, a lost connection) ends the check with it, to be taken again; any other
     * failure fails these emails' attempts alone.
     */
    private void recordTracking(List<Delivery> wave) {
        List<Delivery> prepared = wave.stream().filter(delivery -> delivery.failure == null).toList();
        if (prepared.isEmpty() || tracking.isEmpty()) {
            return;
        }
        try {
            for (int i = 0; i < tracking.size(); i++) {
                int tracker = i;
                tracking.get(i).recordAll(prepared.stream().map(delivery -> delivery.tracked.get(tracker)).toList());
            }
        } catch (TransientDataAccessException | RecoverableDataAccessException
                | DataAccessResourceFailureException transactionLost) {
            throw transactionLost;
        } catch (DataAccessException e) {
            prepared.forEach(delivery -> delivery.failure = e); // none has left: all are tried again later
        }
    }

    /**
     * Right before the wave's SMTP transactions: waits for each email's turn under the rate limit, then reads the
     * suppression list once more for all of them, so that an unsubscribe answered since the check stops its email
     * even now. (Refusing inside DATA would leave the server waiting for the message.) A customer has at most one
     * email a wave, so at most that one can still go after their unsubscribe was answered.
     */
    private void clearForHandOver(List<Delivery> wave) {
        List<Delivery> ready = new ArrayList<>();
        for (Delivery delivery : wave) {
            if (delivery.failure != null) {
                continue;
            }
            if (delivery.message == null) {
                // The customer had no address when the email was made, and has one by the check: made next attempt.
                delivery.failure = new IllegalStateException("Customer " + delivery.entry.customerId()
                        + " changed while the email was made");
                continue;
            }
            try {
                rateLimit.acquire();
            } catch (InterruptedException stopping) {
                Thread.currentThread().interrupt();
                // The node stops before the hand-over: tried again later, here or elsewhere.
                wave.stream().filter(other -> other.failure == null && !ready.contains(other))
                        .forEach(other -> other.failure = stopping);
                break;
            }
            ready.add(delivery);
        }
        Map<String, Suppressions.Reason> suppressed = suppressions.reasons(ready.stream()
                .map(delivery -> delivery.customer.email()).toList());
        for (Delivery delivery : ready) {
            Suppressions.Reason reason = suppressed.get(delivery.customer.email());
            if (reason != null && reason.blocks(delivery.entry.category())) {
                delivery.suppressedAtHandOver = reason;
            }
        }
    }

    /** Hands one prepared email, cleared for it, to the mail server over its lane's connection. */
    private void send(Delivery delivery, SmtpPass pass) {
        if (delivery.failure != null || delivery.suppressedAtHandOver != null) {
            return;
        }
        try {
            pass.send(delivery.message);
            delivery.sentAt = clock.instant();
        } catch (MailException | MessagingException e) {
            if (!delivery.message.handedOver() || SmtpRejection.isAnswer(e)) {
                delivery.failure = e; // the server never had the message, or answered: retried or given up as usual
            } else {
                delivery.ambiguous = e;
            }
        } finally {
            delivery.handOvers.done(delivery); // one that never reached DATA keeps the wave's others waiting no more
        }
    }

    /**
     * Records the wave's accepted emails as sent, with their copies (first, so that a sent row has its copy), in one
     * transaction, again and again for a few seconds if the database fails; then settles the others one by one.
     */
    private void recordSent(List<Delivery> wave, List<EmailOutcome> outcomes, JoinedHandOver<Delivery> nextHandOver) {
        List<Delivery> accepted = wave.stream().filter(delivery -> delivery.sentAt != null).toList();
        if (accepted.isEmpty()) {
            nextHandOver.close(); // nothing to record: the next wave's hand-over commits on its own
        } else {
            List<SentCopies.Sent> sentCopies = accepted.stream().map(delivery -> new SentCopies.Sent(delivery.entry,
                    delivery.copy, delivery.sentAt)).toList();
            List<OutboxStore.Accepted> sent = accepted.stream().map(delivery -> new OutboxStore.Accepted(
                    delivery.entry, delivery.sentAt, delivery.customer.email(), delivery.email.subject(),
                    composer.messageId(delivery.entry), delivery.email.templateVersion())).toList();
            boolean[] recorded;
            try {
                recorded = recordingSent.execute(retry -> recordAndJoin(sentCopies, sent, nextHandOver));
            } finally {
                nextHandOver.close(); // failed for good: the next wave's hand-over, if not taken, is not waited for
            }
            for (int i = 0; i < accepted.size(); i++) {
                OutboxEntry entry = accepted.get(i).entry;
                count(entry, "sent");
                log.debug("Outbox row {} sent (template {}, customer {})", entry.id(), entry.templateKey(),
                        entry.customerId());
                if (recorded[i]) {
                    announceOutcome(entry, outcomes, EmailOutcome.Result.SENT);
                } else {
                    announceOutcome(entry, outcomes); // another dispatcher took it over: as that one left it
                }
            }
        }
        for (Delivery delivery : wave) {
            if (delivery.suppressedAtHandOver != null && delivery.sentAt == null) {
                Suppressions.Reason reason = delivery.suppressedAtHandOver;
                if (store.finish(delivery.entry, OutboxStatus.SUPPRESSED, "The address is suppressed: "
                        + reason.name().toLowerCase(java.util.Locale.ROOT) + " (found at the hand-over)",
                        MessageFigure.suppressed(reason), clock.instant())) {
                    count(delivery.entry, "suppressed");
                    announceOutcome(delivery.entry, outcomes, EmailOutcome.Result.SUPPRESSED);
                }
            } else if (delivery.failure != null) {
                retryOrGiveUp(delivery.entry, delivery.failure);
                announceOutcome(delivery.entry, outcomes);
            } else if (delivery.ambiguous != null) {
                ambiguous(delivery.entry, delivery.ambiguous);
                announceOutcome(delivery.entry, outcomes);
            }
        }
    }

    /**
     * One attempt at a wave's record: its copies (first, so that a sent row has its copy) and its rows marked sent, and
     * the next wave's hand-overs when they are offered in time ({@link JoinedHandOver}), in one transaction.
     */
    private boolean[] recordAndJoin(List<SentCopies.Sent> sentCopies, List<OutboxStore.Accepted> sent,
            JoinedHandOver<Delivery> nextHandOver) {
        List<Delivery> joined = new ArrayList<>();
        boolean[][] handedOver = {null};
        try {
            boolean[] recorded = keepAndMarkSent(sentCopies, sent, () -> {
                List<Delivery> next = nextHandOver.take();
                if (next != null) {
                    joined.addAll(next);
                    handedOver[0] = markHandedOver(next);
                }
            });
            if (!joined.isEmpty()) {
                nextHandOver.committed(handedOver[0]);
            }
            return recorded;
        } catch (RuntimeException | Error failed) {
            if (joined.isEmpty()) {
                throw failed;
            }
            nextHandOver.failed(); // rolled back with the record: the next wave's messages are not written
            if (failed instanceof Error) {
                throw failed;
            }
            // What failed may be the next wave's part: the record goes on alone, as it would have without it.
            log.warn("A wave's record with the next wave's hand-over failed; recording the wave alone", failed);
            return keepAndMarkSent(sentCopies, sent, () -> { });
        }
    }

    /**
     * In one transaction: the copies (first, so that a sent row has its copy), the rows marked sent, and
     * {@code meanwhile} before the tallies ({@link OutboxStore#markAllSent(List, Runnable)}).
     */
    private boolean[] keepAndMarkSent(List<SentCopies.Sent> sentCopies, List<OutboxStore.Accepted> sent,
            Runnable meanwhile) {
        return transactions.execute(tx -> {
            copies.keepAll(sentCopies);
            return store.markAllSent(sent, meanwhile);
        });
    }

    /** Tells listeners (offers release or issue the coupon an email carries) when the row has come to an end. */
    private void announceOutcome(OutboxEntry entry, List<EmailOutcome> outcomes) {
        announceOutcome(entry, outcomes, switch (store.statusOf(entry.id())) {
            case SENT -> EmailOutcome.Result.SENT;
            case SUPPRESSED -> EmailOutcome.Result.SUPPRESSED;
            case SKIPPED -> EmailOutcome.Result.SKIPPED;
            case FAILED -> EmailOutcome.Result.FAILED;
            default -> null; // still on its way (retry, deferral) or outcome unknown: nothing is decided
        });
    }

    private static void announceOutcome(OutboxEntry entry, List<EmailOutcome> outcomes, EmailOutcome.Result result) {
        if (result != null) {
            outcomes.add(new EmailOutcome(entry.id(), entry.idempotencyKey(), entry.customerId(), result));
        }
    }

    /** Tells listeners of the rows that have come to an end, all at once. */
    private void announce(List<EmailOutcome> outcomes) {
        if (!outcomes.isEmpty()) {
            events.publishEvent(new EmailOutcomes(outcomes));
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
        Delivery delivery = new Delivery(entry, customers.find(entry.customerId()).orElse(null));
        readModels(List.of(delivery));
        prepare(delivery);
        DeliveryGate.Checked checked = gate.check(List.of(entry), passed -> recordTracking(List.of(delivery))).get(0);
        List<EmailOutcome> outcomes = new ArrayList<>();
        if (checked.heldBack() != null) {
            count(entry, checked.heldBack());
            announceOutcome(entry, outcomes);
            announce(outcomes);
            return;
        }
        clearForHandOver(List.of(delivery));
        handOverTogether(List.of(delivery), Recording.NONE);
        try (SmtpPass pass = new SmtpPass(mailSender)) {
            send(delivery, pass);
        }
        if (delivery.failure == null) {
            recordSent(List.of(delivery), outcomes, JoinedHandOver.none());
            announce(outcomes);
            return;
        }
        String error = describe(delivery.failure);
        if (SmtpRejection.of(delivery.failure) == SmtpRejection.RECIPIENT) {
            bounced(entry, error);
            announceOutcome(entry, outcomes);
            announce(outcomes);
            return;
        }
        store.finish(entry, OutboxStatus.FAILED, error, MessageFigure.FAILED, clock.instant());
        count(entry, "failed");
        announceOutcome(entry, outcomes);
        announce(outcomes);
        throw new DeliveryFailedException("Email " + id + " (template " + entry.templateKey() + ", step "
                + entry.stepId() + ") still cannot be delivered: " + error);
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
        return settings.backoffAfter(entry.attempts());
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
