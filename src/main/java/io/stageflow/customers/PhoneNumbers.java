package io.stageflow.customers;

import java.util.regex.Pattern;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;

import io.stageflow.web.InvalidInputException;

/**
 * Customers' phone numbers as SMS and WhatsApp need them: E.164 ({@code +4915112345678}), a plus, the country code
 * and the number, no spaces or punctuation, and a number libphonenumber knows to be valid for its country. Stageflow
 * never guesses a country for a national number: the business's systems send the {@code phone} trait in E.164, as
 * Segment's identify spec asks, and anything else is refused with a message naming the field.
 */
public final class PhoneNumbers {

    /** The shape of E.164: a plus, a country code not starting with 0, at most 15 digits in all. */
    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{1,14}");
    private static final PhoneNumberUtil NUMBERS = PhoneNumberUtil.getInstance();

    private PhoneNumbers() {
    }

    /** Whether {@code raw} is a valid number written in E.164. */
    public static boolean isE164(String raw) {
        return problem(raw) == null;
    }

    /**
     * Why {@code raw} is not a valid E.164 number, as the rest of a sentence after the field's name ("is not ..."),
     * or null when it is one.
     */
    public static String problem(String raw) {
        if (raw == null || raw.isBlank()) {
            return "is missing; write the number in E.164, such as +4915112345678";
        }
        if (!E164.matcher(raw).matches()) {
            return "is not in E.164 ('" + shortened(raw) + "'): a plus, the country code and the number, digits only,"
                    + " such as +4915112345678";
        }
        try {
            PhoneNumber number = NUMBERS.parse(raw, null);
            if (!NUMBERS.isValidNumber(number)) {
                return "is not a valid phone number ('" + raw + "')";
            }
            if (!NUMBERS.format(number, PhoneNumberUtil.PhoneNumberFormat.E164).equals(raw)) {
                return "is not in E.164 ('" + raw + "'); write it as "
                        + NUMBERS.format(number, PhoneNumberUtil.PhoneNumberFormat.E164);
            }
            return null;
        } catch (NumberParseException e) {
            return "is not a phone number ('" + shortened(raw) + "'): " + e.getMessage();
        }
    }

    /**
     * The number, when it is valid E.164.
     *
     * @throws InvalidInputException naming {@code field} when it is not
     */
    public static String requireE164(String field, String raw) {
        String problem = problem(raw);
        if (problem != null) {
            throw new InvalidInputException(field, problem);
        }
        return raw;
    }

    /**
     * The customer's phone number (their {@code phone} trait, as Segment's identify spec names it), when it is valid
     * E.164: what a channel's preview sends to.
     *
     * @throws InvalidInputException naming {@code phone} when the customer has none, or one that is not E.164
     */
    public static String of(Customer customer) {
        String problem = problemWith(customer);
        if (problem != null) {
            throw new InvalidInputException("phone", problem);
        }
        return customer.traits().get("phone").toString().strip();
    }

    /**
     * Why a message cannot be sent to the customer's phone number (none, or one that is not E.164), or null when it
     * can; a sentence the message log shows.
     */
    public static String problemWith(Customer customer) {
        Object raw = customer.traits() == null ? null : customer.traits().get("phone");
        if (raw == null || raw.toString().isBlank()) {
            return "the customer has no phone number (trait 'phone')";
        }
        String problem = problem(raw.toString().strip());
        return problem == null ? null : "the customer's phone number (trait 'phone') " + problem;
    }

    private static String shortened(String raw) {
        String clean = raw.replaceAll("\\p{Cntrl}", "?");
        return clean.length() <= 30 ? clean : clean.substring(0, 30) + "…";
    }
}
