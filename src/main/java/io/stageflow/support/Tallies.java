package io.stageflow.support;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
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
 * Counters for analytics: a feature adds a tally in the transaction of what it counts (a journey step reached, an
 * email sent), so a figure is there exactly when its cause is. Adding is an insert into {@code sf_tally_ledger}, so
 * no two transactions ever wait on one counter row; a background fold ({@link #foldOnce}, every few seconds, one
 * node at a time) adds the ledger into hourly totals and deletes what it added. Reports read the hourly totals of
 * their period plus the ledger's rows not folded yet, so they are exact and never scan a feature's raw history.
 * A tally never names a customer.
 */
@Component
public class Tallies {

    private static final int FOLD_BATCH = 5_000;
    private static final int DELETE_CHUNK = 500;

    private final JdbcClient jdbc;
    private final TransactionTemplate readCommitted;

    Tallies(JdbcClient jdbc, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.readCommitted = new TransactionTemplate(transactions);
        this.readCommitted.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
    }

    /**
     * What one tally counts.
     *
     * @param series  the feature's series, such as {@code journey} or {@code message}
     * @param subject what is counted: a journey's or a template's key
     * @param version the subject's version, or 0
     * @param element the part of the subject: a step's id, or "" for the whole
     * @param figure  the figure, such as {@code REACHED} or {@code SENT}
     */
    public record Tally(String series, String subject, int version, String element, String figure) {
    }

    /** A total of one tally over a period, or over one UTC hour of it ({@code hour} null when not by hour). */
    public record Total(Tally tally, Instant hour, long amount) {
    }

    /** Counts one at {@code at}, in the caller's transaction. */
    public void add(Tally tally, Instant at) {
        add(tally, at, 1);
    }

    /**
     * Adds {@code amount} (a sum such as cents, or a negative amount that takes back what was added before) at
     * {@code at}, in the caller's transaction; an amount of zero adds nothing.
     */
    public void add(Tally tally, Instant at, long amount) {
        if (amount == 0) {
            return;
        }
        jdbc.sql("insert into sf_tally_ledger (series, subject, version, element, figure, hour_utc, amount)"
                        + " values (?, ?, ?, ?, ?, ?, ?)")
                .params(tally.series(), tally.subject(), tally.version(), tally.element(), tally.figure(),
                        Timestamp.from(at.truncatedTo(ChronoUnit.HOURS)), amount)
                .update();
    }

    /**
     * The totals of {@code series} in {@code [from, to)} (to the hour), for one subject or all ({@code null}) and
     * one version or all ({@code null}), per tally, and per UTC hour when {@code byHour}.
     */
    public List<Total> totals(String series, String subject, Integer version, Instant from, Instant to,
            boolean byHour) {
        String filter = " where series = :series and hour_utc >= :from and hour_utc < :to"
                + (subject == null ? "" : " and subject = :subject") + (version == null ? "" : " and version = :version");
        String hour = byHour ? ", hour_utc" : "";
        Map<String, Object> params = new HashMap<>(Map.of("series", series, "from", Timestamp.from(from),
                "to", Timestamp.from(to)));
        if (subject != null) {
            params.put("subject", subject);
        }
        if (version != null) {
            params.put("version", version);
        }
        return jdbc.sql("select subject, version, element, figure" + hour + ", sum(amount) from ("
                        + " select subject, version, element, figure, hour_utc, amount from sf_tally_hourly" + filter
                        + " union all"
                        + " select subject, version, element, figure, hour_utc, amount from sf_tally_ledger" + filter
                        + ") tallies group by subject, version, element, figure" + hour)
                .params(params)
                .query((row, n) -> new Total(new Tally(series, row.getString(1), row.getInt(2), row.getString(3),
                        row.getString(4)), byHour ? row.getTimestamp(5).toInstant() : null,
                        row.getLong(byHour ? 6 : 5)))
                .list();
    }

    /**
     * Folds one batch of the ledger into the hourly totals; true when there was anything to fold. Locks the one row
     * of {@code sf_tally_fold_lock} first, so two nodes never fold the same rows, and deletes by id exactly the rows
     * it read: a row whose transaction commits meanwhile (ids are taken at insert) waits for the next fold.
     */
    public boolean foldOnce() {
        return Boolean.TRUE.equals(readCommitted.execute(status -> fold()));
    }

    /** Folds until the ledger holds nothing committed. */
    public void foldAll() {
        while (foldOnce()) {
            // the next batch
        }
    }

    private boolean fold() {
        jdbc.sql("select name from sf_tally_fold_lock where name = 'tallies' for update").query(String.class).list();
        List<Row> rows = jdbc.sql("select id, series, subject, version, element, figure, hour_utc, amount"
                        + " from sf_tally_ledger order by id limit ?")
                .param(FOLD_BATCH)
                .query((row, n) -> new Row(row.getLong(1), new Key(new Tally(row.getString(2), row.getString(3),
                        row.getInt(4), row.getString(5), row.getString(6)), row.getTimestamp(7)), row.getLong(8)))
                .list();
        if (rows.isEmpty()) {
            return false;
        }
        Map<Key, Long> sums = rows.stream().collect(Collectors.groupingBy(Row::key, LinkedHashMap::new,
                Collectors.summingLong(Row::amount)));
        sums.forEach((key, total) -> {
            Tally tally = key.tally();
            int updated = jdbc.sql("update sf_tally_hourly set amount = amount + ? where series = ? and subject = ?"
                            + " and hour_utc = ? and version = ? and element = ? and figure = ?")
                    .params(total, tally.series(), tally.subject(), key.hour(), tally.version(), tally.element(),
                            tally.figure())
                    .update();
            if (updated == 0) {
                jdbc.sql("insert into sf_tally_hourly (series, subject, version, element, figure, hour_utc, amount)"
                                + " values (?, ?, ?, ?, ?, ?, ?)")
                        .params(tally.series(), tally.subject(), tally.version(), tally.element(), tally.figure(),
                                key.hour(), total)
                        .update();
            }
        });
        List<Long> ids = rows.stream().map(Row::id).toList();
        for (int i = 0; i < ids.size(); i += DELETE_CHUNK) {
            jdbc.sql("delete from sf_tally_ledger where id in (:ids)")
                    .param("ids", ids.subList(i, Math.min(ids.size(), i + DELETE_CHUNK))).update();
        }
        return true;
    }

    private record Key(Tally tally, Timestamp hour) {
    }

    private record Row(long id, Key key, long amount) {
    }
}
