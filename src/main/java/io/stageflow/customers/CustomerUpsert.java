package io.stageflow.customers;

import java.util.Map;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Size;

/**
 * The body of {@code PUT /api/v1/customers/{id}}, and what an identify call carries. Fields left out keep their
 * stored value; traits are merged key by key, and a trait set to {@code null} is removed. A profile without an
 * email (an anonymous visitor, say) is valid; journeys skip its emails. {@code marketingConsent} records the
 * customer's own choice about marketing email, as the business's sign-up form or settings page took it.
 */
public record CustomerUpsert(
        @Email @Size(max = 320) String email,
        @Size(max = 200) String firstName,
        @LanguageTag String locale,
        @TimeZoneId String timeZone,
        Map<String, Object> traits,
        Boolean marketingConsent) {

    /** A change that leaves consent as it is. */
    public CustomerUpsert(String email, String firstName, String locale, String timeZone, Map<String, Object> traits) {
        this(email, firstName, locale, timeZone, traits, null);
    }
}
