package io.stageflow.predictions;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * The stored scores, read by the features above this one (templates' {@code $predicted}, the console, the
 * inactivity scan's churn-risk trigger) so that none of them reads {@code sf_customer_prediction} itself.
 */
@Service
public class Predictions {

    private static final String COLUMNS = "customer_id, p_alive, churn_risk, expected_orders_90d, expected_spend,"
            + " predicted_clv, currency, rfm_recency, rfm_frequency, rfm_monetary, scored_at";
    private static final int IDS_PER_QUERY = 500;

    private final JdbcClient jdbc;
    private final NamedParameterJdbcTemplate named;

    Predictions(JdbcClient jdbc, NamedParameterJdbcTemplate named) {
        this.jdbc = jdbc;
        this.named = named;
    }

    /** The customer's scores, empty when they have none. */
    public Optional<PredictedScores> of(String customerId) {
        return jdbc.sql("select " + COLUMNS + " from sf_customer_prediction where customer_id = ?").param(customerId)
                .query(Predictions::scores).optional();
    }

    /** The scores of those of the customers who have any, by customer id, in one query per 500 ids. */
    public Map<String, PredictedScores> of(Collection<String> customerIds) {
        Map<String, PredictedScores> found = new HashMap<>();
        List<String> ids = List.copyOf(customerIds);
        for (int from = 0; from < ids.size(); from += IDS_PER_QUERY) {
            named.query("select " + COLUMNS + " from sf_customer_prediction where customer_id in (:ids)",
                    Map.of("ids", ids.subList(from, Math.min(ids.size(), from + IDS_PER_QUERY))),
                    rs -> {
                        found.put(rs.getString("customer_id"), scores(rs, 0));
                    });
        }
        return found;
    }

    /**
     * A condition, for SQL over a table of customers, that the customer's churn risk is above the value of the named
     * parameter: {@code exists} over the scores, so a customer without a score never matches.
     *
     * @param customerId the SQL expression of the customer's id, such as {@code c.id}
     * @param parameter  the name of the named parameter that holds the threshold (0 to 1)
     */
    public static String churnRiskAbove(String customerId, String parameter) {
        return "exists (select 1 from sf_customer_prediction pr where pr.customer_id = " + customerId
                + " and pr.churn_risk > :" + parameter + ")";
    }

    private static PredictedScores scores(ResultSet rs, int row) throws SQLException {
        return new PredictedScores(nullable(rs, "p_alive"), nullable(rs, "churn_risk"),
                nullable(rs, "expected_orders_90d"), rs.getBigDecimal("expected_spend"),
                rs.getBigDecimal("predicted_clv"), rs.getString("currency"), rs.getInt("rfm_recency"),
                rs.getInt("rfm_frequency"), rs.getInt("rfm_monetary"), rs.getTimestamp("scored_at").toInstant());
    }

    private static Double nullable(ResultSet rs, String column) throws SQLException {
        double value = rs.getDouble(column);
        return rs.wasNull() ? null : value;
    }
}
