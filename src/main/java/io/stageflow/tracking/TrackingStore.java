package io.stageflow.tracking;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.stageflow.delivery.EmailTracking;
import io.stageflow.delivery.MessageFigure;
import io.stageflow.support.DatabaseTimestamps;
import io.stageflow.support.MultiRowInsert;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * SQL over the tracking tables: {@code sf_tracked_email} (one row per email sent with tracking, with its first
 * opens and clicks), {@code sf_tracked_link} (each tracked link's URL) and {@code sf_tracking_hit}
 * (every open and click, person or machine). No IP address is kept, only the reason a hit was classified as it was.
 */
@Repository
class TrackingStore {

    /** The longest URL tracked; a longer link is left as it is. */
    static final int MAX_URL = 2000;

    /**
     * Links 0 to 62 of an email keep whether a person clicked them as bits of the email's row
     * ({@code sf_tracked_email.clicked_links}); a link after those, in an email with more, in
     * {@code sf_tracked_link.first_click_at}.
     */
    static final int LINKS_IN_MASK = 63;

    /** Whether the bits of an email's clicked links ({@code clicked_links}) hold link {@code index}. */
    static boolean clicked(long clickedLinks, int index) {
        return (clickedLinks & 1L << index) != 0;
    }

    private final JdbcClient jdbc;
    private final JdbcTemplate jdbcTemplate;
    private final DatabaseTimestamps timestamps;

    TrackingStore(JdbcClient jdbc, JdbcTemplate jdbcTemplate, DatabaseTimestamps timestamps) {
        this.jdbc = jdbc;
        this.jdbcTemplate = jdbcTemplate;
        this.timestamps = timestamps;
    }

    private static final MultiRowInsert INSERT_EMAIL = new MultiRowInsert("""
            insert into sf_tracked_email (outbox_id, customer_id, template_key, journey_key, step_id, sent_at)
            values""", "(?, ?, ?, ?, ?, ?)");
    private static final MultiRowInsert INSERT_LINK = new MultiRowInsert(
            "insert into sf_tracked_link (outbox_id, link_index, url) values", "(?, ?, ?)");

    /**
     * Records the emails about to be sent and their links, replacing what an earlier attempt of the same row
     * recorded: the links of the email that actually leaves are the ones kept. First attempts (the usual case) cost
     * two multi-row inserts for all the emails, and no read.
     */
    @Transactional
    void recordSends(List<EmailTracking.Tracked> emails) {
        List<Long> again = emails.stream().filter(email -> !email.sent().firstAttempt())
                .map(email -> email.sent().outboxId()).toList();
        Set<Long> before = again.isEmpty() ? Set.of() : new HashSet<>(jdbc.sql(
                        "select outbox_id from sf_tracked_email where outbox_id in (:ids)")
                .param("ids", again).query(Long.class).list());
        List<Object[]> fresh = new ArrayList<>();
        for (EmailTracking.Tracked email : emails) {
            EmailTracking.SentEmail sent = email.sent();
            if (before.contains(sent.outboxId())) {
                jdbc.sql("update sf_tracked_email set sent_at = ? where outbox_id = ?")
                        .params(timestamps.of(email.at()), sent.outboxId()).update();
            } else {
                fresh.add(new Object[] {sent.outboxId(), sent.customerId(), sent.templateKey(), sent.journeyKey(),
                        sent.stepId(), timestamps.of(email.at())});
            }
        }
        if (!before.isEmpty()) {
            jdbc.sql("delete from sf_tracked_link where outbox_id in (:ids)").param("ids", before).update();
        }
        insertAll(INSERT_EMAIL, fresh);
        List<Object[]> links = new ArrayList<>();
        for (EmailTracking.Tracked email : emails) {
            for (int i = 0; i < email.links().size(); i++) {
                links.add(new Object[] {email.sent().outboxId(), i, email.links().get(i)});
            }
        }
        insertAll(INSERT_LINK, links);
    }

    /**
     * A statement refused whole (a row another attempt of the same email stored a moment ago) is inserted row by row,
     * the raced rows left as that attempt stored them.
     */
    private void insertAll(MultiRowInsert insert, List<Object[]> rows) {
        if (!rows.isEmpty()) {
            insert.insert(jdbcTemplate, rows, i -> {
                try {
                    return jdbcTemplate.update(insert.single(), rows.get(i)) == 1;
                } catch (DuplicateKeyException raced) {
                    return false;
                }
            });
        }
    }

    /** When the email was sent (the last attempt's render), if it is tracked. */
    Optional<Instant> sentAt(long outboxId) {
        return jdbc.sql("select sent_at from sf_tracked_email where outbox_id = ?").param(outboxId)
                .query((rs, n) -> rs.getTimestamp(1).toInstant()).optional();
    }

    /** Every recorded link of these emails: where it leads, and when its email was sent. */
    Map<ClickTargets.Link, ClickTarget> clickTargets(Collection<Long> outboxIds) {
        Map<ClickTargets.Link, ClickTarget> targets = new HashMap<>();
        jdbc.sql("select l.outbox_id, l.link_index, l.url, e.sent_at from sf_tracked_link l"
                        + " join sf_tracked_email e on e.outbox_id = l.outbox_id where l.outbox_id in (:ids)")
                .param("ids", outboxIds)
                .query(rs -> {
                    targets.put(new ClickTargets.Link(rs.getLong(1), rs.getInt(2)),
                            new ClickTarget(rs.getString(3), rs.getTimestamp(4).toInstant()));
                });
        return targets;
    }

    /**
     * The tracked emails with these ids that still exist, each row locked (in id order) until the transaction ends, so
     * that an erasure waits for the batch that records their hits, and the batch for an erasure.
     */
    Map<Long, TrackedEmail> lockEmails(Collection<Long> outboxIds) {
        Map<Long, TrackedEmail> emails = new HashMap<>();
        jdbc.sql("select outbox_id, customer_id, template_key, journey_key, step_id, first_open_at,"
                        + " first_machine_open_at, first_click_at, clicked_links from sf_tracked_email"
                        + " where outbox_id in (:ids) order by outbox_id for update")
                .param("ids", outboxIds)
                .query(rs -> {
                    emails.put(rs.getLong(1), new TrackedEmail(rs.getLong(1), rs.getString(2), rs.getString(3),
                            rs.getString(4), rs.getString(5), rs.getTimestamp(6) != null, rs.getTimestamp(7) != null,
                            rs.getTimestamp(8) != null, rs.getLong(9)));
                });
        return emails;
    }

    /**
     * Of these emails' links after the first {@link #LINKS_IN_MASK}, the ones a person has clicked before, as
     * {@code outboxId-index}; the others are in {@link TrackedEmail#clickedLinks()}.
     */
    java.util.Set<String> clickedLinksPastTheMask(Collection<Long> outboxIds) {
        if (outboxIds.isEmpty()) {
            return java.util.Set.of();
        }
        return new java.util.HashSet<>(jdbc.sql("select outbox_id, link_index from sf_tracked_link"
                        + " where outbox_id in (:ids) and link_index >= " + LINKS_IN_MASK
                        + " and first_click_at is not null")
                .param("ids", outboxIds)
                .query((rs, n) -> rs.getLong(1) + "-" + rs.getInt(2)).list());
    }

    /**
     * Sets each email's first {@code first} time, with one statement. The caller holds the emails' row locks and read
     * that none of them has one yet, so each claim is won; a count that says otherwise fails the batch.
     */
    void setFirsts(First first, List<Claim> claims) {
        String column = first.column();
        List<Object> params = new ArrayList<>();
        claims.forEach(claim -> params.addAll(List.of(claim.outboxId(), timestamps.of(claim.at()))));
        claims.forEach(claim -> params.add(claim.outboxId()));
        expect(claims.size(), jdbc.sql("update sf_tracked_email set " + column + " = case outbox_id"
                        + " when ? then ?".repeat(claims.size()) + " end where outbox_id in (" + marks(claims.size())
                        + ") and " + column + " is null")
                .params(params).update(), column);
    }

    /**
     * Sets, with one statement, each email's first click by a person where it claims one, and the links a person has
     * clicked ({@link TrackedEmail#clickedLinks()}: what the email had when locked, and the links clicked first now).
     * As {@link #setFirsts}, the caller holds the emails' locks and read that none of the claimed firsts is set; each
     * email passed changes.
     */
    void setClicks(List<Clicks> emails) {
        List<Object> params = new ArrayList<>();
        List<Clicks> claiming = emails.stream().filter(email -> email.firstClickAt() != null).toList();
        claiming.forEach(email -> params.addAll(List.of(email.outboxId(), timestamps.of(email.firstClickAt()))));
        emails.forEach(email -> params.addAll(List.of(email.outboxId(), email.clickedLinks())));
        emails.forEach(email -> params.add(email.outboxId()));
        String firstClick = claiming.isEmpty() ? "" : "first_click_at = case outbox_id"
                + " when ? then ?".repeat(claiming.size()) + " else first_click_at end, ";
        expect(emails.size(), jdbc.sql("update sf_tracked_email set " + firstClick + "clicked_links = case outbox_id"
                        + " when ? then ?".repeat(emails.size()) + " end where outbox_id in (" + marks(emails.size())
                        + ")")
                .params(params).update(), "first clicks of emails and links");
    }

    /**
     * Sets the first click by a person of each link after the first {@link #LINKS_IN_MASK} of its email, with one
     * statement; as {@link #setFirsts}, the caller holds the locks of the links' emails and read that none of these
     * links was clicked by a person.
     */
    void setFirstClicksPastTheMask(List<Claim> claims) {
        List<Object> params = new ArrayList<>();
        claims.forEach(claim -> params.addAll(List.of(claim.outboxId(), claim.linkIndex(), timestamps.of(claim.at()))));
        List<Long> emails = claims.stream().map(Claim::outboxId).distinct().toList();
        params.addAll(emails);
        claims.forEach(claim -> params.addAll(List.of(claim.outboxId(), claim.linkIndex())));
        expect(claims.size(), jdbc.sql("update sf_tracked_link set first_click_at = case"
                        + " when outbox_id = ? and link_index = ? then ?".repeat(claims.size()) + " end"
                        + " where outbox_id in (" + marks(emails.size()) + ") and first_click_at is null and ("
                        + String.join(" or ", java.util.Collections.nCopies(claims.size(),
                                "outbox_id = ? and link_index = ?")) + ")")
                .params(params).update(), "first_click_at of links");
    }

    private static void expect(int claims, int updated, String what) {
        if (updated != claims) {
            throw new IllegalStateException("Set " + what + " of " + updated + " rows, not " + claims
                    + ": a row changed without its email's lock");
        }
    }

    private static String marks(int count) {
        return String.join(", ", java.util.Collections.nCopies(count, "?"));
    }

    void insertHits(List<Engagement.Hit> hits) {
        jdbc.sql("insert into sf_tracking_hit (outbox_id, kind, link_index, hit_at, machine, reason) values "
                        + String.join(", ", java.util.Collections.nCopies(hits.size(), "(?, ?, ?, ?, ?, ?)")))
                .params(hits.stream().flatMap(hit -> java.util.stream.Stream.of(hit.outboxId(), hit.kind().name(),
                        hit.linkIndex(), timestamps.of(hit.at()), hit.machine(), hit.reason())).toList())
                .update();
    }

    /** The journey email the customer last engaged with (a person), at a time in the range. */
    Optional<EngagementHistory.EngagedEmail> last(String customerId, boolean clicks, Instant since, Instant until) {
        String column = clicks ? "first_click_at" : "first_open_at";
        return jdbc.sql("select outbox_id, template_key, journey_key, step_id, " + column + " from sf_tracked_email"
                        + " where customer_id = ? and journey_key is not null and " + column + " >= ? and " + column
                        + " <= ? order by " + column + " desc, outbox_id desc limit 1")
                .params(customerId, Timestamp.from(since), Timestamp.from(until))
                .query((rs, n) -> new EngagementHistory.EngagedEmail(rs.getLong(1), rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getTimestamp(5).toInstant()))
                .optional();
    }

    /** A person's opens and clicks of each of the customer's tracked emails, by outbox row (the console's timeline). */
    Map<Long, EngagementHistory.EmailEngagement> engagementOf(String customerId) {
        Map<Long, EngagementHistory.EmailEngagement> emails = new HashMap<>();
        jdbc.sql("select e.outbox_id, e.first_open_at, e.first_click_at,"
                        + " (select count(*) from sf_tracking_hit h where h.outbox_id = e.outbox_id and h.kind = 'OPEN'"
                        + " and h.machine = false),"
                        + " (select count(*) from sf_tracking_hit h where h.outbox_id = e.outbox_id and h.kind = 'CLICK'"
                        + " and h.machine = false)"
                        + " from sf_tracked_email e where e.customer_id = ?")
                .param(customerId)
                .query(rs -> {
                    emails.put(rs.getLong(1), new EngagementHistory.EmailEngagement(instant(rs.getTimestamp(2)),
                            rs.getLong(4), instant(rs.getTimestamp(3)), rs.getLong(5)));
                });
        return emails;
    }

    /**
     * Whether a person opened and clicked any tracked email of each of these journey instances (their outbox rows, by
     * the outbox's instance index), read {@value #INSTANCES_A_READ} instances at a time; instances without one are
     * left out.
     */
    Map<String, EngagementHistory.InstanceEngagement> engagementOfInstances(Collection<String> instanceIds) {
        Map<String, EngagementHistory.InstanceEngagement> engaged = new HashMap<>();
        List<String> ids = List.copyOf(instanceIds);
        for (int from = 0; from < ids.size(); from += INSTANCES_A_READ) {
            jdbc.sql("""
                    select o.journey_instance_id, count(e.first_open_at), count(e.first_click_at)
                    from sf_outbox o join sf_tracked_email e on e.outbox_id = o.id
                    where o.journey_instance_id in (:ids) group by o.journey_instance_id""")
                    .param("ids", ids.subList(from, Math.min(ids.size(), from + INSTANCES_A_READ)))
                    .query(rs -> {
                        engaged.put(rs.getString(1), new EngagementHistory.InstanceEngagement(rs.getLong(2) > 0,
                                rs.getLong(3) > 0));
                    });
        }
        return engaged;
    }

    /** How many journey instances {@link #engagementOfInstances} asks about in one statement. */
    static final int INSTANCES_A_READ = 500;

    /** The customer's tracked emails and what they did with them, oldest first (export). */
    List<Map<String, Object>> export(String customerId) {
        return jdbc.sql("""
                select e.outbox_id, e.template_key, e.journey_key, e.step_id, e.sent_at, e.first_open_at,
                       (select count(*) from sf_tracking_hit h where h.outbox_id = e.outbox_id and h.kind = 'OPEN'
                        and h.machine = false),
                       (select count(*) from sf_tracking_hit h where h.outbox_id = e.outbox_id and h.kind = 'OPEN'
                        and h.machine = true),
                       e.first_click_at,
                       (select count(*) from sf_tracking_hit h where h.outbox_id = e.outbox_id and h.kind = 'CLICK'
                        and h.machine = false),
                       (select count(*) from sf_tracking_hit h where h.outbox_id = e.outbox_id and h.kind = 'CLICK'
                        and h.machine = true),
                       e.clicked_links
                from sf_tracked_email e where e.customer_id = ? order by e.outbox_id""")
                .param(customerId)
                .query((rs, n) -> {
                    Map<String, Object> email = new LinkedHashMap<>();
                    email.put("outboxId", rs.getLong(1));
                    email.put("template", rs.getString(2));
                    email.put("journey", rs.getString(3));
                    email.put("step", rs.getString(4));
                    email.put("sentAt", instant(rs.getTimestamp(5)));
                    email.put("firstOpenedAt", instant(rs.getTimestamp(6)));
                    email.put("opens", rs.getInt(7));
                    email.put("machineOpens", rs.getInt(8));
                    email.put("firstClickedAt", instant(rs.getTimestamp(9)));
                    email.put("clicks", rs.getInt(10));
                    email.put("machineClicks", rs.getInt(11));
                    long clickedLinks = rs.getLong(12);
                    email.put("links", jdbc.sql("select link_index, url, first_click_at from sf_tracked_link"
                                    + " where outbox_id = ? order by link_index")
                            .param(rs.getLong(1))
                            .query((link, i) -> Map.of("index", link.getInt(1), "url", link.getString(2),
                                    "clicked", link.getInt(1) < LINKS_IN_MASK ? clicked(clickedLinks, link.getInt(1))
                                            : link.getTimestamp(3) != null))
                            .list());
                    return email;
                })
                .list();
    }

    /** Erasure: the customer's tracked emails, their links and every hit on them; the emails' ids. */
    List<Long> erase(String customerId) {
        // The emails first, in id order, as a batch of hits locks them: the two never wait on each other in a circle.
        List<Long> emails = jdbc.sql("select outbox_id from sf_tracked_email where customer_id = ? order by outbox_id"
                        + " for update").param(customerId).query(Long.class).list();
        String theirs = "outbox_id in (select outbox_id from sf_tracked_email where customer_id = ?)";
        jdbc.sql("delete from sf_tracking_hit where " + theirs).param(customerId).update();
        jdbc.sql("delete from sf_tracked_link where " + theirs).param(customerId).update();
        jdbc.sql("delete from sf_tracked_email where customer_id = ?").param(customerId).update();
        return emails;
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    /** What a hit was. */
    enum Kind { OPEN, CLICK }

    /**
     * What the events and tallies of an email's hits name, and which of its firsts it had when it was locked.
     *
     * @param clickedLinks bit i set when a person had clicked link i (up to {@link #LINKS_IN_MASK})
     */
    record TrackedEmail(long outboxId, String customerId, String templateKey, String journeyKey, String stepId,
            boolean opened, boolean machineOpened, boolean clicked, long clickedLinks) {
    }

    /**
     * What a batch sets of an email's clicks by a person: its first click, unless it had one (null), and the links
     * clicked so far, those it had and those clicked first now.
     */
    record Clicks(long outboxId, Instant firstClickAt, long clickedLinks) {
    }

    /** A first open or click to set, of an email or (with its index) of one of its links. */
    record Claim(long outboxId, Integer linkIndex, Instant at) {
    }

    /** Where a tracked link leads, and when its email was sent. */
    record ClickTarget(String url, Instant sentAt) {
    }

    /** The first opens and clicks an email keeps, and the message tally each counts in. */
    enum First {
        OPEN("first_open_at", MessageFigure.UNIQUE_OPENS),
        MACHINE_OPEN("first_machine_open_at", MessageFigure.UNIQUE_MACHINE_OPENS),
        CLICK("first_click_at", MessageFigure.UNIQUE_CLICKS);

        private final String column;
        private final String figure;

        First(String column, String figure) {
            this.column = column;
            this.figure = figure;
        }

        String column() {
            return column;
        }

        String figure() {
            return figure;
        }
    }
}
