package io.stageflow.sms;

import java.util.Locale;

import io.stageflow.customers.CustomerService;
import io.stageflow.customers.PhoneNumbers;
import io.stageflow.web.InvalidInputException;
import io.swagger.v3.oas.annotations.Operation;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * Lets the business's systems record a customer's SMS consent, as they record the profile itself (admins):
 * {@code PUT /api/v1/customers/{id}/sms-consent} with the number in E.164 and {@code opted_in} or {@code opted_out}.
 * Under double opt-in a grant is recorded as {@code pending} until the number replies YES or START.
 */
@RestController
class SmsConsentController {

    private final SmsConsents consents;
    private final CustomerService customers;

    SmsConsentController(SmsConsents consents, CustomerService customers) {
        this.consents = consents;
        this.customers = customers;
    }

    /** The consent to record: {@code phone} in E.164, {@code status} {@code opted_in} or {@code opted_out}. */
    record SmsConsentRequest(String phone, String status) {
    }

    /** The consent as recorded for the number ({@code status} may be {@code pending} under double opt-in). */
    record SmsConsentView(String customerId, String phone, String status, String source, java.time.Instant updatedAt) {
    }

    @Operation(summary = "Record a customer's SMS consent for a phone number (opted_in or opted_out)")
    @PutMapping("/api/v1/customers/{id}/sms-consent")
    SmsConsentView record(@PathVariable String id, @RequestBody SmsConsentRequest body) {
        String phone = PhoneNumbers.requireE164("phone", body.phone());
        SmsConsents.Status status = status(body.status());
        if (customers.find(id).isEmpty()) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "No customer with id " + id);
        }
        SmsConsents.Consent consent = consents.record(id, phone, status, "api");
        return new SmsConsentView(id, consent.phone(), consent.status().key(), consent.source(), consent.updatedAt());
    }

    private static SmsConsents.Status status(String raw) {
        String key = raw == null ? "" : raw.strip().toLowerCase(Locale.ROOT);
        return switch (key) {
            case "opted_in" -> SmsConsents.Status.OPTED_IN;
            case "opted_out" -> SmsConsents.Status.OPTED_OUT;
            default -> throw new InvalidInputException("status", raw == null || raw.isBlank() ? "is missing; use"
                    + " opted_in or opted_out" : "is '" + raw + "'; use opted_in or opted_out");
        };
    }
}
