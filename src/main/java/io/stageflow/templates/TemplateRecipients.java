package io.stageflow.templates;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.stageflow.customers.Customer;
import io.stageflow.customers.CustomerService;
import io.stageflow.customers.LanguageTag;
import io.stageflow.customers.TimeZoneId;
import io.stageflow.web.FieldViolation;
import io.stageflow.web.InvalidInputException;

import jakarta.validation.Validator;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Size;

import org.springframework.stereotype.Component;

/**
 * Turns a preview or test-send request into what delivery would render with: the stored customer, or one made
 * up from sample traits, in the requested locale or the customer's own, through {@link TemplateModel}.
 */
@Component
class TemplateRecipients {

    private static final List<String> PROFILE_FIELDS = List.of("email", "firstName", "locale", "timeZone");

    private final CustomerService customers;
    private final TemplateModel templateModel;
    private final Validator validator;

    TemplateRecipients(CustomerService customers, TemplateModel templateModel, Validator validator) {
        this.customers = customers;
        this.templateModel = templateModel;
        this.validator = validator;
    }

    /** The context and locale a template is rendered with for this recipient. */
    record Prepared(Map<String, Object> model, Locale locale) {
    }

    /** Exactly what delivery would render for the recipient. */
    Prepared forPreview(TemplateRecipient recipient) {
        Customer customer = customerOf(recipient);
        return new Prepared(templateModel.forCustomer(customer, recipient.journey()), localeOf(recipient, customer));
    }

    /** The same, with unsubscribe and preference links for {@code to}, where the test goes. */
    Prepared forTestSend(TemplateRecipient recipient, String to) {
        Customer customer = customerOf(recipient);
        return new Prepared(templateModel.forTestSend(customer, recipient.journey(), to), localeOf(recipient, customer));
    }

    private Customer customerOf(TemplateRecipient recipient) {
        if ((recipient.customerId() == null) == (recipient.sampleTraits() == null)) {
            throw new InvalidInputException("customerId", "give exactly one of customerId or sampleTraits");
        }
        if (recipient.sampleTraits() != null) {
            requireValidSample(recipient.sampleTraits());
            return TemplateModel.sampleCustomer(recipient.sampleTraits());
        }
        Customer customer = customers.find(recipient.customerId())
                .orElseThrow(() -> new UnknownCustomerException("no customer has this id"));
        if (customer.email() == null) {
            throw new UnknownCustomerException("this customer has no email address, so delivery would skip them;"
                    + " use sampleTraits to see the template");
        }
        return customer;
    }

    private static Locale localeOf(TemplateRecipient recipient, Customer customer) {
        return recipient.locale() != null ? Locale.forLanguageTag(recipient.locale()) : customer.preferredLocale();
    }

    /** The profile fields among the sample traits must be what a stored profile would accept. */
    private void requireValidSample(Map<String, Object> sampleTraits) {
        List<FieldViolation> violations = new ArrayList<>();
        for (String field : PROFILE_FIELDS) {
            Object value = sampleTraits.get(field);
            if (value != null && !(value instanceof String)) {
                violations.add(new FieldViolation("sampleTraits." + field, "must be a string"));
            }
        }
        if (violations.isEmpty()) {
            SampleProfile profile = new SampleProfile((String) sampleTraits.get("email"),
                    (String) sampleTraits.get("firstName"), (String) sampleTraits.get("locale"),
                    (String) sampleTraits.get("timeZone"));
            validator.validate(profile).forEach(violation -> violations.add(new FieldViolation(
                    "sampleTraits." + violation.getPropertyPath(), violation.getMessage())));
        }
        if (!violations.isEmpty()) {
            violations.sort(Comparator.comparing(FieldViolation::field));
            throw new InvalidInputException(violations);
        }
    }

    /** The sample traits that become profile fields, checked like {@code PUT /api/v1/customers/{id}}. */
    record SampleProfile(
            @Email @Size(max = 320) String email,
            @Size(max = 200) String firstName,
            @LanguageTag String locale,
            @TimeZoneId String timeZone) {
    }

    /** The request names a customer that cannot be rendered for: unknown, or without an address. */
    static class UnknownCustomerException extends RuntimeException {

        UnknownCustomerException(String message) {
            super(message);
        }
    }
}
