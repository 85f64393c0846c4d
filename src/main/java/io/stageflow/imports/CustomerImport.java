package io.stageflow.imports;

import java.util.List;
import java.util.Map;

import io.stageflow.customers.CustomerService;
import io.stageflow.customers.CustomerService.BulkUpserted;
import io.stageflow.customers.CustomerService.CustomerChange;

import jakarta.validation.Validator;

import org.springframework.batch.item.ItemProcessor;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Customer files (docs/import.md): each row an upsert of a profile by {@code id}, as
 * {@code PUT /api/v1/customers/{id}} does, with any column beyond the profile's a trait. Not Spring Batch's
 * {@code JdbcBatchItemWriter}: an upsert here merges traits key by key into the stored profile and leaves an
 * unchanged profile unwritten, which no single portable SQL statement does.
 */
@Component
@Order(1)
class CustomerImport implements ImportTarget<CustomerChange> {

    static final String ID = ImportHeader.ID;
    static final String EMAIL = "email";
    static final String FIRST_NAME = "firstName";
    static final String LOCALE = "locale";
    static final String TIME_ZONE = "timeZone";
    static final String MARKETING_CONSENT = "marketingConsent";

    /** The columns of a customer's profile, in their documented spelling and order; any other column is a trait. */
    static final ImportHeader.Columns COLUMNS = new ImportHeader.Columns(
            List.of(ID, EMAIL, FIRST_NAME, LOCALE, TIME_ZONE, MARKETING_CONSENT), List.of(ID), true);

    private static final Map<String, String> MEANINGS = Map.of(
            ID, "the customer's id (required; a row for an existing id updates that customer)",
            EMAIL, "their email address",
            FIRST_NAME, "their first name",
            LOCALE, "their language, such as en-GB",
            TIME_ZONE, "their time zone, such as Europe/London",
            MARKETING_CONSENT, "true or false (or yes/no, 1/0); empty leaves it as it is");

    private final CustomerService customers;
    private final CustomerRowValidator validator;

    CustomerImport(CustomerService customers, Validator validator) {
        this.customers = customers;
        this.validator = new CustomerRowValidator(validator);
    }

    @Override
    public String noun() {
        return "customer";
    }

    @Override
    public ImportHeader.Columns columns() {
        return COLUMNS;
    }

    @Override
    public Map<String, String> meanings() {
        return MEANINGS;
    }

    @Override
    public ItemProcessor<CsvRow, CustomerChange> validator() {
        return validator;
    }

    @Override
    public Written write(List<CustomerChange> items) {
        BulkUpserted result = customers.upsertAll(items);
        return new Written(result.created(), result.updated(), result.unchanged());
    }
}
