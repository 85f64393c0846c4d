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
    private final ClickTargets targets;
    private final Tallies tallies;
    private final ObservedEvents events;
    private final MachineRules rules;
    private final Clock clock;

    Engagement(TrackingStore store, ClickTargets targets, Tallies tallies, ObservedEvents events,
            TrackingProperties settings, Clock clock) {
        this.store = store;
        this.targets = targets;
        this.tallies = tallies;
        this.events = events;
        this.rules = new MachineRules(settings.machineWindow());
        this.clock = clock;
    }

    /**
     * The open of this email, classified by the send time its pixel carries (read from the database only for a pixel
     * made before it carried one, and then empty when no such email is tracked). An open of an email erased since is
     * dropped when the batch is written.
     */
    Optional<Hit> open(TrackingTokens.Open open, String userAgent) {
        Instant now = clock.instant();
        Optional<Instant> sentAt = open.sentAt() != null ? Optional.of(open.sentAt()) : store.sentAt(open.outboxId());
        return sentAt.map(sent -> hit(TrackingStore.Kind.OPEN, open.outboxId(), null, null, now,
                rules.open(userAgent, sent, now)));
    }

    /** A click on this email's link, now; where it leads is read when it is recorded ({@link #resolve}). */
    Click click(long outboxId, int index, String method, String userAgent) {
        return new Click(outboxId, index, method, userAgent, clock.instant());
    }

    /**
     * Each click classified, with where its link leads, or empty when no such link is recorded: the links not in
     * memory are read with one query for the whole batch, not one per request.
     */
    private List<Optional<Hit>> resolve(List<Click> clicks) {
        Map<ClickTargets.Link, TrackingStore.ClickTarget> found = targets.findAll(clicks.stream()
                .map(Click::link).toList());
        return clicks.stream().map(click -> Optional.ofNullable(found.get(click.link()))
                .map(target -> hit(TrackingStore.Kind.CLICK, click.outboxId(), click.index(),
                target.url(), click.at(), rules.click(click.method(), click.userAgent(), target.sentAt(),
                click.at())))).toList();
    }

    private static Hit hit(TrackingStore.Kind kind, long outboxId, Integer index, String url, Instant at,
            String reason) {
        return new Hit(kind, outboxId, index, url, at, !reason.equals(MachineRules.HUMAN), reason);
    }

    /**
     * Records a batch of opens and clicks in one transaction, with a statement or batch per kind of write rather than
     * per hit: locks the emails' rows (in id order, so that two nodes never wait on each other in a circle); reads
     * where the clicked links lead that this node does not hold in memory, with one query, and classifies the clicks;
     * drops the hits of emails erased meanwhile; sets each email's first open, machine open and click and each link's
     * first click by a person where, read under those locks, it has none yet (one statement each, for the whole
     * batch); inserts the hits; and for each first it set, its tally and, for a person's first open and first click of
     * a link, its event.
     *
     * @return each click, in order, classified and with where it leads; empty when no such link is recorded
     */
    @Transactional
    List<Optional<Hit>> recordAll(List<Hit> opens, List<Click> clicks) {
        java.util.Set<Long> ids = new java.util.TreeSet<>();
        opens.forEach(open -> ids.add(open.outboxId()));
        clicks.forEach(click -> ids.add(click.outboxId()));
        Map<Long, TrackingStore.TrackedEmail> emails = store.lockEmails(ids);
        List<Optional<Hit>> resolved = clicks.isEmpty() ? List.of() : resolve(clicks);
        List<Hit> hits = new ArrayList<>(opens);
        resolved.forEach(click -> click.ifPresent(hits::add));
        Map<Long, List<Hit>> byEmail = new TreeMap<>();
        hits.forEach(hit -> byEmail.computeIfAbsent(hit.outboxId(), id -> new ArrayList<>()).add(hit));
        record(byEmail, emails);
        return resolved;
    }

    private void record(Map<Long, List<Hit>> byEmail, Map<Long, TrackingStore.TrackedEmail> emails) {
        List<Hit> kept = new ArrayList<>();
        Map<TrackingStore.First, List<TrackingStore.Claim>> firsts = new java.util.EnumMap<>(TrackingStore.First.class);
        List<Hit> linkFirsts = new ArrayList<>();
        List<TrackingStore.Clicks> clicks = new ArrayList<>();
        // Which links a person clicked before is in the locked rows, but for links after the first 63 of an email
        // clicked before (both firsts are set together), which are read.
        List<Long> clickedPastTheMask = byEmail.entrySet().stream()
                .filter(entry -> emails.containsKey(entry.getKey()) && emails.get(entry.getKey()).clicked())
                .filter(entry -> entry.getValue().stream().anyMatch(hit -> hit.kind() == TrackingStore.Kind.CLICK
                        && !hit.machine() && hit.linkIndex() >= TrackingStore.LINKS_IN_MASK))
                .map(Map.Entry::getKey).toList();
        java.util.Set<String> clickedBefore = store.clickedLinksPastTheMask(clickedPastTheMask);
        for (Map.Entry<Long, List<Hit>> entry : byEmail.entrySet()) {
            TrackingStore.TrackedEmail email = emails.get(entry.getKey());
            if (email == null) {
                continue; // erased meanwhile: nothing of it is kept
            }
            List<Hit> theirs = entry.getValue();
            kept.addAll(theirs);
            claim(firsts, TrackingStore.First.OPEN, email.opened(), first(theirs, TrackingStore.Kind.OPEN, false));
            claim(firsts, TrackingStore.First.MACHINE_OPEN, email.machineOpened(),
                    first(theirs, TrackingStore.Kind.OPEN, true));
            Optional<Hit> personsClick = first(theirs, TrackingStore.Kind.CLICK, false);
            claim(firsts, TrackingStore.First.CLICK, email.clicked(), personsClick);
            Map<Integer, Hit> firstPerLink = new TreeMap<>();
            theirs.stream().filter(hit -> hit.kind() == TrackingStore.Kind.CLICK && !hit.machine())
                    .forEach(hit -> firstPerLink.putIfAbsent(hit.linkIndex(), hit));
            long clickedLinks = email.clickedLinks();
            for (Map.Entry<Integer, Hit> link : firstPerLink.entrySet()) {
                int index = link.getKey();
                if (index < TrackingStore.LINKS_IN_MASK) {
                    if (!TrackingStore.clicked(clickedLinks, index)) {
                        linkFirsts.add(link.getValue());
                        clickedLinks |= 1L << index;
                    }
                } else if (!clickedBefore.contains(email.outboxId() + "-" + index)) {
                    linkFirsts.add(link.getValue());
                }
            }
            Optional<Hit> firstClick = email.clicked() ? Optional.empty() : personsClick;
            if (firstClick.isPresent() || clickedLinks != email.clickedLinks()) {
                clicks.add(new TrackingStore.Clicks(email.outboxId(), firstClick.map(Hit::at).orElse(null),
                        clickedLinks));
            }
        }
        for (int from = 0; from < kept.size(); from += INSERT_ROWS) {
            store.insertHits(kept.subList(from, Math.min(kept.size(), from + INSERT_ROWS)));
        }
        List<Tallies.Addition> tallied = new ArrayList<>();
        List<IncomingEvent> observed = new ArrayList<>();
        if (!clicks.isEmpty()) {
            store.setClicks(clicks); // the emails' first clicks, which are claimed below for their tallies
        }
        firsts.forEach((first, claims) -> {
            if (first != TrackingStore.First.CLICK) {
                store.setFirsts(first, claims);
            }
            for (TrackingStore.Claim claim : claims) {
                TrackingStore.TrackedEmail email = emails.get(claim.outboxId());
                tallied.add(new Tallies.Addition(tally(email, first.figure()), claim.at(), 1));
                if (first == TrackingStore.First.OPEN) {
                    observed.add(event(email, EMAIL_OPENED, "email-opened-" + email.outboxId(), Map.of(), claim.at()));
                }
            }
        });
        if (!linkFirsts.isEmpty()) {
            List<TrackingStore.Claim> pastTheMask = linkFirsts.stream()
                    .filter(hit -> hit.linkIndex() >= TrackingStore.LINKS_IN_MASK)
                    .map(hit -> new TrackingStore.Claim(hit.outboxId(), hit.linkIndex(), hit.at())).toList();
            if (!pastTheMask.isEmpty()) {
                store.setFirstClicksPastTheMask(pastTheMask);
            }
            for (Hit hit : linkFirsts) {
                TrackingStore.TrackedEmail email = emails.get(hit.outboxId());
                observed.add(event(email, EMAIL_CLICKED, "email-clicked-" + email.outboxId() + "-"
                        + hit.linkIndex(), Map.of("url", hit.url(), "linkIndex", hit.linkIndex()), hit.at()));
            }
        }
        tallies.addAll(tallied);
        events.recordAll(observed);
    }

    /** Adds the claim of an email's first, unless it had one when locked or the batch has no such hit. */
    private static void claim(Map<TrackingStore.First, List<TrackingStore.Claim>> firsts, TrackingStore.First first,
            boolean hadOne, Optional<Hit> hit) {
        if (!hadOne && hit.isPresent()) {
            firsts.computeIfAbsent(first, kind -> new ArrayList<>())
                    .add(new TrackingStore.Claim(hit.get().outboxId(), null, hit.get().at()));
        }
    }

    private static Optional<Hit> first(List<Hit> hits, TrackingStore.Kind kind, boolean machine) {
        return hits.stream().filter(hit -> hit.kind() == kind && hit.machine() == machine).findFirst();
    }

    /** A click as it came in: the email and link its token names, how it was asked for, and when. */
    record Click(long outboxId, int index, String method, String userAgent, Instant at) {

        ClickTargets.Link link() {
            return new ClickTargets.Link(outboxId, index);
        }
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
    public Map<Long, EmailEngagement> emailsOf(String customerId) {
        return store.engagementOf(customerId);
    }

    @Override
    public Map<String, InstanceEngagement> ofJourneyInstances(java.util.Collection<String> journeyInstanceIds) {
        return journeyInstanceIds.isEmpty() ? Map.of() : store.engagementOfInstances(journeyInstanceIds);
    }

    @Override
    public Optional<EngagedEmail> lastOpened(String customerId, Instant since, Instant until) {
        return store.last(customerId, false, since, until);
    }

    private static Tallies.Tally tally(TrackingStore.TrackedEmail email, String figure) {
        return new Tallies.Tally(MessageFigure.SERIES, email.templateKey(), 0,
                MessageFigure.sender(email.journeyKey(), email.stepId()), figure);
    }

    private static IncomingEvent event(TrackingStore.TrackedEmail email, String type, String messageId,
            Map<String, Object> extra, Instant at) {
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
        return new IncomingEvent(messageId, type, email.customerId(), at.atOffset(ZoneOffset.UTC), properties);
    }
}
