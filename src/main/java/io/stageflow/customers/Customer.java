package io.stageflow.customers;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Map;

/**
 * A customer of the business as Stageflow knows them; {@code id} is the business's own user id.
 * {@code marketingConsent} is what the business recorded: true (opted in), false (declined) or null (not asked).
 */
public record Customer(
        String id,
        String email,
        String firstName,
        String locale,
        String timeZone,
        Map<String, Object> traits,
        Boolean marketingConsent,
        Instant createdAt,
        Instant updatedAt) {

    /** The locale to write to this customer in; {@code locale} is its BCP 47 tag. */
    public Locale preferredLocale() {
        return Locale.forLanguageTag(locale);
    }

    /** The time zone dates in this customer's email are written in; UTC when {@code timeZone} is none or unknown. */
    public ZoneId preferredZone() {
        try {
            return ZoneId.of(timeZone);
        } catch (RuntimeException unusable) {
            return ZoneOffset.UTC;
        }
    }
}
