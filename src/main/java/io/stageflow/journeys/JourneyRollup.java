package io.stageflow.journeys;

import java.sql.Timestamp;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Folds {@code sf_journey_ledger} into {@code sf_journey_hourly}, a batch at a time: sums the oldest rows per
 * journey, version, element, figure and hour, adds the sums to the hourly totals and deletes the rows, in one
 * transaction. Each fold first locks the single row of {@code sf_journey_rollup_lock}, so two nodes never fold the
 * same rows; it reads committed data only, so the rows it sums are the rows it deletes.
 */
@Component
class JourneyRollup {

    private static final int BATCH = 5_000;
    private static final int DELETE_CHUNK = 500;

    private final JdbcClient jdbc;
    private final TransactionTemplate transaction;

    JourneyRollup(JdbcClient jdbc, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.transaction = new TransactionTemplate(transactions);
        this.transaction.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
    }

    /** Folds one batch; true when there was anything to fold. */
    boolean foldOnce() {
        return Boolean.TRUE.equals(transaction.execute(status -> fold()));
    }

    /** Folds until the ledger is empty (as of now). */
    void foldAll() {
        while (foldOnce()) {
            // next batch
        }
    }

    private boolean fold() {
        jdbc.sql("select name from sf_journey_rollup_lock where name = 'journeys' for update").query(String.class).list();
        // The rows read are the rows deleted, by id: a row whose transaction commits meanwhile (its id may be lower
        // than these, ids being taken at insert) is left for the next fold rather than deleted unread.
        List<Row> rows = jdbc.sql("select id, journey_key, journey_version, element_id, figure, hour_utc, amount"
                        + " from sf_journey_ledger order by id limit ?")
                .param(BATCH)
                .query((row, n) -> new Row(row.getLong(1), new Key(row.getString(2), row.getInt(3), row.getString(4),
                        row.getString(5), row.getTimestamp(6)), row.getLong(7)))
                .list();
        if (rows.isEmpty()) {
            return false;
        }
        Map<Key, Long> sums = rows.stream().collect(Collectors.groupingBy(Row::key, LinkedHashMap::new,
                Collectors.summingLong(Row::amount)));
        sums.forEach((key, total) -> {
            int updated = jdbc.sql("update sf_journey_hourly set amount = amount + ? where journey_key = ?"
                            + " and hour_utc = ? and journey_version = ? and element_id = ? and figure = ?")
                    .params(total, key.journeyKey(), key.hour(), key.version(), key.elementId(), key.figure())
                    .update();
            if (updated == 0) {
                jdbc.sql("insert into sf_journey_hourly (journey_key, journey_version, element_id, figure, hour_utc,"
                                + " amount) values (?, ?, ?, ?, ?, ?)")
                        .params(key.journeyKey(), key.version(), key.elementId(), key.figure(), key.hour(), total)
                        .update();
            }
        });
        List<Long> ids = rows.stream().map(Row::id).toList();
        for (int i = 0; i < ids.size(); i += DELETE_CHUNK) {
            jdbc.sql("delete from sf_journey_ledger where id in (:ids)")
                    .param("ids", ids.subList(i, Math.min(ids.size(), i + DELETE_CHUNK))).update();
        }
        return true;
    }

    private record Key(String journeyKey, int version, String elementId, String figure, Timestamp hour) {
    }

    private record Row(long id, Key key, long amount) {
    }
}
