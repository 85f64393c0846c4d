package io.stageflow.customers;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.IllformedLocaleException;
import java.util.Locale;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

/** A well-formed BCP 47 language tag with a language, such as {@code en}, {@code de-AT} or {@code pt-BR}. */
@Documented
@Constraint(validatedBy = LanguageTag.Validator.class)
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT})
@Retention(RetentionPolicy.RUNTIME)
public @interface LanguageTag {

    String message() default "must be a BCP 47 language tag such as en, de-AT or pt-BR";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    /** Null is valid: the field is optional. */
    class Validator implements ConstraintValidator<LanguageTag, String> {
        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            if (value == null) {
                return true;
            }
            try {
                Locale locale = new Locale.Builder().setLanguageTag(value).build();
                return !locale.getLanguage().isEmpty() && value.length() <= 35;
            } catch (IllformedLocaleException e) {
                return false;
            }
        }
    }
}
