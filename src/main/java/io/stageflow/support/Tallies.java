package io.stageflow.support;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Counters for analytics: a feature adds a tally in the transaction of what it counts (a journey step reached, an
 * email sent), so a figure is there exactly when its cause is. Adding is an insert into {@code sf_tally_ledger}, so
 * no two transactions ever wait on one counter row; a background fold ({@link #foldOnce}, every few seconds, one
 * node at a time) adds the ledger into hourly, daily and monthly totals and deletes what it added. Reports read the
 * coarsest totals that tile their period plus the ledger's rows not folded yet, so they are exact and never scan a
 * feature's raw history.
 * A tally never names a customer.
 */
@Component
public class Tallies {

    private static final int FOLD_BATCH = 5_000;
    private static final int DELETE_CHUNK = 500;
    private static final int REBUILD_BATCH = 1_000;

    private final JdbcClient jdbc;
    private final JdbcTemplate jdbcTemplate;
    private final TransactionTemplate readCommitted;
    private final ZoneId dayZone;

    Tallies(JdbcClient jdbc, JdbcTemplate jdbcTemplate, PlatformTransactionManager transactions,
            ObjectProvider<TallyCalendar> calendar) {
        this.jdbc = jdbc;
        this.jdbcTemplate = jdbcTemplate;
        this.readCommitted = new TransactionTemplate(transactions);
        this.readCommitted.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
        TallyCalendar days = calendar.getIfAvailable();
        this.dayZone = days == null ? ZoneOffset.UTC : days.zone();
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

    /** A total of one tally over one calendar day of {@link TallyCalendar}'s zone. */
    public record DayTotal(Tally tally, LocalDate day, long amount) {
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
        addAll(List.of(new Addition(tally, at, amount)));
    }

    /**
     * {@link #add(Tally, Instant, long)} for several tallies, with one insert: a batch of opens counts its firsts. The
     * additions to one tally in one hour become one ledger row with their sum, so a batch of a broadcast's opens adds
     * one row per figure, not one per open.
     */
    public void addAll(List<Addition> additions) {
        Map<Tally, Map<Instant, Long>> sums = new LinkedHashMap<>();
        for (Addition addition : additions) {
            sums.computeIfAbsent(addition.tally(), tally -> new LinkedHashMap<>())
                    .merge(addition.at().truncatedTo(ChronoUnit.HOURS), addition.amount(), Long::sum);
        }
        List<Addition> all = sums.entrySet().stream()
                .flatMap(tally -> tally.getValue().entrySet().stream()
                        .map(hour -> new Addition(tally.getKey(), hour.getKey(), hour.getValue())))
                .filter(addition -> addition.amount() != 0).toList();
        for (int from = 0; from < all.size(); from += 500) {
            insert(all.subList(from, Math.min(all.size(), from + 500)));
        }
    }

    private void insert(List<Addition> counted) {
        jdbc.sql("insert into sf_tally_ledger (series, subject, version, element, figure, hour_utc, amount) values "
                        + String.join(", ", java.util.Collections.nCopies(counted.size(), "(?, ?, ?, ?, ?, ?, ?)")))
                .params(counted.stream().flatMap(addition -> java.util.stream.Stream.of(addition.tally().series(),
                        addition.tally().subject(), addition.tally().version(), addition.tally().element(),
                        addition.tally().figure(), Timestamp.from(addition.at().truncatedTo(ChronoUnit.HOURS)),
                        addition.amount())).toList())
                .update();
    }

    /** An amount to add to a tally at a time ({@link #addAll}). */
    public record Addition(Tally tally, Instant at, long amount) {
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
     * The totals of {@code series} in {@code [from, to)} per tally, as {@link #totals} without hours, but summed in
     * the database from the monthly totals of the period's whole months and the daily totals of its other days when
     * both ends are midnights of the {@link TallyCalendar}'s zone (a report of whole days).
     */
    public List<Total> periodTotals(String series, String subject, Integer version, Instant from, Instant to) {
        if (!isMidnight(from) || !isMidnight(to) || !to.isAfter(from)) {
            return totals(series, subject, version, from, to, false);
        }
        if (!dailyTotalsAreInZone()) {
            return totals(series, subject, version, from, to, false);
        }
        LocalDate firstDay = from.atZone(dayZone).toLocalDate();
        LocalDate lastDay = to.atZone(dayZone).toLocalDate().minusDays(1);
        // The whole months of the period, [monthsFrom, monthsUntil); none when monthsFrom is not before monthsUntil.
        LocalDate monthsFrom = firstDay.getDayOfMonth() == 1 ? firstDay : firstDay.withDayOfMonth(1).plusMonths(1);
        LocalDate monthsUntil = lastDay.plusDays(1).withDayOfMonth(1);
        if (!monthsFrom.isBefore(monthsUntil)) {
            monthsFrom = lastDay.plusDays(1);
            monthsUntil = monthsFrom;
        }
        Filter wanted = new Filter(subject, version, null);
        Map<String, Object> params = new HashMap<>(Map.of("series", series,
                "fromDay", Date.valueOf(firstDay), "toDay", Date.valueOf(lastDay),
                "monthsFrom", Date.valueOf(monthsFrom), "monthsUntil", Date.valueOf(monthsUntil),
                "from", Timestamp.from(from), "to", Timestamp.from(to)));
        String filter = wanted.sql(params);
        // One statement over the three tables, so that a fold committing meanwhile is seen wholly or not at all.
        return jdbc.sql("select subject, version, element, figure, sum(amount) from ("
                        + " select subject, version, element, figure, amount from sf_tally_daily where series = :series"
                        + " and tally_day >= :fromDay and tally_day < :monthsFrom" + filter
                        + " union all"
                        + " select subject, version, element, figure, amount from sf_tally_monthly"
                        + " where series = :series and tally_month >= :monthsFrom and tally_month < :monthsUntil"
                        + filter
                        + " union all"
                        + " select subject, version, element, figure, amount from sf_tally_daily where series = :series"
                        + " and tally_day >= :monthsUntil and tally_day <= :toDay" + filter
                        + " union all"
                        + " select subject, version, element, figure, amount from sf_tally_ledger where series = :series"
                        + " and hour_utc >= :from and hour_utc < :to" + filter
                        + ") tallies group by subject, version, element, figure")
                .params(params)
                .query((row, n) -> new Total(new Tally(series, row.getString(1), row.getInt(2), row.getString(3),
                        row.getString(4)), null, row.getLong(5)))
                .list();
    }

    private boolean isMidnight(Instant instant) {
        return instant.atZone(dayZone).toLocalTime().equals(java.time.LocalTime.MIDNIGHT);
    }

    /**
     * The totals of {@code series} per tally and per calendar day of the {@link TallyCalendar}'s zone, for the days
     * {@code from} to {@code to} (both included), for one subject or all ({@code null}) and one version or all
     * ({@code null}). Reads the daily totals, which a report of a year needs 365 rows per tally of, plus the ledger;
     * while the daily totals are still in another zone (the setting just changed, before the next fold), the hourly.
     */
    public List<DayTotal> dailyTotals(String series, String subject, Integer version, LocalDate from, LocalDate to) {
        return dailyTotals(series, new Filter(subject, version, null), from, to);
    }

    /**
     * The same as {@link #dailyTotals(String, String, Integer, LocalDate, LocalDate)} for the tallies of every subject
     * and version whose element starts with {@code elementPrefix}: for example the message tallies of one journey's
     * steps, whose elements are {@code journey/step}.
     */
    public List<DayTotal> dailyTotalsByElementPrefix(String series, String elementPrefix, LocalDate from,
            LocalDate to) {
        return dailyTotals(series, new Filter(null, null, elementPrefix), from, to);
    }

    private List<DayTotal> dailyTotals(String series, Filter wanted, LocalDate from, LocalDate to) {
        Instant start = from.atStartOfDay(dayZone).toInstant();
        Instant end = to.plusDays(1).atStartOfDay(dayZone).toInstant();
        Map<List<Object>, Long> sums = new LinkedHashMap<>();
        if (dailyTotalsAreInZone()) {
            // One statement over both tables, so that a fold committing meanwhile is seen wholly or not at all.
            Map<String, Object> params = new HashMap<>(Map.of("series", series, "fromDay", Date.valueOf(from),
                    "toDay", Date.valueOf(to), "from", Timestamp.from(start), "to", Timestamp.from(end)));
            String filter = wanted.sql(params);
            jdbc.sql("select subject, version, element, figure, tally_day, hour_utc, amount from ("
                            + " select subject, version, element, figure, tally_day, null as hour_utc,"
                            + " amount from sf_tally_daily"
                            + " where series = :series and tally_day >= :fromDay and tally_day <= :toDay" + filter
                            + " union all"
                            + " select subject, version, element, figure, null as tally_day, hour_utc,"
                            + " amount from sf_tally_ledger"
                            + " where series = :series and hour_utc >= :from and hour_utc < :to" + filter
                            + ") tallies")
                    .params(params)
                    .query(row -> {
                        LocalDate day = row.getDate(5) != null ? row.getDate(5).toLocalDate() : day(row.getTimestamp(6));
                        sums.merge(List.of(new Tally(series, row.getString(1), row.getInt(2), row.getString(3),
                                row.getString(4)), day), row.getLong(7), Long::sum);
                    });
        } else {
            for (Total total : totals(series, wanted.subject(), wanted.version(), start, end, true)) {
                if (wanted.elementPrefix() != null && !total.tally().element().startsWith(wanted.elementPrefix())) {
                    continue;
                }
                sums.merge(List.of(total.tally(), total.hour().atZone(dayZone).toLocalDate()), total.amount(),
                        Long::sum);
            }
        }
        return sums.entrySet().stream()
                .map(sum -> new DayTotal((Tally) sum.getKey().get(0), (LocalDate) sum.getKey().get(1), sum.getValue()))
                .toList();
    }

    /** Which tallies of a series a report wants: null for any. */
    private record Filter(String subject, Integer version, String elementPrefix) {

        String sql(Map<String, Object> params) {
            StringBuilder filter = new StringBuilder();
            if (subject != null) {
                filter.append(" and subject = :subject");
                params.put("subject", subject);
            }
            if (version != null) {
                filter.append(" and version = :version");
                params.put("version", version);
            }
            if (elementPrefix != null) {
                filter.append(" and element like :prefix escape '!'");
                params.put("prefix", elementPrefix.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%");
            }
            return filter.toString();
        }
    }

    private boolean dailyTotalsAreInZone() {
        return dayZone.getId().equals(jdbc.sql("select day_zone from sf_tally_fold_lock where name = 'tallies'")
                .query(String.class).optional().orElse(null));
    }

    private LocalDate day(Timestamp hour) {
        return hour.toInstant().atZone(dayZone).toLocalDate();
    }

    /**
     * Folds one batch of the ledger into the hourly totals; true when the batch was full (more may be waiting), so
     * that a steady trickle of counts is folded every few seconds in one large batch, not in one small batch after
     * another (each costs a statement per total it changes, and they are the same few totals). Locks the one row
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
        String zoneOfDays = jdbc.sql("select day_zone from sf_tally_fold_lock where name = 'tallies' for update")
                .query((row, n) -> Optional.ofNullable(row.getString(1))).single().orElse(null);
        if (!dayZone.getId().equals(zoneOfDays)) {
            rebuildDailyTotals();
        }
        List<Row> rows = jdbc.sql("select id, series, subject, version, element, figure, hour_utc, amount"
                        + " from sf_tally_ledger order by id limit ?")
                .param(FOLD_BATCH)
                .query((row, n) -> new Row(row.getLong(1), new Key(new Tally(row.getString(2), row.getString(3),
                        row.getInt(4), row.getString(5), row.getString(6)), row.getTimestamp(7)), row.getLong(8)))
                .list();
        if (rows.isEmpty()) {
            return false;
        }
        boolean full = rows.size() == FOLD_BATCH;
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
        Map<List<Object>, Long> daily = new LinkedHashMap<>();
        sums.forEach((key, total) -> daily.merge(List.of(key.tally(), day(key.hour())), total, Long::sum));
        daily.forEach((key, total) -> addPerDay("sf_tally_daily", "tally_day", (Tally) key.get(0),
                (LocalDate) key.get(1), total));
        monthly(daily).forEach((key, total) -> addPerDay("sf_tally_monthly", "tally_month", (Tally) key.get(0),
                (LocalDate) key.get(1), total));
        List<Long> ids = rows.stream().map(Row::id).toList();
        for (int i = 0; i < ids.size(); i += DELETE_CHUNK) {
            jdbc.sql("delete from sf_tally_ledger where id in (:ids)")
                    .param("ids", ids.subList(i, Math.min(ids.size(), i + DELETE_CHUNK))).update();
        }
        return full;
    }

    /** Adds to the daily ({@code sf_tally_daily}) or monthly ({@code sf_tally_monthly}) total of a tally. */
    private void addPerDay(String table, String dayColumn, Tally tally, LocalDate day, long total) {
        int updated = jdbc.sql("update " + table + " set amount = amount + ? where series = ? and subject = ? and "
                        + dayColumn + " = ? and version = ? and element = ? and figure = ?")
                .params(total, tally.series(), tally.subject(), Date.valueOf(day), tally.version(), tally.element(),
                        tally.figure())
                .update();
        if (updated == 0) {
            jdbc.sql("insert into " + table + " (series, subject, " + dayColumn + ", version, element, figure, amount)"
                            + " values (?, ?, ?, ?, ?, ?, ?)")
                    .params(tally.series(), tally.subject(), Date.valueOf(day), tally.version(), tally.element(),
                            tally.figure(), total)
                    .update();
        }
    }

    /** Daily sums (keyed by tally and day) summed per tally and month (keyed by tally and the month's first day). */
    private static Map<List<Object>, Long> monthly(Map<List<Object>, Long> daily) {
        Map<List<Object>, Long> monthly = new LinkedHashMap<>();
        daily.forEach((key, total) -> monthly.merge(List.of(key.get(0), ((LocalDate) key.get(1)).withDayOfMonth(1)),
                total, Long::sum));
        return monthly;
    }

    /**
     * Under the fold lock: recomputes every daily and monthly total from the hourly totals in the current zone (the
     * first fold, the zone setting changed, or the monthly totals are new), and records the zone. The hourly totals
     * are read one series at a time.
     */
    private void rebuildDailyTotals() {
        jdbc.sql("delete from sf_tally_daily").update();
        jdbc.sql("delete from sf_tally_monthly").update();
        List<String> series = jdbc.sql("select distinct series from sf_tally_hourly").query(String.class).list();
        for (String one : series) {
            Map<List<Object>, Long> daily = new LinkedHashMap<>();
            jdbc.sql("select subject, version, element, figure, hour_utc, amount from sf_tally_hourly where series = ?")
                    .param(one)
                    .query(row -> {
                        daily.merge(List.of(new Tally(one, row.getString(1), row.getInt(2), row.getString(3),
                                row.getString(4)), day(row.getTimestamp(5))), row.getLong(6), Long::sum);
                    });
            insertPerDay("sf_tally_daily", "tally_day", daily);
            insertPerDay("sf_tally_monthly", "tally_month", monthly(daily));
        }
        jdbc.sql("update sf_tally_fold_lock set day_zone = ? where name = 'tallies'").param(dayZone.getId()).update();
    }

    /** Inserts totals keyed by tally and day into an empty daily or monthly table, in batches. */
    private void insertPerDay(String table, String dayColumn, Map<List<Object>, Long> totals) {
        List<Object[]> rows = totals.entrySet().stream().map(total -> {
            Tally tally = (Tally) total.getKey().get(0);
            return new Object[] {tally.series(), tally.subject(), Date.valueOf((LocalDate) total.getKey().get(1)),
                    tally.version(), tally.element(), tally.figure(), total.getValue()};
        }).toList();
        String insert = "insert into " + table + " (series, subject, " + dayColumn + ", version, element, figure,"
                + " amount) values (?, ?, ?, ?, ?, ?, ?)";
        for (int from = 0; from < rows.size(); from += REBUILD_BATCH) {
            jdbcTemplate.batchUpdate(insert, rows.subList(from, Math.min(rows.size(), from + REBUILD_BATCH)));
        }
    }

    private record Key(Tally tally, Timestamp hour) {
    }

    private record Row(long id, Key key, long amount) {
    }
}
