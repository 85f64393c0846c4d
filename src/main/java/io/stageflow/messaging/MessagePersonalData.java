package io.stageflow.messaging;

import io.stageflow.customers.Customer;
import io.stageflow.customers.PersonalData;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The emails queued for the customer. On erasure the rows stay for the journey statistics, stripped of who they
 * were for, anything not yet sent is cancelled, and the address goes on the suppression list.
 */
@Component
class MessagePersonalData implements PersonalData {

    private final JdbcClient jdbc;
    private final OutboxStore outbox;
    private final Suppressions suppressions;

    MessagePersonalData(JdbcClient jdbc, OutboxStore outbox, Suppressions suppressions) {
        this.jdbc = jdbc;
        this.outbox = outbox;
        this.suppressions = suppressions;
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
        jdbc.sql("""
                update sf_outbox set status = case when status in ('PENDING', 'SENDING') then 'SKIPPED' else status end,
                       customer_id = ?, recipient = null, subject = null, last_error = null
                where customer_id = ?""")
                .params("erased:" + Suppressions.hash(customer.id()).substring(0, 32), customer.id()).update();
    }
}
