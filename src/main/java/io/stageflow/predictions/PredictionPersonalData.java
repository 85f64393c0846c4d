package io.stageflow.predictions;

import java.util.List;
import java.util.Map;

import io.stageflow.customers.Customer;
import io.stageflow.customers.PersonalData;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The customer's predicted scores: exported as stored, deleted on erasure (the next run scores no erased orders). */
@Component
class PredictionPersonalData implements PersonalData {

    private final JdbcClient jdbc;

    PredictionPersonalData(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public String section() {
        return "predictions";
    }

    @Override
    public Object export(Customer customer) {
        List<Map<String, Object>> rows = jdbc.sql("select p_alive, churn_risk, expected_orders_90d, expected_spend,"
                + " predicted_clv, currency, rfm_recency, rfm_frequency, rfm_monetary, rfm_segment, scored_at"
                + " from sf_customer_prediction where customer_id = ?").param(customer.id()).query().listOfRows();
        return rows.isEmpty() ? null : rows.get(0);
    }

    @Override
    public void erase(Customer customer) {
        jdbc.sql("delete from sf_customer_prediction where customer_id = ?").param(customer.id()).update();
    }
}
