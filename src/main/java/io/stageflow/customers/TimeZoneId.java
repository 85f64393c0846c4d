package io.stageflow.customers;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.ZoneId;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

/** An IANA time zone id such as {@code Europe/Berlin}; fixed offsets are refused because they ignore DST. */
@Documented
@Constraint(validatedBy = TimeZoneId.Validator.class)
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT})
@Retention(RetentionPolicy.RUNTIME)
public @interface TimeZoneId {

    String message() default "must be an IANA time zone such as Europe/Berlin or America/New_York";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    /** Null is valid: the field is optional. */
    class Validator implements ConstraintValidator<TimeZoneId, String> {
        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            return value == null || value.equals("UTC") || ZoneId.getAvailableZoneIds().contains(value);
        }
    }
}
