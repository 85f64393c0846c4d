package io.stageflow.analytics;

import java.math.BigDecimal;
import java.time.Instant;

import io.stageflow.customers.Customer;
import io.stageflow.customers.PersonalData;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The customer's orders credited to journey emails. On erasure the rows stay for the revenue reports under the
 * anonymous id, as the outbox's do; they hold no order id, only a hash of the event's messageId.
 */
@Component
class AttributionPersonalData implements PersonalData {

    private final JdbcClient jdbc;

    AttributionPersonalData(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public String section() {
        return "attributedOrders";
    }

    @Override
    public Object export(Customer customer) {
        return jdbc.sql("""
                select ordered_at, currency, amount_cents, attribution_rule, outbox_id, journey_key, step_id,
                       template_key, engaged_at
                from sf_attribution where customer_id = ? order by ordered_at""")
                .param(customer.id())
                .query((rs, n) -> new AttributedOrder(rs.getTimestamp(1).toInstant(), rs.getString(2),
                        BigDecimal.valueOf(rs.getLong(3), 2), rs.getString(4),
                        rs.getObject(5) == null ? null : rs.getLong(5), rs.getString(6), rs.getString(7),
                        rs.getString(8), rs.getTimestamp(9) == null ? null : rs.getTimestamp(9).toInstant()))
                .list();
    }

    @Override
    public void erase(Customer customer) {
        jdbc.sql("update sf_attribution set customer_id = ? where customer_id = ?")
                .params(PersonalData.anonymousId(customer), customer.id()).update();
    }

    /** One credited order, as exported. */
    record AttributedOrder(Instant orderedAt, String currency, BigDecimal total, String rule, Long outboxId,
            String journey, String step, String template, Instant engagedAt) {
    }
}
