package io.stageflow.loyalty;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.stageflow.customers.CustomerService;
import io.stageflow.web.FieldViolation;
import io.stageflow.web.InvalidInputException;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * A customer's loyalty over HTTP ({@code /api/v1/customers/{id}/loyalty}, docs/loyalty.md): the balance, tier and
 * what the next tier takes; the points history; redemptions, made once per idempotency key and refused with
 * {@code 422} when the balance is too low; and adjustments by hand.
 */
@RestController
@RequestMapping("/api/v1/customers/{id}/loyalty")
class LoyaltyController {

    /** The most rows a page of the history holds. */
    static final int MAX_PAGE = 200;
    private static final int MAX_POINTS = 10_000_000;

    private final Loyalty loyalty;
    private final PointsLedger ledger;
    private final CustomerService customers;
    private final LoyaltyProperties settings;

    LoyaltyController(Loyalty loyalty, PointsLedger ledger, CustomerService customers, LoyaltyProperties settings) {
        this.loyalty = loyalty;
        this.ledger = ledger;
        this.customers = customers;
        this.settings = settings;
    }

    /** Takes out points that have expired first, so the balance is today's. */
    @GetMapping
    LoyaltyView get(@PathVariable String id) {
        known(id);
        if (ledger.account(id).isPresent()) {
            loyalty.expireDue(id);
        }
        Loyalty.Status status = loyalty.status(id);
        return new LoyaltyView(id, status.balance(), status.tier(), status.nextTier(), status.pointsToNextTier(),
                status.windowPoints(), status.windowSpend(), settings.tierWindow().toDays(),
                loyalty.tiers().all().stream().map(tier -> new TierView(tier.name(), tier.threshold())).toList());
    }

    /** The history, newest first, {@code size} rows a page from page 0. */
    @GetMapping("/points")
    PointsPage points(@PathVariable String id, @RequestParam(defaultValue = "0") int page,
            @RequestParam(defaultValue = "50") int size) {
        List<FieldViolation> violations = new ArrayList<>();
        if (page < 0) {
            violations.add(new FieldViolation("page", "must be 0 or more"));
        }
        if (size < 1 || size > MAX_PAGE) {
            violations.add(new FieldViolation("size", "must be from 1 to " + MAX_PAGE));
        }
        if (!violations.isEmpty()) {
            throw new InvalidInputException(violations);
        }
        known(id);
        List<PointsRow> rows = ledger.page(id, page, size).stream().map(PointsRow::of).toList();
        return new PointsPage(rows, page, size, ledger.count(id));
    }

    /** Redeems points: {@code 201} the first time, {@code 200} with the same redemption when the key was used. */
    @PostMapping("/redemptions")
    ResponseEntity<ChangeView> redeem(@PathVariable String id, @RequestBody ChangeRequest body) {
        validate(body, false);
        known(id);
        Loyalty.Change change = loyalty.redeem(id, body.points(), body.reason().strip(), body.idempotencyKey().strip());
        return ResponseEntity.status(change.replayed() ? HttpStatus.OK : HttpStatus.CREATED).body(ChangeView.of(change));
    }

    /**
     * Adds points (positive) or takes them away (negative, at most the balance), with a reason: support's corrections.
     * Once per key, as redemptions.
     */
    @PostMapping("/adjustments")
    ResponseEntity<ChangeView> adjust(@PathVariable String id, @RequestBody ChangeRequest body) {
        validate(body, true);
        known(id);
        Loyalty.Change change = loyalty.adjust(id, body.points(), body.reason().strip(), body.idempotencyKey().strip());
        return ResponseEntity.status(change.replayed() ? HttpStatus.OK : HttpStatus.CREATED).body(ChangeView.of(change));
    }

    @ExceptionHandler(Loyalty.InsufficientPoints.class)
    ProblemDetail insufficient(Loyalty.InsufficientPoints e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.UNPROCESSABLE_ENTITY, e.getMessage());
        problem.setTitle("Not enough points");
        problem.setProperty("errors", List.of(new FieldViolation("points", "is more than the balance of "
                + e.balance + " points")));
        problem.setProperty("balance", e.balance);
        return problem;
    }

    @ExceptionHandler(Loyalty.KeyReused.class)
    ProblemDetail keyReused(Loyalty.KeyReused e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, e.getMessage());
        problem.setTitle("Idempotency key used before");
        problem.setProperty("errors", List.of(new FieldViolation("idempotencyKey",
                "was used for a change of another number of points")));
        return problem;
    }

    private static void validate(ChangeRequest body, boolean negativeAllowed) {
        List<FieldViolation> violations = new ArrayList<>();
        if (body.points() == null || body.points() == 0 || (!negativeAllowed && body.points() < 0)
                || Math.abs((long) body.points()) > MAX_POINTS) {
            violations.add(new FieldViolation("points", (negativeAllowed ? "must be a whole number other than 0"
                    : "must be a whole number above 0") + ", at most " + MAX_POINTS + " in size"));
        }
        if (body.reason() == null || body.reason().isBlank() || body.reason().strip().length() > 500) {
            violations.add(new FieldViolation("reason", "must be given, at most 500 characters"));
        }
        if (body.idempotencyKey() == null || body.idempotencyKey().isBlank()
                || body.idempotencyKey().strip().length() > 200) {
            violations.add(new FieldViolation("idempotencyKey", "must be given, at most 200 characters: the same key"
                    + " for a retry of the same request"));
        }
        if (!violations.isEmpty()) {
            throw new InvalidInputException(violations);
        }
    }

    private void known(String id) {
        if (customers.find(id).isEmpty()) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "There is no customer '" + id + "'");
        }
    }

    /** A redemption or adjustment to make. */
    record ChangeRequest(Integer points, String reason, String idempotencyKey) {
    }

    /** The customer's loyalty; {@code nextTier} and {@code pointsToNextTier} are null at the top tier. */
    record LoyaltyView(String customerId, int balance, String tier, String nextTier, Long pointsToNextTier,
            long windowPoints, Map<String, BigDecimal> windowSpend, long tierWindowDays, List<TierView> tiers) {
    }

    /** A tier and the points within the window it takes. */
    record TierView(String name, int threshold) {
    }

    /** A page of the history. */
    record PointsPage(List<PointsRow> points, int page, int size, long total) {
    }

    /** One ledger row: the change, what caused it, and when. */
    record PointsRow(long id, String kind, int points, int requestedPoints, String causeType, String causeId,
            String orderId, String messageId, BigDecimal amount, String currency, String reason, Instant occurredAt,
            Instant expiresAt, Instant recordedAt) {

        static PointsRow of(PointsLedger.Entry e) {
            return new PointsRow(e.id(), e.kind().name(), e.points(), e.requestedPoints(), e.causeType(), e.causeId(),
                    e.orderId(), e.messageId(), e.amount(), e.currency(), e.reason(), e.occurredAt(), e.expiresAt(),
                    e.recordedAt());
        }
    }

    /** A redemption or adjustment as made, and the balance after it. */
    record ChangeView(PointsRow entry, int balance, boolean replayed) {

        static ChangeView of(Loyalty.Change change) {
            return new ChangeView(PointsRow.of(change.entry()), change.balance(), change.replayed());
        }
    }
}
