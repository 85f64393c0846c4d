package io.stageflow.predictions;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import io.stageflow.predictions.FittedModels.Prediction;
import io.stageflow.support.MultiRowInsert;

import org.springframework.batch.item.Chunk;
import org.springframework.batch.item.ItemWriter;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Replaces the chunk's customers' rows in {@code sf_customer_prediction}: one delete of their ids, then multi-row
 * inserts, in the chunk's transaction (the same SQL on H2 and MariaDB, and a re-run of a chunk writes the same rows).
 */
final class PredictionWriter implements ItemWriter<Prediction> {

    private static final MultiRowInsert INSERT = new MultiRowInsert("insert into sf_customer_prediction (customer_id,"
            + " p_alive, churn_risk, expected_orders_90d, expected_spend, predicted_clv, currency, rfm_recency,"
            + " rfm_frequency, rfm_monetary, rfm_segment, scored_at) values", "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");

    private final JdbcTemplate jdbc;

    PredictionWriter(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void write(Chunk<? extends Prediction> chunk) {
        List<? extends Prediction> items = chunk.getItems();
        for (int from = 0; from < items.size(); from += MultiRowInsert.ROWS_PER_STATEMENT) {
            List<? extends Prediction> part = items.subList(from, Math.min(items.size(),
                    from + MultiRowInsert.ROWS_PER_STATEMENT));
            jdbc.update("delete from sf_customer_prediction where customer_id in ("
                    + String.join(", ", Collections.nCopies(part.size(), "?")) + ")",
                    part.stream().map(Prediction::customerId).toArray());
        }
        List<Object[]> rows = new ArrayList<>(items.size());
        for (Prediction p : items) {
            rows.add(new Object[] {p.customerId(), p.aliveProbability(), p.churnRisk(), p.expectedOrders90d(),
                p.expectedSpend(), p.clv(), p.currency(), p.recency(), p.frequency(), p.monetary(), p.segment(),
                Timestamp.from(p.scoredAt())});
        }
        INSERT.insert(jdbc, rows, i -> {
            throw new IllegalStateException("prediction of " + rows.get(i)[0] + " written twice in one chunk");
        });
    }
}
