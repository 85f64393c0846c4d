package io.stageflow.whatsapp;

import java.time.Instant;
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
 * Lets the business's systems record a customer's WhatsApp opt-in, as they record the profile itself (admins):
 * {@code PUT /api/v1/customers/{id}/whatsapp-consent} with the number in E.164 and {@code opted_in} or
 * {@code opted_out}.
 */
@RestController
class WhatsAppConsentController {

    private final WhatsAppConsents consents;
    private final CustomerService customers;

    WhatsAppConsentController(WhatsAppConsents consents, CustomerService customers) {
        this.consents = consents;
        this.customers = customers;
    }

    /** The consent to record: {@code phone} in E.164, {@code status} {@code opted_in} or {@code opted_out}. */
    record WhatsAppConsentRequest(String phone, String status) {
    }

    /** The consent as recorded for the number. */
    record WhatsAppConsentView(String customerId, String phone, String status, String source, Instant updatedAt) {
    }

    @Operation(summary = "Record a customer's WhatsApp opt-in for a phone number (opted_in or opted_out)")
    @PutMapping("/api/v1/customers/{id}/whatsapp-consent")
    WhatsAppConsentView record(@PathVariable String id, @RequestBody WhatsAppConsentRequest body) {
        String phone = PhoneNumbers.requireE164("phone", body.phone());
        WhatsAppConsents.Status status = status(body.status());
        if (customers.find(id).isEmpty()) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "No customer with id " + id);
        }
        WhatsAppConsents.Consent consent = consents.record(id, phone, status, "api");
        return new WhatsAppConsentView(id, consent.phone(), consent.status().key(), consent.source(),
                consent.updatedAt());
    }

    private static WhatsAppConsents.Status status(String raw) {
        String key = raw == null ? "" : raw.strip().toLowerCase(Locale.ROOT);
        return switch (key) {
            case "opted_in" -> WhatsAppConsents.Status.OPTED_IN;
            case "opted_out" -> WhatsAppConsents.Status.OPTED_OUT;
            default -> throw new InvalidInputException("status", raw == null || raw.isBlank() ? "is missing; use"
                    + " opted_in or opted_out" : "is '" + raw + "'; use opted_in or opted_out");
        };
    }
}
