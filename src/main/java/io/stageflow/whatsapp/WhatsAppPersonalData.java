package io.stageflow.whatsapp;

import java.util.List;
import java.util.Map;

import io.stageflow.customers.Customer;
import io.stageflow.customers.PersonalData;

import org.springframework.stereotype.Component;

/**
 * The customer's WhatsApp consent, by number: exported with the rest of their data, and forgotten on erasure (the
 * customer is gone, so no WhatsApp message can be queued for them any more).
 */
@Component
class WhatsAppPersonalData implements PersonalData {

    private final WhatsAppConsents consents;

    WhatsAppPersonalData(WhatsAppConsents consents) {
        this.consents = consents;
    }

    @Override
    public String section() {
        return "whatsappConsent";
    }

    @Override
    public Object export(Customer customer) {
        List<WhatsAppConsents.Consent> rows = consents.ofCustomer(customer.id());
        return rows.stream().map(row -> Map.of("phone", row.phone(), "status", row.status().key(), "source",
                row.source(), "updatedAt", row.updatedAt().toString())).toList();
    }

    @Override
    public void erase(Customer customer) {
        consents.forget(customer.id());
    }
}
