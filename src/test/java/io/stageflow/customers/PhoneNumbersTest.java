package io.stageflow.customers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stageflow.web.FieldViolation;
import io.stageflow.web.InvalidInputException;

import org.junit.jupiter.api.Test;

/** Phone numbers in E.164, checked with libphonenumber; anything else is refused naming the field. */
class PhoneNumbersTest {

    @Test
    void validE164NumbersAreAccepted() {
        assertThat(PhoneNumbers.isE164("+4915112345678")).isTrue(); // German mobile
        assertThat(PhoneNumbers.isE164("+14155552671")).isTrue(); // US
        assertThat(PhoneNumbers.isE164("+447911123456")).isTrue(); // UK mobile
        assertThat(PhoneNumbers.requireE164("phone", "+4915112345678")).isEqualTo("+4915112345678");
    }

    @Test
    void nationalFormattedOrInvalidNumbersAreRefused() {
        assertThat(PhoneNumbers.problem("015112345678")).contains("E.164");
        assertThat(PhoneNumbers.problem("+49 151 12345678")).contains("E.164");
        assertThat(PhoneNumbers.problem("0049151123456789")).contains("E.164");
        assertThat(PhoneNumbers.problem("+49151")).contains("not a valid phone number");
        assertThat(PhoneNumbers.problem("+1234567890123456")).contains("E.164"); // 16 digits
        assertThat(PhoneNumbers.problem("+999123456")).isNotNull(); // no such country code
        assertThat(PhoneNumbers.problem("call me")).contains("E.164");
        assertThat(PhoneNumbers.problem(null)).contains("missing");
        assertThat(PhoneNumbers.problem(" ")).contains("missing");
    }

    @Test
    void aRefusalNamesTheField() {
        assertThatThrownBy(() -> PhoneNumbers.requireE164("phone", "0151 1234567"))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.violations())
                        .extracting(FieldViolation::field).containsExactly("phone"))
                .hasMessageContaining("E.164");
    }
}
