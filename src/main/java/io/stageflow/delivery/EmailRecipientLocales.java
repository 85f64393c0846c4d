package io.stageflow.delivery;

import java.util.Locale;
import java.util.Optional;

import io.stageflow.customers.Customer;
import io.stageflow.customers.CustomerService;
import io.stageflow.subscriptions.RecipientLocales;

import org.springframework.stereotype.Component;

/** The customer's language for the pages an email's links lead to, found through the email's outbox row. */
@Component
class EmailRecipientLocales implements RecipientLocales {

    private final OutboxStore store;
    private final CustomerService customers;

    EmailRecipientLocales(OutboxStore store, CustomerService customers) {
        this.store = store;
        this.customers = customers;
    }

    @Override
    public Optional<Locale> ofEmail(long outboxId) {
        return store.find(outboxId).flatMap(entry -> customers.find(entry.customerId()))
                .filter(customer -> customer.locale() != null && !customer.locale().isBlank())
                .map(Customer::preferredLocale);
    }
}
