package io.stageflow.offers;

import java.math.BigDecimal;
import java.text.NumberFormat;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.stageflow.customers.Customer;
import io.stageflow.support.Money;
import io.stageflow.templates.TemplateExtras;

import org.springframework.stereotype.Component;

/**
 * {@code $offer} in templates, for an email that carries a coupon: {@code code}, {@code value} (10 %, €5.00, in the
 * customer's locale and the offer's currency), {@code expires} (the last moment's date in the customer's time
 * zone), {@code minimumOrder} (formatted, or empty) and {@code key}. Previews show a sample code.
 */
@Component
class OfferTemplateExtras implements TemplateExtras {

    static final String SAMPLE_CODE = "SAMP-LE23-4567";

    private final Coupons coupons;
    private final Offers offers;
    private final Clock clock;

    OfferTemplateExtras(Coupons coupons, Offers offers, Clock clock) {
        this.coupons = coupons;
        this.offers = offers;
        this.clock = clock;
    }

    /** The coupons of all the emails with one read, and each offer they are of read once. */
    @Override
    public Set<String> names() {
        return Set.of("offer");
    }

    @Override
    public Map<String, Map<String, Object>> forDeliveries(Map<String, Customer> recipientsByIdempotencyKey) {
        Map<String, Coupon> carried = coupons.findByEmails(recipientsByIdempotencyKey.keySet());
        Map<String, Optional<OfferDefinition>> definitions = new HashMap<>();
        Map<String, Map<String, Object>> entries = new HashMap<>();
        carried.forEach((key, coupon) -> definitions.computeIfAbsent(coupon.offerKey(), offers::find)
                .ifPresent(offer -> entries.put(key, Map.of("offer", offer(offer, coupon.code(), coupon.expiresAt(),
                        recipientsByIdempotencyKey.get(key))))));
        return entries;
    }

    @Override
    public Map<String, Object> forPreview(Customer customer) {
        OfferDefinition sample = new OfferDefinition("sample-offer", OfferDefinition.Kind.PERCENT, BigDecimal.TEN,
                "EUR", 30, null, null, 1, Offers.SOURCE_API);
        return Map.of("offer", offer(sample, SAMPLE_CODE, clock.instant().plus(Duration.ofDays(30)), customer));
    }

    static Map<String, Object> offer(OfferDefinition offer, String code, Instant expires, Customer customer) {
        Locale locale = customer.locale() == null ? Locale.ENGLISH : customer.preferredLocale();
        return Map.of(
                "key", offer.key(),
                "code", code,
                "value", formatValue(offer, locale),
                "expires", DateTimeFormatter.ofLocalizedDate(FormatStyle.LONG).withLocale(locale)
                        .format(expires.minusMillis(1).atZone(customer.preferredZone())),
                "minimumOrder", offer.minimumOrder() == null ? "" : money(offer.minimumOrder(), offer.currency(), locale));
    }

    static String formatValue(OfferDefinition offer, Locale locale) {
        if (offer.kind() == OfferDefinition.Kind.PERCENT) {
            NumberFormat percent = NumberFormat.getPercentInstance(locale);
            percent.setMaximumFractionDigits(2);
            return percent.format(offer.value().movePointLeft(2));
        }
        return money(offer.value(), offer.currency(), locale);
    }

    private static String money(BigDecimal amount, String currency, Locale locale) {
        return Money.format(amount, currency, locale);
    }
}
