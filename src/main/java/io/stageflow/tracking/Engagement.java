package io.stageflow.tracking;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.stageflow.delivery.MessageFigure;
import io.stageflow.events.IncomingEvent;
import io.stageflow.events.ObservedEvents;
import io.stageflow.support.Tallies;

import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Classifies opens and clicks and records them ({@link HitRecorder} batches them), each batch in one transaction with
 * everything that follows from them: the hits; the email's
 * first open or click and counts; the message tallies of unique opens (person and machine) and unique clicks; and,
 * for a person's first open of an email and first click of each link, the {@code email_opened} and
 * {@code email_clicked} events, for the customer's journeys and segments. Machines' opens and clicks are counted
 * apart and never become events: a journey must not move because a security gateway followed a link.
 */
@Component
class Engagement implements EngagementHistory {

    static final String EMAIL_OPENED = "email_opened";
    static final String EMAIL_CLICKED = "email_clicked";

    /** Hits per insert statement. */
    private static final int INSERT_ROWS = 500;

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

    /** The open of this email, classified; empty when no such email is tracked (erased, or sent without it). */
    Optional<Hit> open(long outboxId, String userAgent) {
        Instant now = clock.instant();
        return store.sentAt(outboxId).map(sentAt -> hit(TrackingStore.Kind.OPEN, outboxId, null, null, now,
                rules.open(userAgent, sentAt, now)));
    }

    /** The click of this email's link, classified, with where it leads; empty when no such link is recorded. */
    Optional<Hit> click(long outboxId, int index, String method, String userAgent) {
        Instant now = clock.instant();
        return store.clickTarget(outboxId, index).map(target -> hit(TrackingStore.Kind.CLICK, outboxId, index,
                target.url(), now, rules.click(method, userAgent, target.sentAt(), now)));
    }

    private static Hit hit(TrackingStore.Kind kind, long outboxId, Integer index, String url, Instant at,
            String reason) {
        return new Hit(kind, outboxId, index, url, at, !reason.equals(MachineRules.HUMAN), reason);
    }

    /**
     * Records a batch of hits in one transaction: each email's counts (its row locked, emails in id order so that
     * two nodes never wait on each other in a circle), the hits of the emails that still exist, and for each first
     * open, machine open and click its tally, and for a person's first open and first click of a link its event.
     */
    @Transactional
    void recordAll(List<Hit> hits) {
        Map<Long, List<Hit>> byEmail = new TreeMap<>();
        hits.forEach(hit -> byEmail.computeIfAbsent(hit.outboxId(), id -> new ArrayList<>()).add(hit));
        Map<Long, TrackingStore.TrackedEmail> emails = store.emails(byEmail.keySet());
        List<Hit> kept = new ArrayList<>();
        for (Map.Entry<Long, List<Hit>> entry : byEmail.entrySet()) {
            List<Hit> theirs = entry.getValue();
            TrackingStore.TrackedEmail email = emails.get(entry.getKey());
            if (email == null || !store.addCounts(entry.getKey(), count(theirs, TrackingStore.Kind.OPEN, false),
                    count(theirs, TrackingStore.Kind.OPEN, true), count(theirs, TrackingStore.Kind.CLICK, false),
                    count(theirs, TrackingStore.Kind.CLICK, true))) {
                continue; // erased meanwhile: nothing of it is kept
            }
            kept.addAll(theirs);
            firsts(email, theirs);
        }
        for (int from = 0; from < kept.size(); from += INSERT_ROWS) {
            store.insertHits(kept.subList(from, Math.min(kept.size(), from + INSERT_ROWS)));
        }
    }

    private void firsts(TrackingStore.TrackedEmail email, List<Hit> hits) {
        first(hits, TrackingStore.Kind.OPEN, false).ifPresent(hit -> {
            if (store.claimFirst(email.outboxId(), TrackingStore.First.OPEN, hit.at())) {
                tallies.add(tally(email, MessageFigure.UNIQUE_OPENS), hit.at());
                record(email, EMAIL_OPENED, "email-opened-" + email.outboxId(), Map.of(), hit.at());
            }
        });
        first(hits, TrackingStore.Kind.OPEN, true).ifPresent(hit -> {
            if (store.claimFirst(email.outboxId(), TrackingStore.First.MACHINE_OPEN, hit.at())) {
                tallies.add(tally(email, MessageFigure.UNIQUE_MACHINE_OPENS), hit.at());
            }
        });
        first(hits, TrackingStore.Kind.CLICK, false).ifPresent(hit -> {
            if (store.claimFirst(email.outboxId(), TrackingStore.First.CLICK, hit.at())) {
                tallies.add(tally(email, MessageFigure.UNIQUE_CLICKS), hit.at());
            }
        });
        Map<Integer, Hit> firstPerLink = new TreeMap<>();
        hits.stream().filter(hit -> hit.kind() == TrackingStore.Kind.CLICK && !hit.machine())
                .forEach(hit -> firstPerLink.putIfAbsent(hit.linkIndex(), hit));
        firstPerLink.forEach((index, hit) -> {
            if (store.claimFirstClick(email.outboxId(), index, hit.at())) {
                record(email, EMAIL_CLICKED, "email-clicked-" + email.outboxId() + "-" + index,
                        Map.of("url", hit.url(), "linkIndex", index), hit.at());
            }
        });
    }

    private static int count(List<Hit> hits, TrackingStore.Kind kind, boolean machine) {
        return (int) hits.stream().filter(hit -> hit.kind() == kind && hit.machine() == machine).count();
    }

    private static Optional<Hit> first(List<Hit> hits, TrackingStore.Kind kind, boolean machine) {
        return hits.stream().filter(hit -> hit.kind() == kind && hit.machine() == machine).findFirst();
    }

    /**
     * One open or click: the email (and link), when, and whether a machine's and why ({@link MachineRules}).
     *
     * @param url where a click leads; null for an open
     */
    record Hit(TrackingStore.Kind kind, long outboxId, Integer linkIndex, String url, Instant at, boolean machine,
            String reason) {
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
