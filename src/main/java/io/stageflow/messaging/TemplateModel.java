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

    private final MessagingProperties.Brand brand;
    private final UnsubscribeLinks links;

    TemplateModel(MessagingProperties properties, UnsubscribeLinks links) {
        this.brand = properties.brand();
        this.links = links;
    }

    /** The context for an email to this customer, sent by {@code journeyKey} (null outside a journey). */
    Map<String, Object> forCustomer(Customer customer, String journeyKey) {
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
                "links", Map.of(
                        "unsubscribe", links.unsubscribeUrlFor(customer.email()),
                        "preferences", links.preferencesUrlFor(customer.email())));
    }
}
