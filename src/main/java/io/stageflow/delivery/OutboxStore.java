package io.stageflow.delivery;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import io.stageflow.subscriptions.EmailCategory;
import io.stageflow.support.DatabaseTimestamps;
import io.stageflow.support.MultiRowInsert;
import io.stageflow.support.Tallies;
import io.stageflow.support.TypedParameters;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** SQL over {@code sf_outbox}. Each state change is a conditional update, so two dispatchers never both win. */
@Repository
class OutboxStore {

    private static final int TEXT_MAX = 1000;

    private static final MultiRowInsert INSERT = new MultiRowInsert("""
            insert into sf_outbox (idempotency_key, customer_id, template_key, category, journey_key,
                                   journey_instance_id, step_id, status, attempts, next_attempt_at, created_at,
                                   respect_quiet_hours, priority, event_message_id, journey_variables)
            values""", "(?, ?, ?, ?, ?, ?, ?, 'PENDING', 0, ?, ?, ?, ?, ?, ?)");

    private final JdbcClient jdbc;
    private final JdbcTemplate jdbcTemplate;
    private final DatabaseTimestamps timestamps;
    private final Tallies tallies;
    private final TransactionTemplate transaction;
    private final DeliveryEvents deliveryEvents;
    private final JourneyVariablesJson journeyVariables;

    OutboxStore(JdbcClient jdbc, JdbcTemplate jdbcTemplate, Tallies tallies, PlatformTransactionManager transactions,
            DeliveryEvents deliveryEvents, DatabaseTimestamps timestamps, JourneyVariablesJson journeyVariables) {
        this.deliveryEvents = deliveryEvents;
        this.journeyVariables = journeyVariables;
        this.jdbc = jdbc;
        this.jdbcTemplate = jdbcTemplate;
        this.tallies = tallies;
        this.transaction = new TransactionTemplate(transactions);
        this.timestamps = timestamps;
    }

    /**
     * Runs a fenced status change and, when it changed the row, counts {@code figure} for the email's template and
     * step in the same transaction (message analytics, docs/analytics.md): a figure is there exactly when its row
     * changed, and a node whose claim was taken over counts nothing.
     */
    private boolean counted(OutboxEntry entry, MessageFigure figure, Instant at, Supplier<Integer> change) {
        return Boolean.TRUE.equals(transaction.execute(status -> {
            if (change.get() != 1) {
                return false;
            }
            tallies.add(figure.of(entry.templateKey(), entry.journeyKey(), entry.stepId()), at);
            deliveryEvents.record(entry, figure, at);
            return true;
        }));
    }

    /** Inserts the row; a {@code DuplicateKeyException} means this idempotency key was queued before. */
    void insert(EmailRequest request, Instant now) {
        jdbc.sql(INSERT.single()).params(values(request, now)).update();
        tallies.add(MessageFigure.QUEUED.of(request.templateKey(), request.journeyKey(), request.stepId()), now);
    }

    /**
     * Queues many emails at once (a broadcast's chunk) in the caller's transaction, with one multi-row insert per
     * {@link MultiRowInsert#ROWS_PER_STATEMENT} rows and their queued counts in one tally insert. A statement that
     * meets a key queued before (a re-run of the chunk, or another node running the same partition) is taken again
     * without the keys already there, and should it meet one queued since, row by row, each as {@link #insert}
     * would. Returns the keys queued now.
     */
    Set<String> insertAll(List<EmailRequest> requests, Instant now) {
        List<EmailRequest> inserted = new ArrayList<>();
        for (int from = 0; from < requests.size(); from += MultiRowInsert.ROWS_PER_STATEMENT) {
            List<EmailRequest> statement = requests.subList(from,
                    Math.min(requests.size(), from + MultiRowInsert.ROWS_PER_STATEMENT));
            if (INSERT.insertWhole(jdbcTemplate, statement.stream().map(request -> values(request, now)).toList())) {
                inserted.addAll(statement);
            } else {
                inserted.addAll(insertLeavingOutQueued(statement, now));
            }
        }
        tallies.addAll(inserted.stream().map(request -> new Tallies.Addition(MessageFigure.QUEUED.of(
                request.templateKey(), request.journeyKey(), request.stepId()), now, 1)).toList());
        Set<String> queued = new LinkedHashSet<>();
        inserted.forEach(request -> queued.add(request.idempotencyKey()));
        return queued;
    }

    /** Inserts the requests whose keys are not queued yet; the ones inserted. */
    private List<EmailRequest> insertLeavingOutQueued(List<EmailRequest> requests, Instant now) {
        Set<String> queuedBefore = new HashSet<>(jdbc.sql(
                        "select idempotency_key from sf_outbox where idempotency_key in (:keys)")
                .param("keys", requests.stream().map(EmailRequest::idempotencyKey).toList())
                .query(String.class).list());
        List<EmailRequest> fresh = requests.stream().filter(r -> !queuedBefore.contains(r.idempotencyKey()))
                .toList();
        boolean[] queuedNow = INSERT.insert(jdbcTemplate, fresh.stream().map(request -> values(request, now)).toList(),
                i -> {
                    try {
                        jdbc.sql(INSERT.single()).params(values(fresh.get(i), now)).update();
                        return true;
                    } catch (DuplicateKeyException queuedMeanwhile) {
                        return false; // another node queued it a moment ago (or the chunk named it twice)
                    }
                });
        List<EmailRequest> inserted = new ArrayList<>();
        for (int i = 0; i < fresh.size(); i++) {
            if (queuedNow[i]) {
                inserted.add(fresh.get(i));
            }
        }
        return inserted;
    }

    private static final String INSERT_CHANNEL = """
            insert into sf_outbox (idempotency_key, customer_id, template_key, category, journey_key,
                                   journey_instance_id, step_id, status, attempts, next_attempt_at, created_at,
                                   respect_quiet_hours, priority, event_message_id, journey_variables, channel,
                                   channel_settings)
            values (?, ?, ?, ?, ?, ?, ?, 'PENDING', 0, ?, ?, ?, ?, ?, ?, ?, ?)""";

    /**
     * Inserts a non-email message's row, its template key being {@code <channel>:<name>} (what the message log and
     * analytics group it by); a {@code DuplicateKeyException} means this idempotency key was queued before.
     */
    void insert(ChannelRequest request, boolean respectQuietHours, Instant now) {
        Object at = timestamps.of(now);
        String templateKey = templateKeyOf(request.channel(), request.name());
        jdbc.sql(INSERT_CHANNEL).params(request.idempotencyKey(), request.customerId(), templateKey,
                request.category().name(), request.journeyKey(), request.journeyInstanceId(), request.stepId(), at, at,
                respectQuietHours, SendPriority.forJourney(request.category()).rank(), request.eventMessageId(),
                journeyVariables.toJson(request.journeyVariables()), request.channel().name(),
                journeyVariables.toJson(new java.util.LinkedHashMap<>(request.settings()))).update();
        tallies.add(MessageFigure.QUEUED.of(templateKey, request.journeyKey(), request.stepId()), now);
    }

    /** The template key a non-email message is counted under: {@code webhook:crm}, {@code sms:reminder}. */
    static String templateKeyOf(Channel channel, String name) {
        String key = channel.key() + ":" + name;
        return key.length() <= 100 ? key : key.substring(0, 100);
    }

    private Map<String, String> settings(String stored) {
        Map<String, String> settings = new java.util.LinkedHashMap<>();
        journeyVariables.fromJson(stored).forEach((name, value) -> settings.put(name, value == null ? null
                : value.toString()));
        return settings;
    }

    private Object[] values(EmailRequest request, Instant now) {
        Object at = timestamps.of(now);
        return new Object[] {request.idempotencyKey(), request.customerId(), request.templateKey(),
                request.category().name(), request.journeyKey(), request.journeyInstanceId(), request.stepId(), at,
                at, request.respectQuietHours(), request.priority().rank(), request.eventMessageId(),
                journeyVariables.toJson(request.journeyVariables())};
    }

    /**
     * Up to {@code limit} rows due now, most urgent first (by priority, then in the order queued), as they are before
     * anyone claims them. Each waiting status is read in that order through its index ({@code ix_sf_outbox_queue}),
     * and the two are merged here: one query over both would sort every due row on each pass.
     */
    List<OutboxEntry> findDue(Instant now, int limit) {
        return findDue(Channel.EMAIL, now, limit);
    }

    /** As {@link #findDue(Instant, int)}, for one channel's rows. */
    List<OutboxEntry> findDue(Channel channel, Instant now, int limit) {
        List<OutboxEntry> due = new ArrayList<>(dueWith(channel, OutboxStatus.PENDING, now, limit));
        due.addAll(dueWith(channel, OutboxStatus.DEFERRED, now, limit));
        due.sort(QUEUE_ORDER);
        return due.size() > limit ? List.copyOf(due.subList(0, limit)) : due;
    }

    private static final Comparator<OutboxEntry> QUEUE_ORDER = Comparator
            .comparingInt((OutboxEntry entry) -> entry.priority().rank()).thenComparingLong(OutboxEntry::id);

    private List<OutboxEntry> dueWith(Channel channel, OutboxStatus status, Instant now, int limit) {
        return jdbc.sql("""
                select * from sf_outbox where channel = ? and status = ? and next_attempt_at <= ?
                order by priority, id limit ?""")
                .params(channel.name(), status.name(), Timestamp.from(now), limit).query(this::entry).list();
    }

    /**
     * Takes a row that was given up for one more attempt, asked for by an operator (retrying the journey's
     * incident); false when it is not failed, for example because that retry already delivered it.
     */
    boolean claimFailed(long id, Instant leaseUntil) {
        return jdbc.sql("""
                update sf_outbox set status = 'SENDING', attempts = attempts + 1, lease_until = ?, handed_over_at = null
                where id = ? and status = 'FAILED'""")
                .params(Timestamp.from(leaseUntil), id).update() == 1;
    }

    /**
     * Takes these rows for delivery, as {@link #findDue} read them, each claimed (its attempt counted) under the fence
     * of the attempt read: the rows claimed now, as they now are; the others another dispatcher took first, or
     * changed since. Two statements whatever the number of rows, in the caller's transaction: the rows still waiting
     * and due are locked and read, and those still at the attempt read are claimed with one update, which the locks
     * make certain to change exactly them. A row another transaction holds (another dispatcher claiming it, even one
     * whose process is stopped mid-transaction) is skipped, not waited for: it is that one's to send.
     */
    List<OutboxEntry> claimAll(List<OutboxEntry> due, Instant now, Instant leaseUntil) {
        if (due.isEmpty()) {
            return List.of();
        }
        Timestamp at = Timestamp.from(now);
        List<Object> lockParameters = new ArrayList<>();
        String in = placeholders(due.stream().map(OutboxEntry::id).toList(), lockParameters);
        lockParameters.add(at);
        Map<Long, Integer> waiting = new HashMap<>();
        jdbcTemplate.query("select id, attempts from sf_outbox where id in (" + in + ")"
                        + " and status in ('PENDING', 'DEFERRED') and next_attempt_at <= ? for update skip locked",
                statement -> TypedParameters.bind(statement, 1, lockParameters.toArray()),
                rs -> {
                    waiting.put(rs.getLong(1), rs.getInt(2));
                });
        List<OutboxEntry> claimable = due.stream()
                .filter(row -> Integer.valueOf(row.attempts()).equals(waiting.get(row.id()))).toList();
        if (claimable.isEmpty()) {
            return List.of();
        }
        List<Object> parameters = new ArrayList<>();
        parameters.add(Timestamp.from(leaseUntil));
        String ids = placeholders(claimable.stream().map(OutboxEntry::id).toList(), parameters);
        parameters.add(at);
        int changed = jdbcTemplate.update("update sf_outbox set status = 'SENDING', attempts = attempts + 1,"
                + " lease_until = ?, handed_over_at = null where id in (" + ids + ")"
                + " and status in ('PENDING', 'DEFERRED') and next_attempt_at <= ?",
                statement -> TypedParameters.bind(statement, 1, parameters.toArray()));
        if (changed != claimable.size()) {
            throw new IllegalStateException("Claimed " + changed + " of " + claimable.size()
                    + " outbox rows this transaction had locked as waiting");
        }
        return claimable.stream().map(OutboxEntry::nextAttempt).toList();
    }

    /** What the row's last attempt met, as the message log shows it; null when nothing went wrong. */
    String lastErrorOf(long id) {
        return jdbc.sql("select last_error from sf_outbox where id = ?").param(id).query(String.class).optional()
                .orElse(null);
    }

    OutboxStatus statusOf(long id) {
        return OutboxStatus.valueOf(jdbc.sql("select status from sf_outbox where id = ?").param(id)
                .query(String.class).single());
    }

    Optional<OutboxEntry> find(long id) {
        return jdbc.sql("select * from sf_outbox where id = ?").param(id).query(this::entry).optional();
    }

    private OutboxEntry entry(ResultSet rs, int row) throws SQLException {
        return new OutboxEntry(
                rs.getLong("id"),
                rs.getString("idempotency_key"),
                rs.getString("customer_id"),
                rs.getString("template_key"),
                EmailCategory.valueOf(rs.getString("category")),
                rs.getString("journey_key"),
                rs.getString("journey_instance_id"),
                rs.getString("step_id"),
                rs.getInt("attempts"),
                rs.getBoolean("respect_quiet_hours"),
                rs.getInt("ambiguous_deliveries"),
                SendPriority.ofRank(rs.getInt("priority")),
                rs.getString("event_message_id"),
                journeyVariables.fromJson(rs.getString("journey_variables")),
                Channel.valueOf(rs.getString("channel")),
                settings(rs.getString("channel_settings")));
    }

    /**
     * A sent email reported undeliverable later: marked bounced with the reason; false when the row was not sent
     * (or was marked before), which changes nothing.
     */
    boolean markBounced(long id, String reason) {
        return jdbc.sql("update sf_outbox set status = 'BOUNCED', last_error = ? where id = ? and status = 'SENT'")
                .params(reason, id).update() == 1;
    }

    /** A channel's message as its provider's receipts need it: its row, customer, recipient and template. */
    record ProviderMessage(long id, String customerId, String recipient, String templateKey, String journeyKey,
            String stepId) {
    }

    Optional<ProviderMessage> findByProviderMessageId(Channel channel, String providerMessageId) {
        return jdbc.sql("""
                select id, customer_id, recipient, template_key, journey_key, step_id from sf_outbox
                where provider_message_id = ? and channel = ?""")
                .params(providerMessageId, channel.name())
                .query((rs, row) -> new ProviderMessage(rs.getLong(1), rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getString(5), rs.getString(6)))
                .stream().findFirst();
    }

    /** The provider reports the sent message delivered: recorded once, counted {@link MessageFigure#DELIVERED}. */
    boolean markDelivered(ProviderMessage message, Instant at) {
        return Boolean.TRUE.equals(transaction.execute(status -> {
            if (jdbc.sql("update sf_outbox set delivered_at = ? where id = ? and status = 'SENT' and delivered_at is null")
                    .params(Timestamp.from(at), message.id()).update() != 1) {
                return false;
            }
            tallies.add(MessageFigure.DELIVERED.of(message.templateKey(), message.journeyKey(), message.stepId()), at);
            return true;
        }));
    }

    /** The provider reports the sent message undeliverable: marked bounced once, with the provider's reason. */
    boolean markUndeliverable(ProviderMessage message, String reason, Instant at) {
        return Boolean.TRUE.equals(transaction.execute(status -> {
            if (!markBounced(message.id(), truncate(reason))) {
                return false;
            }
            tallies.add(MessageFigure.BOUNCED.of(message.templateKey(), message.journeyKey(), message.stepId()), at);
            return true;
        }));
    }

    /** The customer's last email that went out since {@code since} (indexed by customer). */
    Optional<Long> lastSentTo(String customerId, Instant since) {
        return jdbc.sql("""
                select id from sf_outbox where customer_id = ? and status in ('SENT', 'BOUNCED') and sent_at >= ?
                  and channel = 'EMAIL'
                order by sent_at desc, id desc
                limit 1""")
                .params(customerId, Timestamp.from(since)).query(Long.class).optional();
    }

    /** The address the row's email went to, as it was when sent; none before it was. */
    Optional<String> recipientOf(long id) {
        return jdbc.sql("select recipient from sf_outbox where id = ?").param(id).query(String.class).optional();
    }

    /** The journey instance's rows that no dispatcher holds: queued, waiting for a retry, or deferred. */
    List<OutboxEntry> unsentOfJourneyInstance(String journeyInstanceId) {
        return jdbc.sql("""
                select * from sf_outbox where journey_instance_id = ? and status in ('PENDING', 'DEFERRED')
                order by id""")
                .param(journeyInstanceId).query(this::entry).list();
    }

    /**
     * Withdraws the row with its reason, unless a dispatcher claimed it meanwhile (then it is being delivered and
     * goes on); true when this changed it.
     */
    boolean withdraw(OutboxEntry entry, String reason, Instant now) {
        return counted(entry, MessageFigure.WITHDRAWN, now, () -> jdbc.sql("""
                update sf_outbox set status = 'WITHDRAWN', lease_until = null, sent_at = null, last_error = ?
                where id = ? and status in ('PENDING', 'DEFERRED')""")
                .params(truncate(reason), entry.id()).update());
    }

    Optional<Long> findIdByIdempotencyKey(String idempotencyKey) {
        return jdbc.sql("select id from sf_outbox where idempotency_key = ?").param(idempotencyKey)
                .query(Long.class).optional();
    }

    /** The customer's last journey email sent in {@code [since, until]} (indexed by customer). */
    Optional<Outbox.SentEmail> lastJourneyEmailSent(String customerId, Instant since, Instant until) {
        return jdbc.sql("""
                select id, customer_id, template_key, journey_key, step_id, sent_at from sf_outbox
                where customer_id = ? and journey_key is not null and status = 'SENT' and sent_at >= ? and sent_at <= ?
                  and channel = 'EMAIL'
                order by sent_at desc, id desc
                limit 1""")
                .params(customerId, Timestamp.from(since), Timestamp.from(until))
                .query((rs, row) -> new Outbox.SentEmail(new Outbox.QueuedEmail(rs.getLong("id"),
                        rs.getString("customer_id"), rs.getString("template_key"), rs.getString("journey_key"),
                        rs.getString("step_id")), rs.getTimestamp("sent_at").toInstant()))
                .stream().findFirst();
    }

    /** A marketing email that counts against its customer's cap: sent, or passed the pacing check and in flight. */
    record MarketingSend(String customerId, long outboxId, int rank, Instant sentAt) {
    }

    /**
     * The marketing emails of these customers that went out (or, still in flight, passed the pacing check) since
     * {@code since}, by customer, with one read (indexed by customer).
     */
    Map<String, List<MarketingSend>> marketingSends(Collection<String> customerIds, Instant since) {
        Map<String, List<MarketingSend>> sends = new HashMap<>();
        if (customerIds.isEmpty()) {
            return sends;
        }
        jdbc.sql("""
                select customer_id, id, priority, sent_at from sf_outbox
                where customer_id in (:customers) and category = 'MARKETING' and status in ('SENT', 'SENDING', 'BOUNCED')
                  and sent_at > :since and channel = 'EMAIL'""")
                .param("customers", customerIds).param("since", Timestamp.from(since))
                .query(rs -> {
                    MarketingSend send = new MarketingSend(rs.getString(1), rs.getLong(2), rs.getInt(3),
                            rs.getTimestamp(4).toInstant());
                    sends.computeIfAbsent(send.customerId(), customer -> new ArrayList<>()).add(send);
                });
        return sends;
    }

    /**
     * Erasure: cancels whatever has not been sent yet and strips the rows of who they were for, keeping them for
     * the journey statistics under {@code anonymousId}: the template's journey variables and event go too.
     */
    void cancelAndAnonymise(String customerId, String anonymousId) {
        jdbc.sql("""
                update sf_outbox
                set status = case when status in ('PENDING', 'DEFERRED', 'SENDING') then 'SKIPPED' else status end,
                    customer_id = ?, recipient = null, subject = null, last_error = null, event_message_id = null,
                    journey_variables = null
                where customer_id = ?""")
                .params(anonymousId, customerId).update();
    }

    /** The customer's messages of every channel, newest first. */
    List<MessageLogEntry> findByCustomer(String customerId) {
        return jdbc.sql("select * from sf_outbox where customer_id = ? order by id desc").param(customerId)
                .query((rs, row) -> new MessageLogEntry(
                        rs.getLong("id"),
                        rs.getString("template_key"),
                        rs.getString("category").toLowerCase(Locale.ROOT),
                        rs.getString("journey_key"),
                        rs.getString("journey_instance_id"),
                        rs.getString("step_id"),
                        rs.getString("status").toLowerCase(Locale.ROOT),
                        rs.getInt("attempts"),
                        rs.getTimestamp("created_at").toInstant(),
                        rs.getString("status").matches("PENDING|DEFERRED") ? rs.getTimestamp("next_attempt_at").toInstant() : null,
                        rs.getTimestamp("sent_at") == null ? null : rs.getTimestamp("sent_at").toInstant(),
                        rs.getString("recipient"),
                        rs.getString("subject"),
                        rs.getString("last_error"),
                        SendPriority.ofRank(rs.getInt("priority")).name().toLowerCase(Locale.ROOT),
                        Channel.valueOf(rs.getString("channel")).key(),
                        rs.getTimestamp("delivered_at") == null ? null : rs.getTimestamp("delivered_at").toInstant()))
                .list();
    }

    /** What the mail server accepted: the row claimed, the moment, and what the sent row keeps of the email. */
    record Accepted(OutboxEntry entry, Instant at, String recipient, String subject, String messageIdHeader,
            int templateVersion) {
    }

    /**
     * Records the mail server's acceptance of several emails at once, in one transaction with their tallies and
     * events. Each is fenced by its claim's attempt: a row another node recovered from this claim meanwhile is left
     * alone, except that one swept as {@code OUTCOME_UNKNOWN} while this node was still sending it becomes
     * {@code SENT}, since it was. For each, whether its row was changed. The rows are locked and their fences read
     * with one query, and the ones still this claim's are changed with one statement.
     */
    boolean[] markAllSent(List<Accepted> accepted) {
        return markAllSent(accepted, () -> { });
    }

    /**
     * As {@link #markAllSent(List)}, with {@code meanwhile} run in the same transaction once the rows are marked and
     * before the tallies and events are written: what it waits for holds only these rows' locks, not those of the
     * tallies, which every node's record of the same template shares.
     */
    boolean[] markAllSent(List<Accepted> accepted, Runnable meanwhile) {
        boolean[] changed = new boolean[accepted.size()];
        if (accepted.isEmpty()) {
            return changed;
        }
        transaction.executeWithoutResult(status -> {
            Map<Long, Claim> now = lockClaims(accepted.stream().map(sent -> sent.entry().id()).toList());
            List<Accepted> stillOurs = new ArrayList<>();
            for (int i = 0; i < accepted.size(); i++) {
                changed[i] = Claim.held(now.get(accepted.get(i).entry().id()), accepted.get(i).entry().attempts(),
                        OutboxStatus.SENDING, OutboxStatus.OUTCOME_UNKNOWN);
                if (changed[i]) {
                    stillOurs.add(accepted.get(i));
                }
            }
            if (!stillOurs.isEmpty()) {
                List<Object> parameters = new ArrayList<>();
                List<Long> ids = stillOurs.stream().map(sent -> sent.entry().id()).toList();
                String sql = "update sf_outbox set status = 'SENT', lease_until = null, last_error = null"
                        + ", sent_at = " + byId(ids, stillOurs.stream().map(sent -> Timestamp.from(sent.at())).toList(), parameters)
                        + ", recipient = " + byId(ids, stillOurs.stream().map(Accepted::recipient).toList(), parameters)
                        + ", subject = " + byId(ids, stillOurs.stream().map(sent -> truncate(sent.subject())).toList(), parameters)
                        + ", message_id_header = " + byId(ids, stillOurs.stream().map(Accepted::messageIdHeader).toList(), parameters)
                        + ", template_version = " + byId(ids, stillOurs.stream().map(sent -> sent.templateVersion() > 0
                                ? (Object) sent.templateVersion() : null).toList(), parameters)
                        + " where id in (" + placeholders(ids, parameters) + ")";
                jdbcTemplate.update(sql, statement -> TypedParameters.bind(statement, 1, parameters.toArray()));
            }
            meanwhile.run();
            List<Tallies.Addition> additions = new ArrayList<>();
            List<DeliveryEvents.Change> changes = new ArrayList<>();
            for (int i = 0; i < changed.length; i++) {
                if (changed[i]) {
                    OutboxEntry entry = accepted.get(i).entry();
                    additions.add(new Tallies.Addition(MessageFigure.SENT.of(entry.templateKey(), entry.journeyKey(),
                            entry.stepId()), accepted.get(i).at(), 1));
                    changes.add(new DeliveryEvents.Change(entry, MessageFigure.SENT, accepted.get(i).at()));
                }
            }
            tallies.addAll(additions);
            deliveryEvents.recordAll(changes);
        });
        return changed;
    }

    /**
     * When the customer's marketing messages of this channel went out (or, in flight, were handed over) since
     * {@code since}, oldest first, leaving out row {@code except}: what a channel's frequency cap counts.
     */
    List<Instant> marketingSendTimes(Channel channel, String customerId, Instant since, long except) {
        return jdbc.sql("""
                select sent_at from sf_outbox
                where customer_id = ? and channel = ? and category = 'MARKETING' and id <> ?
                  and status in ('SENT', 'SENDING', 'BOUNCED') and sent_at > ?
                order by sent_at""")
                .params(customerId, channel.name(), except, Timestamp.from(since))
                .query((rs, row) -> rs.getTimestamp(1).toInstant()).list();
    }

    /** Keeps the provider's id for a channel's sent message, which its status callbacks name it by. */
    void recordProviderMessageId(long id, String providerMessageId) {
        if (providerMessageId != null) {
            jdbc.sql("update sf_outbox set provider_message_id = ? where id = ?")
                    .params(providerMessageId.length() <= 100 ? providerMessageId : providerMessageId.substring(0, 100), id)
                    .update();
        }
    }

    /**
     * Commits that the message is being handed over now (the SMTP server answered DATA, or the file outbox is
     * writing it), before a byte of it goes out; false when the claim is no longer this dispatcher's, in which case
     * nothing may be sent.
     */
    boolean markHandedOver(long id, int attempt, Instant now, String messageIdHeader) {
        return jdbc.sql("""
                update sf_outbox set handed_over_at = ?, message_id_header = ?
                where id = ? and attempts = ? and status = 'SENDING'""")
                .params(Timestamp.from(now), messageIdHeader, id, attempt).update() == 1;
    }

    /** A row's claim as it now is: its attempt count and status. */
    private record Claim(int attempts, OutboxStatus status) {

        /** True when the row (null when gone) is still at {@code attempt}, in one of {@code statuses}. */
        static boolean held(Claim claim, int attempt, OutboxStatus... statuses) {
            return claim != null && claim.attempts() == attempt && Arrays.asList(statuses).contains(claim.status());
        }
    }

    /** The rows' claims as they are now, the rows locked until the transaction ends. */
    private Map<Long, Claim> lockClaims(List<Long> ids) {
        List<Object> parameters = new ArrayList<>();
        String in = placeholders(ids, parameters);
        Map<Long, Claim> claims = new HashMap<>();
        jdbcTemplate.query("select id, attempts, status from sf_outbox where id in (" + in + ") for update",
                statement -> TypedParameters.bind(statement, 1, parameters.toArray()),
                rs -> {
                    claims.put(rs.getLong(1), new Claim(rs.getInt(2), OutboxStatus.valueOf(rs.getString(3))));
                });
        return claims;
    }

    /** {@code ?, ?, …}, one for each id, the ids appended to {@code parameters}. */
    private static String placeholders(List<Long> ids, List<Object> parameters) {
        parameters.addAll(ids);
        return String.join(", ", Collections.nCopies(ids.size(), "?"));
    }

    /**
     * {@code case id when ? then ? … end}: each row's own value in one statement over many rows, the ids and values
     * appended to {@code parameters}.
     */
    private static String byId(List<Long> ids, List<?> values, List<Object> parameters) {
        StringBuilder sql = new StringBuilder("case id");
        for (int i = 0; i < ids.size(); i++) {
            sql.append(" when ? then ?");
            parameters.add(ids.get(i));
            parameters.add(values.get(i));
        }
        return sql.append(" end").toString();
    }

    /** A claimed row whose message starts to go out: its claim's fence, and the Message-ID it goes with. */
    record HandingOver(long id, int attempt, String messageIdHeader) {
    }

    /**
     * Commits that these messages are being handed over now, as {@link #markHandedOver} does, all in one transaction
     * and one statement: for each, whether the claim is still this dispatcher's (when not, that message must not be
     * sent). When some claim was not, the rows are read back to tell which: a row at this claim's attempt and still
     * {@code SENDING} can only be one this statement changed, since a claim taken over counts another attempt.
     */
    boolean[] markAllHandedOver(List<HandingOver> rows, Instant now) {
        boolean[] handedOver = new boolean[rows.size()];
        if (rows.isEmpty()) {
            return handedOver;
        }
        transaction.executeWithoutResult(status -> {
            List<Long> ids = rows.stream().map(HandingOver::id).toList();
            List<Object> parameters = new ArrayList<>();
            parameters.add(Timestamp.from(now));
            String sql = "update sf_outbox set handed_over_at = ?, message_id_header = "
                    + byId(ids, rows.stream().map(HandingOver::messageIdHeader).toList(), parameters)
                    + " where id in (" + placeholders(ids, parameters) + ") and status = 'SENDING' and attempts = "
                    + byId(ids, rows.stream().map(HandingOver::attempt).toList(), parameters);
            int changed = jdbcTemplate.update(sql, statement -> TypedParameters.bind(statement, 1, parameters.toArray()));
            if (changed == rows.size()) {
                Arrays.fill(handedOver, true);
                return;
            }
            Map<Long, Claim> claims = lockClaims(ids);
            for (int i = 0; i < rows.size(); i++) {
                handedOver[i] = Claim.held(claims.get(rows.get(i).id()), rows.get(i).attempt(), OutboxStatus.SENDING);
            }
        });
        return handedOver;
    }

    /** Holds the row back until {@code until}; a deferral is not a failed attempt, so it does not count as one. */
    void defer(OutboxEntry entry, Instant now, Instant until, String reason) {
        counted(entry, MessageFigure.DEFERRED, now, () -> jdbc.sql("""
                update sf_outbox set status = 'DEFERRED', next_attempt_at = ?, attempts = attempts - 1, lease_until = null,
                                     last_error = ?
                where id = ? and status = 'SENDING'""")
                .params(Timestamp.from(until), truncate(reason), entry.id()).update());
    }

    /** Counts the claimed rows towards their customers' frequency caps from now on, even while they are being sent. */
    void reserveSendTimes(Collection<Long> ids, Instant now) {
        if (!ids.isEmpty()) {
            jdbc.sql("update sf_outbox set sent_at = :now where id in (:ids) and status = 'SENDING'")
                    .param("now", Timestamp.from(now)).param("ids", ids).update();
        }
    }

    /** Puts the claimed row back in line for {@code nextAttemptAt}; false when its claim was taken over meanwhile. */
    boolean retryAt(OutboxEntry entry, Instant nextAttemptAt, String error) {
        return jdbc.sql("""
                update sf_outbox set status = 'PENDING', next_attempt_at = ?, lease_until = null, sent_at = null,
                                     last_error = ?
                where id = ? and attempts = ? and status = 'SENDING'""")
                .params(Timestamp.from(nextAttemptAt), truncate(error), entry.id(), entry.attempts()).update() == 1;
    }

    /**
     * Ends the claimed row; fenced by its claim, so a node whose lease was taken over changes nothing (and gets
     * false).
     */
    boolean finish(OutboxEntry entry, OutboxStatus status, String reason, MessageFigure figure, Instant now) {
        return counted(entry, figure, now, () -> jdbc.sql("""
                update sf_outbox set status = ?, lease_until = null, last_error = ?
                where id = ? and attempts = ? and status = 'SENDING'""")
                .params(status.name(), truncate(reason), entry.id(), entry.attempts()).update());
    }

    /**
     * Rows whose dispatcher stopped (crashed, or lost its lease) before it handed the message over: the mail
     * server never saw them, so they go back in line to be sent now.
     */
    int retryAbandonedBeforeHandOver(Channel channel, Instant now) {
        return recoverAbandoned("handed_over_at is null", List.of(), """
                status = 'PENDING', next_attempt_at = ?, lease_until = null, sent_at = null,
                last_error = 'Retried: the dispatcher stopped before handing the message over'""",
                List.of(Timestamp.from(now)), channel, now);
    }

    /**
     * Rows whose dispatcher stopped while handing the message over, up to {@code resendsAllowed} such stops per row:
     * sent again (with the same Message-ID) and counted. Zero allowed resends makes this a no-op.
     */
    int resendAbandonedDuringHandOver(Channel channel, Instant now, int resendsAllowed) {
        return recoverAbandoned("handed_over_at is not null and ambiguous_deliveries < ?", List.of(resendsAllowed), """
                status = 'PENDING', next_attempt_at = ?, lease_until = null, sent_at = null,
                handed_over_at = null, ambiguous_deliveries = ambiguous_deliveries + 1,
                last_error = 'Resent with the same id: the dispatcher stopped while handing it over'""",
                List.of(Timestamp.from(now)), channel, now);
    }

    /**
     * The remaining rows whose dispatcher stopped while handing the message over: the mail server may have them,
     * so they are flagged rather than sent again: a lost email is visible here, a duplicate cannot be taken back.
     */
    int flagAbandonedDuringHandOver(Channel channel, Instant now) {
        return recoverAbandoned("handed_over_at is not null", List.of(), """
                status = 'OUTCOME_UNKNOWN', lease_until = null, ambiguous_deliveries = ambiguous_deliveries + 1,
                last_error = 'Delivery outcome unknown: the dispatcher stopped while handing the message over'""",
                List.of(), channel, now);
    }

    /**
     * Changes the channel's rows still {@code SENDING} past their lease (and matching {@code condition}) as
     * {@code set} says, in one transaction: the rows are locked first, skipping any another transaction holds, then
     * changed by id. A row held is one its dispatcher is still writing (its record or hand-over under way), and a
     * dispatcher whose process is stopped in that transaction holds it until it resumes: one update over the rows
     * waited for that lock, up to the database's lock timeout (50 s on InnoDB), and held up this node's whole
     * delivery meanwhile ({@code ClusterPauseIT}). A row skipped is looked at again by the next pass.
     */
    private int recoverAbandoned(String condition, List<Object> conditionParameters, String set,
            List<Object> setParameters, Channel channel, Instant now) {
        String where = "status = 'SENDING' and lease_until < ? and channel = ? and " + condition;
        List<Object> whereParameters = new ArrayList<>(List.of(Timestamp.from(now), channel.name()));
        whereParameters.addAll(conditionParameters);
        Integer changed = transaction.execute(status -> {
            List<Long> ids = jdbcTemplate.queryForList("select id from sf_outbox where " + where
                    + " for update skip locked", Long.class, whereParameters.toArray());
            if (ids.isEmpty()) {
                return 0;
            }
            List<Object> parameters = new ArrayList<>(setParameters);
            String in = placeholders(ids, parameters);
            parameters.addAll(whereParameters);
            return jdbcTemplate.update("update sf_outbox set " + set + " where id in (" + in + ") and " + where,
                    statement -> TypedParameters.bind(statement, 1, parameters.toArray()));
        });
        return changed == null ? 0 : changed;
    }

    /**
     * The message may have reached the mail server (the connection broke after it was handed over), and the policy
     * or an earlier such failure rules out sending it again.
     */
    void markOutcomeUnknown(OutboxEntry entry, Instant now, String reason) {
        counted(entry, MessageFigure.OUTCOME_UNKNOWN, now, () -> jdbc.sql("""
                update sf_outbox set status = 'OUTCOME_UNKNOWN', lease_until = null,
                       ambiguous_deliveries = ambiguous_deliveries + 1, last_error = ?
                where id = ? and attempts = ? and status = 'SENDING'""")
                .params(truncate(reason), entry.id(), entry.attempts()).update());
    }

    /** As {@link #retryAt}, after a delivery whose outcome was unknown: counted, so it is resent at most once. */
    void resendAfterUnknownOutcome(long id, int attempt, Instant nextAttemptAt, String reason) {
        jdbc.sql("""
                update sf_outbox set status = 'PENDING', next_attempt_at = ?, lease_until = null, sent_at = null,
                       handed_over_at = null, ambiguous_deliveries = ambiguous_deliveries + 1, last_error = ?
                where id = ? and attempts = ? and status = 'SENDING'""")
                .params(Timestamp.from(nextAttemptAt), truncate(reason), id, attempt).update();
    }

    /**
     * The Message-ID headers of the customer's emails that were handed over (sent, or possibly sent), to find their
     * copies (the file outbox's files).
     */
    List<String> sentMessageIds(String customerId) {
        return jdbc.sql("select message_id_header from sf_outbox where customer_id = ? and message_id_header is not null"
                        + " and channel = 'EMAIL'")
                .param(customerId).query(String.class).list();
    }

    private static String truncate(String text) {
        return text == null || text.length() <= TEXT_MAX ? text : text.substring(0, TEXT_MAX);
    }
}
