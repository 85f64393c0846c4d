package io.stageflow.customers;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/** Data subject requests: everything Stageflow holds about a customer, and the right to be forgotten. */
@Service
public class CustomerPrivacy {

    private static final Logger log = LoggerFactory.getLogger(CustomerPrivacy.class);
    /** How often an erasure is tried when its transaction keeps losing deadlocks or concurrent updates. */
    private static final int ERASE_ATTEMPTS = 3;

    private final CustomerRepository customers;
    private final List<PersonalData> holders;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate transactions;

    CustomerPrivacy(CustomerRepository customers, List<PersonalData> holders, ApplicationEventPublisher events,
            TransactionTemplate transactions) {
        this.customers = customers;
        this.holders = holders;
        this.events = events;
        this.transactions = transactions;
    }

    @Transactional(readOnly = true)
    public Optional<Map<String, Object>> export(String customerId) {
        return customers.find(customerId).map(customer -> {
            Map<String, Object> export = new LinkedHashMap<>();
            export.put("customer", customer);
            holders.forEach(holder -> export.put(holder.section(), holder.export(customer)));
            return export;
        });
    }

    /**
     * Erases the customer in one transaction: journeys stop, personal data goes, and a hash of the email address
     * stays on the suppression list so that a later import of the same address is never mailed. A transaction that
     * loses a deadlock (with the router handling the customer's latest event, say), or a race with a journey job that
     * updated one of the journeys being ended (a {@link ConcurrencyFailureException}: pessimistic or optimistic), is
     * taken again, a few times, so the request does not fail for it.
     */
    public boolean erase(String customerId) {
        for (int attempt = 1; ; attempt++) {
            try {
                return Boolean.TRUE.equals(transactions.execute(status -> eraseNow(customerId)));
            } catch (ConcurrencyFailureException race) {
                if (attempt == ERASE_ATTEMPTS) {
                    throw race;
                }
                log.info("Erasing customer {} lost a {} race (attempt {}); erasing again", customerId,
                        race instanceof PessimisticLockingFailureException ? "lock" : "concurrent update", attempt);
            }
        }
    }

    private boolean eraseNow(String customerId) {
        Optional<Customer> customer = customers.findForUpdate(customerId);
        if (customer.isEmpty()) {
            return false;
        }
        holders.forEach(holder -> holder.erase(customer.get()));
        customers.delete(customerId);
        events.publishEvent(new CustomerErased(PersonalData.anonymousId(customer.get())));
        log.info("Customer {} erased: journeys, history, events and personal data removed", customerId);
        return true;
    }
}
