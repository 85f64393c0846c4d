package io.stageflow.customers;

import java.util.Map;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Size;

/**
 * The body of {@code PUT /api/v1/customers/{id}}. Fields left out keep their stored value; traits are merged
 * key by key, and a trait set to {@code null} is removed.
 */
public record CustomerUpsert(
        @Email @Size(max = 320) String email,
        @Size(max = 200) String firstName,
        @LanguageTag String locale,
        @TimeZoneId String timeZone,
        Map<String, Object> traits) {
}
