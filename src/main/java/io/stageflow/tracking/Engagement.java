package io.stageflow.tracking;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.stageflow.delivery.MessageFigure;
import io.stageflow.events.IncomingEvent;
import io.stageflow.events.ObservedEvents;
import io.stageflow.support.Tallies;

import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Records opens and clicks, each in one transaction with everything that follows from it: the hit; the email's
 * first open or click and counts; the message tallies of unique opens (person and machine) and unique clicks; and,
 * for a person's first open of an email and first click of each link, the {@code email_opened} and
 * {@code email_clicked} events, for the customer's journeys and segments. Machines' opens and clicks are counted
 * apart and never become events: a journey must not move because a security gateway followed a link.
 */
@Component
class Engagement implements EngagementHistory {

    static final String EMAIL_OPENED = "email_opened";
    static final String EMAIL_CLICKED = "email_clicked";

    private final TrackingStore store;
    private final Tallies tallies;
    private final ObservedEvents events;
    private final MachineRules rules;
    private final Clock clock;

    Engagement(TrackingStore store, Tallies tallies, ObservedEvents events, TrackingProperties settings, Clock clock) {
        this.store = store;
        this.tallies = tallies;
        this.events = events;
        this.rules = new MachineRules(settings.machineWindow());
        this.clock = clock;
    }

    /** Records an open of the email; false when no such email is tracked (erased, or never sent with tracking). */
    @Transactional
    boolean opened(long outboxId, String userAgent) {
        Optional<TrackingStore.TrackedEmail> found = store.lock(outboxId);
        if (found.isEmpty()) {
            return false;
        }
        TrackingStore.TrackedEmail email = found.get();
        Instant now = clock.instant();
        String reason = rules.open(userAgent, email.sentAt(), now);
        boolean machine = !reason.equals(MachineRules.HUMAN);
        store.insertHit(outboxId, TrackingStore.Kind.OPEN, null, now, machine, reason);
        store.countOpen(outboxId, machine, now);
        if (machine && email.firstMachineOpenAt() == null) {
            tallies.add(tally(email, MessageFigure.UNIQUE_MACHINE_OPENS), now);
        } else if (!machine && email.firstOpenAt() == null) {
            tallies.add(tally(email, MessageFigure.UNIQUE_OPENS), now);
            record(email, EMAIL_OPENED, "email-opened-" + outboxId, Map.of(), now);
        }
        return true;
    }

    /**
     * Records a click of the email's link {@code index} and answers where it leads; empty when no such link is
     * recorded for that email (the click then leads nowhere).
     */
    @Transactional
    Optional<String> clicked(long outboxId, int index, String method, String userAgent) {
        Optional<TrackingStore.TrackedEmail> found = store.lock(outboxId);
        Optional<TrackingStore.TrackedLink> link = found.isEmpty() ? Optional.empty() : store.link(outboxId, index);
        if (link.isEmpty()) {
            return Optional.empty();
        }
        TrackingStore.TrackedEmail email = found.get();
        Instant now = clock.instant();
        String reason = rules.click(method, userAgent, email.sentAt(), now);
        boolean machine = !reason.equals(MachineRules.HUMAN);
        store.insertHit(outboxId, TrackingStore.Kind.CLICK, index, now, machine, reason);
        store.countClick(outboxId, index, machine, now);
        if (!machine) {
            if (email.firstClickAt() == null) {
                tallies.add(tally(email, MessageFigure.UNIQUE_CLICKS), now);
            }
            if (!link.get().clickedBefore()) {
                record(email, EMAIL_CLICKED, "email-clicked-" + outboxId + "-" + index,
                        Map.of("url", link.get().url(), "linkIndex", index), now);
            }
        }
        return Optional.of(link.get().url());
    }

    @Override
    public Optional<EngagedEmail> lastClicked(String customerId, Instant since, Instant until) {
        return store.last(customerId, true, since, until);
    }

    @Override
    public Optional<EngagedEmail> lastOpened(String customerId, Instant since, Instant until) {
        return store.last(customerId, false, since, until);
    }

    private static Tallies.Tally tally(TrackingStore.TrackedEmail email, String figure) {
        return new Tallies.Tally(MessageFigure.SERIES, email.templateKey(), 0,
                MessageFigure.sender(email.journeyKey(), email.stepId()), figure);
    }

    private void record(TrackingStore.TrackedEmail email, String type, String messageId, Map<String, Object> extra,
            Instant now) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("outboxId", email.outboxId());
        properties.put("template", email.templateKey());
        if (email.journeyKey() != null) {
            properties.put("journey", email.journeyKey());
        }
        if (email.stepId() != null) {
            properties.put("step", email.stepId());
        }
        properties.putAll(extra);
        events.record(new IncomingEvent(messageId, type, email.customerId(), now.atOffset(ZoneOffset.UTC), properties));
    }
}
