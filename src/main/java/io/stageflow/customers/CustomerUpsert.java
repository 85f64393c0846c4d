package io.stageflow.customers;

import java.util.Map;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Size;

/**
 * The body of {@code PUT /api/v1/customers/{id}}, and what an identify call carries. Fields left out keep their
 * stored value; traits are merged key by key, and a trait set to {@code null} is removed. A profile without an
 * email (an anonymous visitor, say) is valid; journeys skip its emails.
 */
public record CustomerUpsert(
        @Email @Size(max = 320) String email,
        @Size(max = 200) String firstName,
        @LanguageTag String locale,
        @TimeZoneId String timeZone,
        Map<String, Object> traits) {
}
