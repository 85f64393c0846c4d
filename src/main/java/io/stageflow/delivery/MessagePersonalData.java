package io.stageflow.delivery;

import io.stageflow.customers.Customer;
import io.stageflow.customers.PersonalData;
import io.stageflow.subscriptions.Suppressions;

import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.stereotype.Component;

/**
 * The emails queued for the customer. On erasure the rows stay for the journey statistics, stripped of who they
 * were for, anything not yet sent is cancelled, and the address goes on the suppression list. The file outbox's
 * copies of the customer's emails are deleted.
 */
@Component
class MessagePersonalData implements PersonalData {

    private final OutboxStore outbox;
    private final Suppressions suppressions;
    private final JavaMailSender mailSender;

    MessagePersonalData(OutboxStore outbox, Suppressions suppressions, JavaMailSender mailSender) {
        this.outbox = outbox;
        this.suppressions = suppressions;
        this.mailSender = mailSender;
    }

    @Override
    public String section() {
        return "messages";
    }

    @Override
    public Object export(Customer customer) {
        return outbox.findByCustomer(customer.id());
    }

    @Override
    public void erase(Customer customer) {
        if (customer.email() != null) {
            suppressions.suppress(customer.email(), Suppressions.Reason.ERASED);
        }
        if (mailSender instanceof FileOutboxMailSender files) {
            files.delete(outbox.sentMessageIds(customer.id()));
        }
        outbox.cancelAndAnonymise(customer.id(), PersonalData.anonymousId(customer));
    }
}
