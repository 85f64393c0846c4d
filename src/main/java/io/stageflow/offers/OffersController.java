package io.stageflow.offers;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.stageflow.web.InvalidInputException;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * Offers for marketers ({@code /api/v1/offers}), the checkout's code check ({@code POST
 * /api/v1/coupons/{code}/validate}, which never redeems), and where coupon revenue came from.
 */
@RestController
class OffersController {

    private final Offers offers;
    private final Coupons coupons;

    OffersController(Offers offers, Coupons coupons) {
        this.offers = offers;
        this.coupons = coupons;
    }

    /** The body of {@code POST /api/v1/offers}. */
    record NewOffer(String key, String kind, BigDecimal value, String currency, Integer validityDays,
            BigDecimal minimumOrder, String category, Integer maxUses) {
    }

    @PostMapping("/api/v1/offers")
    ResponseEntity<OfferDefinition> create(@RequestBody NewOffer body) {
        OfferDefinition.Kind kind;
        try {
            kind = OfferDefinition.Kind.valueOf(String.valueOf(body.kind()).strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("kind", "use percent or amount");
        }
        OfferDefinition created = offers.create(new OfferDefinition(body.key(), kind, body.value(), body.currency(),
                body.validityDays() == null ? 30 : body.validityDays(), body.minimumOrder(), body.category(),
                body.maxUses() == null ? 1 : body.maxUses(), Offers.SOURCE_API));
        return ResponseEntity.status(HttpStatus.CREATED).body(created);
    }

    @GetMapping("/api/v1/offers")
    List<OfferDefinition> list() {
        return offers.all();
    }

    @GetMapping("/api/v1/offers/{key}")
    OfferDefinition get(@PathVariable String key) {
        return offers.find(key).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND,
                "There is no offer '" + key + "'"));
    }

    /** How many coupons of the offer were issued, redeemed, released (their email was not sent), revoked. */
    @GetMapping("/api/v1/offers/{key}/report")
    Map<String, Object> report(@PathVariable String key) {
        get(key);
        return Map.of("offer", key, "coupons", coupons.report(key));
    }

    /** Orders and revenue of redeemed coupons by the journey step that issued them; optionally one journey's. */
    @GetMapping("/api/v1/coupons/attribution")
    List<Coupons.Attribution> attribution(@RequestParam(required = false) String journey) {
        return coupons.attribution(journey);
    }

    /** The body of the validate call: who is checking out, and the order value (optional). */
    record ValidateRequest(String customerId, BigDecimal orderTotal) {
    }

    /** The answer: {@code valid}, and why not ({@code status}: expired, used, wrong_customer, below_minimum, …). */
    record ValidateResponse(String code, boolean valid, String status, String message, String offer, String kind,
            BigDecimal value, String currency, BigDecimal minimumOrder, String expiresAt) {
    }

    @PostMapping("/api/v1/coupons/{code}/validate")
    ValidateResponse validate(@PathVariable String code, @RequestBody ValidateRequest body) {
        if (body.customerId() == null || body.customerId().isBlank()) {
            throw new InvalidInputException("customerId", "name the customer who is checking out");
        }
        CouponCheck check = coupons.validate(code, body.customerId().strip(), body.orderTotal());
        if (!check.valid()) {
            return new ValidateResponse(code, false, check.apiName(), check.message(), null, null, null, null, null,
                    null);
        }
        Coupon coupon = coupons.find(code).orElseThrow();
        OfferDefinition offer = offers.find(coupon.offerKey()).orElseThrow();
        return new ValidateResponse(coupon.code(), true, check.apiName(), check.message(), offer.key(),
                offer.kind().name().toLowerCase(Locale.ROOT), offer.value(), offer.currency(), offer.minimumOrder(),
                coupon.expiresAt().toString());
    }

    @ExceptionHandler(Offers.OfferExistsException.class)
    ProblemDetail exists(Offers.OfferExistsException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, e.getMessage());
    }
}
