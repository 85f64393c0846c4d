package io.stageflow.loyalty;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.stageflow.events.IncomingEvent;
import io.stageflow.events.ObservedEvents;
import io.stageflow.loyalty.PointsLedger.Account;
import io.stageflow.loyalty.PointsLedger.Entry;
import io.stageflow.loyalty.PointsLedger.Kind;
import io.stageflow.support.Sha256;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The loyalty programme's rules over the points ledger ({@link PointsLedger}). Every write locks the customer's
 * account row first, looks for the row its cause would write (unique per customer, kind and cause id), and changes
 * the balance with the row, so that an event routed again, a redelivered order or a retried request changes nothing,
 * and a debit (refund, redemption, expiry, negative adjustment) takes at most what the balance holds, recording what
 * was asked for beside what was taken. After a change that counts toward a tier, the tier is evaluated again; a move
 * is recorded ({@code sf_loyalty_tier_change}) and observed as the event {@code loyalty_tier_upgraded} or
 * {@code loyalty_tier_downgraded} with a messageId made of the customer, the new tier and the cause, so that it is
 * recorded, and starts journeys, once.
 */
@Component
class Loyalty {

    static final String UPGRADED_EVENT = "loyalty_tier_upgraded";
    static final String DOWNGRADED_EVENT = "loyalty_tier_downgraded";

    private final PointsLedger ledger;
    private final LoyaltyProperties settings;
    private final Tiers tiers;
    private final ObservedEvents events;
    private final Clock clock;

    Loyalty(PointsLedger ledger, LoyaltyProperties settings, ObservedEvents events, Clock clock) {
        this.ledger = ledger;
        this.settings = settings;
        this.tiers = Tiers.parse(settings.tiers());
        this.events = events;
        this.clock = clock;
    }

    Tiers tiers() {
        return tiers;
    }

    /**
     * The points an order of this amount earns: the amount times the currency's rate, rounded down to whole points
     * (an order of 42.50 EUR at 1 point per euro earns 42).
     */
    int pointsFor(BigDecimal amount, String currency) {
        BigDecimal points = amount.multiply(settings.rateFor(currency)).setScale(0, RoundingMode.FLOOR);
        return points.signum() <= 0 ? 0 : points.min(BigDecimal.valueOf(Integer.MAX_VALUE)).intValueExact();
    }

    /** An order completed: earns its points once per order id, whatever the messageId. */
    @Transactional
    void orderCompleted(String customerId, String orderId, BigDecimal amount, String currency, Instant at,
            String messageId) {
        Account account = lock(customerId);
        int points = pointsFor(amount, currency);
        if (points == 0 || ledger.find(customerId, Kind.EARNED_ORDER, orderId).isPresent()) {
            return;
        }
        Instant now = clock.instant();
        long id = ledger.insert(new Entry(0, customerId, Kind.EARNED_ORDER, points, points, "order", orderId, orderId,
                messageId, amount, currency, null, at, expiry(at), now));
        ledger.addToBalance(customerId, points, now);
        evaluateTier(account, Long.toString(id), now);
    }

    /**
     * An order refunded: takes back the order's points once, all of them when {@code amount} is null (or not less
     * than the order's), else in proportion to the order's amount, rounded half up; never more than the order has
     * left to take back, never more than the balance holds.
     */
    @Transactional
    void orderRefunded(String customerId, String orderId, BigDecimal amount, Instant at, String messageId) {
        Account account = lock(customerId);
        List<Entry> rows = ledger.ofOrder(customerId, orderId);
        Optional<Entry> earned = rows.stream().filter(row -> row.kind() == Kind.EARNED_ORDER).findFirst();
        if (earned.isEmpty()) {
            return; // the order earned nothing (or Stageflow never saw it): nothing to take back
        }
        boolean partial = amount != null && amount.signum() > 0 && earned.get().amount() != null
                && amount.compareTo(earned.get().amount()) < 0;
        String causeId = partial ? orderId + "/" + messageId : orderId;
        if (ledger.find(customerId, Kind.REFUNDED_ORDER, causeId).isPresent()
                || ledger.find(customerId, Kind.REFUNDED_ORDER, orderId).isPresent()) {
            return; // this refund, or the order's full refund, was taken back before
        }
        int takenBackBefore = rows.stream().filter(row -> row.kind() == Kind.REFUNDED_ORDER)
                .mapToInt(Entry::requestedPoints).sum();
        int left = earned.get().points() - takenBackBefore;
        int requested = partial
                ? Math.min(left, BigDecimal.valueOf(earned.get().points()).multiply(amount)
                        .divide(earned.get().amount(), 0, RoundingMode.HALF_UP).intValueExact())
                : left;
        if (requested <= 0) {
            return;
        }
        int taken = Math.min(requested, account.balance());
        Instant now = clock.instant();
        BigDecimal refunded = partial ? amount : earned.get().amount();
        long id = ledger.insert(new Entry(0, customerId, Kind.REFUNDED_ORDER, -taken, requested, "order", causeId,
                orderId, messageId, refunded, earned.get().currency(),
                taken < requested ? "only " + taken + " of " + requested + " points were left" : null, at, null, now));
        ledger.addToBalance(customerId, -taken, now);
        evaluateTier(account, Long.toString(id), now);
    }

    /** A bonus for an event of a configured type: once per event (messageId). */
    @Transactional
    void bonus(String customerId, String eventType, int points, Instant at, String messageId) {
        Account account = lock(customerId);
        if (points <= 0 || ledger.find(customerId, Kind.BONUS, messageId).isPresent()) {
            return;
        }
        Instant now = clock.instant();
        long id = ledger.insert(new Entry(0, customerId, Kind.BONUS, points, points, "event", messageId, null,
                messageId, null, null, eventType, at, expiry(at), now));
        ledger.addToBalance(customerId, points, now);
        evaluateTier(account, Long.toString(id), now);
    }

    /**
     * Redeems points: once per idempotency key (asking again answers with the first redemption).
     *
     * @throws InsufficientPoints when the balance is lower than {@code points}
     * @throws KeyReused when the key was used for a redemption of another number of points
     */
    @Transactional
    Change redeem(String customerId, int points, String reason, String idempotencyKey) {
        Account account = lock(customerId);
        expireDue(account);
        Optional<Entry> before = ledger.find(customerId, Kind.REDEEMED, idempotencyKey);
        if (before.isPresent()) {
            if (before.get().requestedPoints() != points) {
                throw new KeyReused(idempotencyKey);
            }
            return new Change(before.get(), currentBalance(customerId), true);
        }
        int balance = currentBalance(customerId);
        if (balance < points) {
            throw new InsufficientPoints(balance, points);
        }
        Instant now = clock.instant();
        Entry entry = new Entry(0, customerId, Kind.REDEEMED, -points, points, "redemption", idempotencyKey, null,
                null, null, null, reason, now, null, now);
        long id = ledger.insert(entry);
        ledger.addToBalance(customerId, -points, now);
        return new Change(withId(entry, id), balance - points, false);
    }

    /**
     * Adds points (which never expire) or takes them away (at most the balance), by hand, once per idempotency key.
     *
     * @throws KeyReused when the key was used for an adjustment of another number of points
     */
    @Transactional
    Change adjust(String customerId, int points, String reason, String idempotencyKey) {
        Account account = lock(customerId);
        expireDue(account);
        Optional<Entry> before = ledger.find(customerId, Kind.ADJUSTED, idempotencyKey);
        if (before.isPresent()) {
            if (before.get().requestedPoints() != Math.abs(points)) {
                throw new KeyReused(idempotencyKey);
            }
            return new Change(before.get(), currentBalance(customerId), true);
        }
        int balance = currentBalance(customerId);
        int change = points >= 0 ? points : -Math.min(-points, balance);
        Instant now = clock.instant();
        Entry entry = new Entry(0, customerId, Kind.ADJUSTED, change, Math.abs(points), "adjustment",
                idempotencyKey, null, null, null, null, reason, now, null, now);
        long id = ledger.insert(entry);
        ledger.addToBalance(customerId, change, now);
        return new Change(withId(entry, id), balance + change, false);
    }

    /** Takes the customer's points that have expired by now out of their balance (an {@code EXPIRED} row). */
    @Transactional
    void expireDue(String customerId) {
        expireDue(lock(customerId));
    }

    /** Evaluates the customer's tier again, as the window has moved on: the downgrade of customers whose points age. */
    @Transactional
    void reevaluate(String customerId) {
        Account account = lock(customerId);
        expireDue(account);
        evaluateTier(account, "window-" + LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC), clock.instant());
    }

    /**
     * {@code fromId} (an anonymous visitor) was folded into {@code intoId}: their ledger rows and tier changes move
     * over (a cause both have is kept once, {@code intoId}'s row), the balance becomes the sum of the merged ledger
     * (the two balances added, less any row dropped, never below zero), points that have expired are taken out and
     * the tier is evaluated again (a move caused by {@code merge-<fromId>}). Both accounts are locked, in the order of
     * their ids, first.
     */
    @Transactional
    void merge(String fromId, String intoId) {
        if (fromId.equals(intoId) || ledger.account(fromId).isEmpty()) {
            return; // the visitor had no points
        }
        Optional<Account> from = fromId.compareTo(intoId) < 0 ? ledger.lockAccount(fromId) : Optional.empty();
        lock(intoId);
        if (fromId.compareTo(intoId) > 0) {
            from = ledger.lockAccount(fromId);
        }
        if (from.isEmpty()) {
            return; // merged away meanwhile
        }
        Account into = ledger.lockAccount(intoId).orElseThrow();
        ledger.moveRows(fromId, intoId);
        Instant now = clock.instant();
        Instant expiredUntil = from.get().expiredUntil() == null || into.expiredUntil() == null ? null
                : from.get().expiredUntil().isBefore(into.expiredUntil()) ? from.get().expiredUntil()
                : into.expiredUntil();
        ledger.setBalance(intoId, Math.max(0, ledger.ledgerSum(intoId)), expiredUntil, now);
        Account merged = ledger.lockAccount(intoId).orElseThrow();
        expireDue(merged);
        evaluateTier(merged, "merge-" + fromId, now);
    }

    /** What the customer has now: balance, tier, the next tier and the window's points and spend. */
    Status status(String customerId) {
        Optional<Account> account = ledger.account(customerId);
        Instant since = clock.instant().minus(settings.tierWindow());
        long windowPoints = account.isEmpty() ? 0 : ledger.windowPoints(customerId, since);
        return status(account.orElse(null), windowPoints,
                account.isEmpty() ? Map.of() : ledger.windowSpend(customerId, since));
    }

    Status status(Account account, long windowPoints, Map<String, BigDecimal> windowSpend) {
        String tier = account == null ? tiers.lowest().name() : account.tier();
        Tiers.Tier next = tiers.above(tier);
        return new Status(account == null ? 0 : account.balance(), tier, next == null ? null : next.name(),
                next == null ? null : Math.max(0, next.threshold() - windowPoints), windowPoints, windowSpend);
    }

    private void expireDue(Account account) {
        if (settings.pointsExpireAfter().isZero()) {
            return;
        }
        Instant now = clock.instant();
        String customerId = account.customerId();
        // Summed by the database: nothing of the ledger is read into memory, however long it is.
        PointsLedger.ExpirySums sums = ledger.expirySums(customerId, now);
        long due = sums.due(); // the order's own refunds took back its own points, not older ones
        long debits = sums.debits(); // redeemed, expired and taken by hand: the oldest points first
        Instant dueUntil = sums.dueUntil();
        if (dueUntil == null || (account.expiredUntil() != null && !dueUntil.isAfter(account.expiredUntil()))) {
            return;
        }
        int expire = (int) Math.min(Math.max(0, due - debits), currentBalance(customerId));
        String causeId = "until-" + dueUntil;
        if (expire > 0 && ledger.find(customerId, Kind.EXPIRED, causeId).isEmpty()) {
            ledger.insert(new Entry(0, customerId, Kind.EXPIRED, -expire, expire, "expiry", causeId, null, null, null,
                    null, null, dueUntil, null, now));
            ledger.addToBalance(customerId, -expire, now);
        }
        ledger.setExpiredUntil(customerId, dueUntil);
    }

    private void evaluateTier(Account account, String cause, Instant now) {
        long windowPoints = ledger.windowPoints(account.customerId(), now.minus(settings.tierWindow()));
        String from = account.tier();
        Tiers.Tier to = tiers.reachedWith(windowPoints);
        if (to.name().equals(from)) {
            return;
        }
        ledger.insertTierChange(account.customerId(), from, to.name(), windowPoints, cause, now);
        ledger.setTier(account.customerId(), to.name(), now);
        boolean up = tiers.rank(to.name()) > tiers.rank(from);
        Tiers.Tier next = tiers.above(to.name());
        Map<String, Object> properties = new HashMap<>(Map.of("fromTier", from, "toTier", to.name(),
                "windowPoints", windowPoints, "balance", currentBalance(account.customerId())));
        if (next != null) {
            properties.put("nextTier", next.name());
            properties.put("pointsToNextTier", Math.max(0, next.threshold() - windowPoints));
        }
        events.record(new IncomingEvent(tierMessageId(account.customerId(), to.name(), cause),
                up ? UPGRADED_EVENT : DOWNGRADED_EVENT, account.customerId(), null, properties));
    }

    /**
     * {@code loyalty-tier:<customer>:<tier>:<cause>} (the cause a ledger row's id, or {@code window-<date>}); a
     * digest of it when that is longer than a messageId may be.
     */
    static String tierMessageId(String customerId, String tier, String cause) {
        String id = "loyalty-tier:" + customerId + ":" + tier + ":" + cause;
        return id.length() <= 100 ? id : "loyalty-tier:" + Sha256.hex(id).substring(0, 64);
    }

    private int currentBalance(String customerId) {
        return ledger.account(customerId).map(Account::balance).orElse(0);
    }

    private Instant expiry(Instant earnedAt) {
        Duration after = settings.pointsExpireAfter();
        return after.isZero() ? null : earnedAt.plus(after);
    }

    /** The customer's account, locked for this transaction; made (in the lowest tier) when they have none yet. */
    private Account lock(String customerId) {
        Optional<Account> account = ledger.lockAccount(customerId);
        if (account.isPresent()) {
            return account.get();
        }
        try {
            ledger.createAccount(customerId, tiers.lowest().name(), clock.instant());
        } catch (DuplicateKeyException madeMeanwhile) {
            // another transaction made it: lock theirs
        }
        return ledger.lockAccount(customerId).orElseThrow();
    }

    private static Entry withId(Entry entry, long id) {
        return new Entry(id, entry.customerId(), entry.kind(), entry.points(), entry.requestedPoints(),
                entry.causeType(), entry.causeId(), entry.orderId(), entry.messageId(), entry.amount(),
                entry.currency(), entry.reason(), entry.occurredAt(), entry.expiresAt(), entry.recordedAt());
    }

    /** A redemption or adjustment, the balance after it, and whether it had been made before under its key. */
    record Change(Entry entry, int balance, boolean replayed) {
    }

    /** The customer's loyalty now. {@code nextTier} and {@code pointsToNextTier} are null at the top tier. */
    record Status(int balance, String tier, String nextTier, Long pointsToNextTier, long windowPoints,
            Map<String, BigDecimal> windowSpend) {
    }

    /** A redemption of more points than the balance holds. */
    static class InsufficientPoints extends RuntimeException {
        final int balance;

        InsufficientPoints(int balance, int asked) {
            super("The balance is " + balance + " points, fewer than the " + asked + " asked for");
            this.balance = balance;
        }
    }

    /** An idempotency key used again for a different change. */
    static class KeyReused extends RuntimeException {
        KeyReused(String key) {
            super("The idempotency key " + key + " was used for another change");
        }
    }
}
