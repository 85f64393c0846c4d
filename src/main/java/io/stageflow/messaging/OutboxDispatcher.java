package io.stageflow.messaging;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.stageflow.customers.Customer;
import io.stageflow.customers.CustomerService;
import io.stageflow.support.Redaction;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;

import io.micrometer.core.instrument.MeterRegistry;

import org.apache.velocity.exception.VelocityException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.mail.MailException;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.stereotype.Component;

/**
 * Delivers queued email. Each row is claimed with a conditional update before the mail server is contacted,
 * so concurrent dispatchers on any number of nodes send it once; the {@link DeliveryGate} may still hold it back.
 * Rendering happens at delivery time, with the customer's profile as it is then. Failures are retried with
 * exponential backoff.
 */
@Component
class OutboxDispatcher {

    private static final Logger log = LoggerFactory.getLogger(OutboxDispatcher.class);

    private final OutboxStore store;
    private final CustomerService customers;
    private final TemplateRenderer renderer;
    private final EmailComposer composer;
    private final JavaMailSender mailSender;
    private final MessagingProperties properties;
    private final Clock clock;
    private final MeterRegistry meters;
    private final DeliveryGate gate;
    private final UnsubscribeLinks unsubscribeLinks;
    private final TemplateModel templateModel;

    OutboxDispatcher(OutboxStore store, CustomerService customers, TemplateRenderer renderer, EmailComposer composer,
            JavaMailSender mailSender, MessagingProperties properties, Clock clock, MeterRegistry meters,
            DeliveryGate gate, UnsubscribeLinks unsubscribeLinks, TemplateModel templateModel) {
        this.store = store;
        this.customers = customers;
        this.renderer = renderer;
        this.composer = composer;
        this.mailSender = mailSender;
        this.properties = properties;
        this.clock = clock;
        this.meters = meters;
        this.gate = gate;
        this.unsubscribeLinks = unsubscribeLinks;
        this.templateModel = templateModel;
    }

    /** Delivers one batch of due rows; true when there were any, so the caller polls again at once. */
    boolean dispatchDue() {
        Instant now = clock.instant();
        int abandoned = store.failAbandonedDeliveries(now);
        if (abandoned > 0) {
            meters.counter("stageflow.emails", "template", "any", "result", "outcome_unknown").increment(abandoned);
            log.warn("{} outbox rows were being sent by a dispatcher that stopped; marked FAILED, not resent", abandoned);
        }
        List<Long> due = store.findDue(now, properties.dispatcher().batchSize());
        due.forEach(this::deliver);
        return !due.isEmpty();
    }

    private void deliver(long id) {
        Instant now = clock.instant();
        if (!store.claim(id, now, now.plus(properties.dispatcher().lease()))) {
            return;
        }
        OutboxEntry entry = store.find(id).orElseThrow();
        Optional<Customer> customer = customers.find(entry.customerId());
        if (customer.isEmpty() || customer.get().email() == null) {
            store.finish(id, OutboxStatus.SKIPPED, "Customer " + entry.customerId() + " has no email address");
            count(entry, "skipped");
            return;
        }
        String heldBack = gate.holdBack(entry, customer.get());
        if (heldBack != null) {
            count(entry, heldBack);
            return;
        }
        try {
            RenderedEmail email = renderer.render(entry.templateKey(), customer.get().preferredLocale(),
                    templateModel.forCustomer(customer.get(), entry.journeyKey()));
            MimeMessage message = composer.compose(entry, customer.get(), email,
                    entry.category() == EmailCategory.MARKETING ? unsubscribeLinks.unsubscribeUrlFor(customer.get().email()) : null);
            mailSender.send(message);
            store.markSent(id, clock.instant(), customer.get().email(), email.subject(), message.getMessageID());
            count(entry, "sent");
            log.debug("Outbox row {} sent (template {}, customer {})", id, entry.templateKey(), entry.customerId());
        } catch (MailException | MessagingException | VelocityException | TemplateNotFoundException e) {
            failed(entry, e);
        }
    }

    private void failed(OutboxEntry entry, Exception e) {
        String error = e.getClass().getSimpleName() + ": " + Redaction.redact(e.getMessage());
        MessagingProperties.Dispatcher settings = properties.dispatcher();
        if (entry.attempts() >= settings.maxAttempts()) {
            log.error("Giving up on outbox row {} (template {}) after {} attempts: {}", entry.id(),
                    entry.templateKey(), entry.attempts(), error);
            store.finish(entry.id(), OutboxStatus.FAILED, error);
            count(entry, "failed");
            return;
        }
        Duration backoff = settings.retryBackoff().multipliedBy(1L << Math.min(entry.attempts() - 1, 20));
        if (backoff.compareTo(settings.maxRetryBackoff()) > 0) {
            backoff = settings.maxRetryBackoff();
        }
        log.warn("Outbox row {} (template {}) failed attempt {}; retrying in {}: {}", entry.id(), entry.templateKey(),
                entry.attempts(), backoff, error);
        store.retryAt(entry.id(), clock.instant().plus(backoff), error);
        count(entry, "retried");
    }

    private void count(OutboxEntry entry, String result) {
        meters.counter("stageflow.emails", "template", entry.templateKey(), "result", result).increment();
    }
}
