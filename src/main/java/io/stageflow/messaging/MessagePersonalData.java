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
    private final Suppressions suppressions;

    MessagePersonalData(JdbcClient jdbc, Suppressions suppressions) {
        this.jdbc = jdbc;
        this.suppressions = suppressions;
    }

    @Override
    public String section() {
        return "messages";
    }

    @Override
    public Object export(Customer customer) {
        return jdbc.sql("""
                select template_key, category, journey_key, status, created_at, sent_at, recipient, subject
                from sf_outbox where customer_id = ? order by id""")
                .param(customer.id())
                .query((rs, row) -> new ExportedMessage(rs.getString("template_key"), rs.getString("category"),
                        rs.getString("journey_key"), rs.getString("status"), rs.getTimestamp("created_at").toInstant().toString(),
                        rs.getTimestamp("sent_at") == null ? null : rs.getTimestamp("sent_at").toInstant().toString(),
                        rs.getString("recipient"), rs.getString("subject")))
                .list();
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

    record ExportedMessage(String template, String category, String journey, String status, String createdAt,
            String sentAt, String recipient, String subject) {
    }
}
