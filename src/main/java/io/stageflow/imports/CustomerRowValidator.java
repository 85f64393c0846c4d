package io.stageflow.imports;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.stageflow.customers.CustomerService;
import io.stageflow.customers.CustomerService.CustomerChange;
import io.stageflow.customers.CustomerUpsert;
import io.stageflow.web.FieldViolation;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;

import org.springframework.batch.item.ItemProcessor;

/**
 * Checks a row by the same rules as {@code PUT /api/v1/customers/{id}} (the constraints on {@link CustomerUpsert},
 * plus the id rule) and turns it into a change; a row that breaks any rule fails with every violation at once, so
 * the error report shows all that is wrong with the line.
 */
final class CustomerRowValidator implements ItemProcessor<CsvRow, CustomerChange> {

    private static final List<String> COLUMN_ORDER = CustomerImport.COLUMNS.known();

    /** Longest trait value taken from a cell; anything longer is more likely a broken file than a trait. */
    static final int MAX_TRAIT_LENGTH = 1000;

    private final Validator validator;

    CustomerRowValidator(Validator validator) {
        this.validator = validator;
    }

    @Override
    public CustomerChange process(CsvRow row) {
        List<FieldViolation> violations = new ArrayList<>();
        String id = row.cell(CustomerImport.ID);
        if (id == null) {
            violations.add(new FieldViolation(CustomerImport.ID, "is required"));
        } else if (!CustomerService.isValidId(id)) {
            violations.add(new FieldViolation(CustomerImport.ID, CustomerService.ID_RULE));
        }
        Boolean consent = consent(row.cell(CustomerImport.MARKETING_CONSENT), violations);
        Map<String, Object> traits = new LinkedHashMap<>();
        row.cells().forEach((column, value) -> {
            if (COLUMN_ORDER.contains(column)) {
                return;
            }
            if (value.length() > MAX_TRAIT_LENGTH) {
                violations.add(new FieldViolation(column, "must be at most " + MAX_TRAIT_LENGTH + " characters"));
            }
            traits.put(column, value);
        });
        CustomerUpsert upsert = new CustomerUpsert(row.cell(CustomerImport.EMAIL), row.cell(CustomerImport.FIRST_NAME),
                row.cell(CustomerImport.LOCALE), row.cell(CustomerImport.TIME_ZONE), traits.isEmpty() ? null : traits,
                consent);
        for (ConstraintViolation<CustomerUpsert> violation : validator.validate(upsert)) {
            violations.add(new FieldViolation(violation.getPropertyPath().toString(), violation.getMessage()));
        }
        if (!violations.isEmpty()) {
            violations.sort(Comparator.comparing(CustomerRowValidator::columnRank).thenComparing(FieldViolation::field));
            throw new InvalidRowException(row.line(), violations);
        }
        return new CustomerChange(id, upsert);
    }

    private static Boolean consent(String value, List<FieldViolation> violations) {
        Boolean consent = yesOrNo(value);
        if (consent == null && value != null) {
            violations.add(new FieldViolation(CustomerImport.MARKETING_CONSENT,
                    "must be true or false (or yes/no, 1/0), or empty to leave it as it is"));
        }
        return consent;
    }

    /** A yes/no cell: {@code true}, {@code yes}, {@code 1} or their opposites, in any case; null for anything else. */
    static Boolean yesOrNo(String value) {
        if (value == null) {
            return null;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1" -> Boolean.TRUE;
            case "false", "no", "0" -> Boolean.FALSE;
            default -> null;
        };
    }

    private static int columnRank(FieldViolation violation) {
        int rank = COLUMN_ORDER.indexOf(violation.field());
        return rank < 0 ? COLUMN_ORDER.size() : rank;
    }
}
