package io.stageflow.templates;

import java.util.List;
import java.util.Map;

import io.stageflow.customers.Customer;
import io.stageflow.customers.CustomerService;
import io.stageflow.web.InvalidInputException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.validation.Validator;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Size;

import org.springframework.stereotype.Component;

/**
 * Whom a console preview (or test send) renders for, from what the marketer typed: a real customer by id or email, or a made-up one
 * with sample traits, in the customer's own language or a locale folder the template has. Shared by the template's
 * page and its editor, so both preview alike; a choice that cannot be used is an {@link InvalidInputException}
 * naming the form's field.
 */
@Component
class PreviewChoices {

    /** The choice of a template's own folder, whatever locale folders it has. */
    static final String DEFAULT_FOLDER = "default";
    /** A language tag with no language, so that no locale folder matches and the template's own folder is used. */
    static final String NO_LANGUAGE = "und";

    private final CustomerService customers;
    private final ObjectMapper json;
    private final Validator validator;

    PreviewChoices(CustomerService customers, ObjectMapper json, Validator validator) {
        this.customers = customers;
        this.json = json;
        this.validator = validator;
    }

    /** Why a test cannot go to {@code address} (checked like the test send API's {@code to}), or null. */
    String addressProblem(String address) {
        if (address.isEmpty()) {
            return "Send to: type the email address to send the test to.";
        }
        return validator.validate(new TestAddress(address)).stream().findFirst()
                .map(violation -> "Send to: " + violation.getMessage() + ".").orElse(null);
    }

    /** The address a test goes to, checked like the test send API's {@code to}. */
    record TestAddress(@Email @Size(max = 320) String to) {
    }

    /** Whom to render for: the customer named by id or email, else a made-up one with the sample traits. */
    PreviewRequest recipient(List<String> folders, TemplatePages.Choice choice) {
        String locale = localeTag(folders, choice.locale());
        if (choice.customer() != null && !choice.customer().isBlank()) {
            String named = choice.customer().strip();
            List<Customer> found = customers.search(named, 2);
            if (found.isEmpty()) {
                throw new InvalidInputException("customer", "no customer has the id or email address " + named);
            }
            if (found.size() > 1) {
                throw new InvalidInputException("customer", "more than one customer has the email address " + named
                        + "; give the customer's id");
            }
            Customer customer = found.get(0);
            if (customer.email() == null) {
                throw new InvalidInputException("customer", "the customer " + customer.id() + " has no email address,"
                        + " so delivery would skip them; leave Customer empty to preview with sample traits");
            }
            return new PreviewRequest(customer.id(), null, locale, null);
        }
        return new PreviewRequest(null, traits(choice.traits()), locale, null);
    }

    /** The language tag to render in: null for the customer's own, else one of the template's folders. */
    private static String localeTag(List<String> folders, String chosen) {
        if (chosen == null || chosen.isBlank()) {
            return null;
        }
        if (DEFAULT_FOLDER.equals(chosen)) {
            return NO_LANGUAGE;
        }
        if (!folders.contains(chosen)) {
            throw new InvalidInputException("locale", "the template has no locale folder " + chosen + "; choose "
                    + (folders.isEmpty() ? DEFAULT_FOLDER : DEFAULT_FOLDER + " or " + String.join(", ", folders)));
        }
        return chosen;
    }

    private Map<String, Object> traits(String text) {
        if (text == null || text.isBlank()) {
            return Map.of();
        }
        try {
            Map<String, Object> traits = json.readValue(text, new TypeReference<Map<String, Object>>() { });
            if (traits != null) {
                return traits;
            }
        } catch (JsonProcessingException e) {
            // said below
        }
        throw new InvalidInputException("traits", "must be a JSON object, such as {\"firstName\": \"Ada\", \"plan\":"
                + " \"pro\"}");
    }

}
