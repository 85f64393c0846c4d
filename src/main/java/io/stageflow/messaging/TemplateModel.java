package io.stageflow.messaging;

import java.util.HashMap;
import java.util.Map;

import io.stageflow.customers.Customer;

import org.springframework.stereotype.Component;

/**
 * The documented context every template sees ({@code $customer}, {@code $brand}, {@code $journey},
 * {@code $links}), built in one place so that a preview renders exactly what delivery would send.
 */
@Component
class TemplateModel {

    /** The id of the made-up customer of deploy-time validation. */
    static final String SAMPLE_ID = "sample";
    /** The address of that customer. */
    static final String SAMPLE_EMAIL = "sample@example.com";

    private final MessagingProperties.Brand brand;
    private final UnsubscribeLinks links;

    TemplateModel(MessagingProperties properties, UnsubscribeLinks links) {
        this.brand = properties.brand();
        this.links = links;
    }

    /** The context for an email to this customer, sent by {@code journeyKey} (null outside a journey). */
    Map<String, Object> forCustomer(Customer customer, String journeyKey) {
        return assemble(customer, brand, journeyKey,
                links.unsubscribeUrlFor(customer.email()), links.preferencesUrlFor(customer.email()));
    }

    /**
     * The context deploy-time validation renders every template with: a customer with no first name and no
     * traits, so that a reference that would fail for a real customer fails there first. Links are placeholders.
     */
    static Map<String, Object> validationSample(MessagingProperties properties) {
        String base = properties.publicUrl().replaceAll("/+$", "") + UnsubscribeController.PATH + SAMPLE_ID;
        Customer sample = new Customer(SAMPLE_ID, SAMPLE_EMAIL, null, "en", "UTC", Map.of(), null, null);
        return assemble(sample, properties.brand(), "sample-journey", base, base + UnsubscribeController.PREFERENCES);
    }

    private static Map<String, Object> assemble(Customer customer, MessagingProperties.Brand brand, String journeyKey,
            String unsubscribeUrl, String preferencesUrl) {
        Map<String, Object> profile = new HashMap<>();
        profile.put("id", customer.id());
        profile.put("email", customer.email());
        profile.put("firstName", customer.firstName());
        profile.put("locale", customer.locale());
        profile.put("timeZone", customer.timeZone());
        profile.put("traits", customer.traits());
        return Map.of(
                "customer", profile,
                "brand", Map.of("name", brand.name(), "websiteUrl", brand.websiteUrl(),
                        "postalAddress", brand.postalAddress()),
                "journey", journeyKey == null ? Map.of() : Map.of("key", journeyKey),
                "links", Map.of("unsubscribe", unsubscribeUrl, "preferences", preferencesUrl));
    }
}
