package io.stageflow.analytics;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import io.stageflow.customers.LifecycleStages;
import io.stageflow.customers.StageTimes;
import io.stageflow.support.Tallies;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The stage figures of a period (docs/analytics.md, "Stages"): flows and moves to LAPSED from the flow tallies that
 * each move adds ({@link LifecycleStages#FLOW_SERIES}), medians from the time-in-stage roll-up ({@link StageTimes})
 * and the few moves of one part of it, churn bases from the daily snapshots.
 */
@Component
class StageStatistics {

    private final JdbcClient jdbc;
    private final Tallies tallies;
    private final LifecycleStages stages;
    private final StageSnapshots snapshots;

    StageStatistics(JdbcClient jdbc, Tallies tallies, LifecycleStages stages, StageSnapshots snapshots) {
        this.jdbc = jdbc;
        this.tallies = tallies;
        this.stages = stages;
        this.snapshots = snapshots;
    }

    /** The moves of {@code [from, to)} per stage left and stage entered, in stage order. */
    @Transactional(readOnly = true)
    List<Flow> flows(Instant from, Instant to) {
        List<Flow> flows = new ArrayList<>();
        for (Tallies.Total total : tallies.periodTotals(LifecycleStages.FLOW_SERIES, null, null, from, to)) {
            if (LifecycleStages.FLOW_FIGURE.equals(total.tally().figure()) && total.amount() != 0) {
                String left = total.tally().subject();
                flows.add(new Flow(left.isEmpty() ? null : left, total.tally().element(), total.amount()));
            }
        }
        Comparator<String> order = Comparator.comparingInt(this::position);
        flows.sort(Comparator.comparing(Flow::from, Comparator.nullsFirst(order.thenComparing(s -> s)))
                .thenComparing(Flow::to, order.thenComparing(s -> s)));
        return flows;
    }

    /**
     * Per configured stage, the moves out of it in {@code [from, to)} whose time in the stage is known, and the
     * median of those times in seconds (the mean of the two middle ones for an even count; null for none). Found
     * exactly without sorting the period's moves ({@link StageTimes}): the range totals give the count and the range
     * that holds each middle move, that range's slice totals the slice, that slice's part totals the part, and the
     * part's moves, read in order of seconds through {@code ix_sf_stage_change_time}, the move itself.
     */
    @Transactional(readOnly = true)
    List<TimeInStage> timeInStage(Instant from, Instant to) {
        Map<String, long[]> ranges = new HashMap<>();
        for (Tallies.Total total : tallies.periodTotals(StageTimes.RANGE_SERIES, null, null, from, to)) {
            if (StageTimes.FIGURE.equals(total.tally().figure())) {
                ranges.computeIfAbsent(total.tally().subject(), stage -> new long[StageTimes.RANGES])
                        [Integer.parseInt(total.tally().element())] += total.amount();
            }
        }
        List<TimeInStage> times = new ArrayList<>();
        for (String stage : stages.stages()) {
            long[] counts = ranges.getOrDefault(stage, new long[StageTimes.RANGES]);
            long moves = java.util.Arrays.stream(counts).sum();
            Double median = null;
            if (moves > 0) {
                Map<String, long[]> read = new HashMap<>(); // the two middle moves are mostly in one slice
                OptionalLong lower = nth(stage, counts, (moves - 1) / 2, from, to, read);
                OptionalLong upper = moves % 2 == 0 ? nth(stage, counts, moves / 2, from, to, read) : lower;
                median = lower.isPresent() && upper.isPresent() ? (lower.getAsLong() + upper.getAsLong()) / 2.0
                        : sortedMedian(stage, from, to);
            }
            times.add(new TimeInStage(stage, moves, median));
        }
        return times;
    }

    /**
     * The seconds of the move of rank {@code rank} (0 first) in order of time in stage, among the stage's moves of
     * the period; empty if the tallies and the moves disagree (a move committed between the two reads).
     */
    private OptionalLong nth(String stage, long[] rangeCounts, long rank, Instant from, Instant to,
            Map<String, long[]> read) {
        Optional<Position> range = locate(rangeCounts, rank);
        if (range.isEmpty()) {
            return OptionalLong.empty();
        }
        int r = range.get().bucket();
        long[] slices = read.computeIfAbsent(StageTimes.sliceSubject(stage, r),
                subject -> counts(StageTimes.SLICE_SERIES, subject, StageTimes.SLICES, from, to));
        Optional<Position> slice = locate(slices, range.get().rank());
        if (slice.isEmpty()) {
            return OptionalLong.empty();
        }
        int s = slice.get().bucket();
        long[] parts = read.computeIfAbsent(StageTimes.partSubject(stage, r, s),
                subject -> counts(StageTimes.PART_SERIES, subject, StageTimes.PARTS, from, to));
        if (java.util.Arrays.stream(parts).sum() != slices[s]) {
            // some of the slice's moves were counted before the parts existed: read the whole slice
            return nthMove(stage, StageTimes.sliceStart(r, s), StageTimes.sliceEnd(r, s), slice.get().rank(),
                    from, to);
        }
        Optional<Position> part = locate(parts, slice.get().rank());
        if (part.isEmpty()) {
            return OptionalLong.empty();
        }
        int p = part.get().bucket();
        return nthMove(stage, StageTimes.partStart(r, s, p), StageTimes.partEnd(r, s, p), part.get().rank(), from,
                to);
    }

    /** The totals of one subject of a roll-up series in the period, per element {@code 0} to {@code size - 1}. */
    private long[] counts(String series, String subject, int size, Instant from, Instant to) {
        long[] counts = new long[size];
        for (Tallies.Total total : tallies.periodTotals(series, subject, null, from, to)) {
            if (StageTimes.FIGURE.equals(total.tally().figure())) {
                counts[Integer.parseInt(total.tally().element())] += total.amount();
            }
        }
        return counts;
    }

    /**
     * The seconds of the move of rank {@code rank} (0 first) in order of time in stage among the stage's moves of the
     * period whose time is in {@code [fromSeconds, toSeconds)}, through {@code ix_sf_stage_change_time}.
     */
    private OptionalLong nthMove(String stage, long fromSeconds, long toSeconds, long rank, Instant from,
            Instant to) {
        return jdbc.sql("select from_stage_seconds from sf_stage_change where from_stage = ?"
                        + " and from_stage_seconds >= ? and from_stage_seconds < ? and changed_at >= ? and changed_at < ?"
                        + " order by from_stage_seconds limit 1 offset ?")
                .params(stage, fromSeconds, toSeconds, Timestamp.from(from), Timestamp.from(to), rank)
                .query(Long.class).optional().map(OptionalLong::of).orElse(OptionalLong.empty());
    }

    /**
     * The bucket that holds the move of rank {@code rank} (0 first) when the moves are counted in {@code counts} in
     * order, and its rank within that bucket; empty when there are not that many moves.
     */
    private static Optional<Position> locate(long[] counts, long rank) {
        long before = 0;
        for (int bucket = 0; bucket < counts.length; bucket++) {
            if (rank < before + counts[bucket]) {
                return Optional.of(new Position(bucket, rank - before));
            }
            before += counts[bucket];
        }
        return Optional.empty();
    }

    /** A range or slice of the time-in-stage roll-up, and a move's rank within it. */
    private record Position(int bucket, long rank) {
    }

    /** The median found by sorting every move of the period: only when the roll-up and the moves disagree. */
    private Double sortedMedian(String stage, Instant from, Instant to) {
        long moves = jdbc.sql("select count(*) from sf_stage_change where from_stage = ? and changed_at >= ?"
                        + " and changed_at < ? and from_stage_seconds is not null")
                .params(stage, Timestamp.from(from), Timestamp.from(to)).query(Long.class).single();
        if (moves == 0) {
            return null;
        }
        List<Long> middle = jdbc.sql("select from_stage_seconds from sf_stage_change where from_stage = ?"
                        + " and changed_at >= ? and changed_at < ? and from_stage_seconds is not null"
                        + " order by from_stage_seconds limit ? offset ?")
                .params(stage, Timestamp.from(from), Timestamp.from(to), moves % 2 == 0 ? 2 : 1, (moves - 1) / 2)
                .query(Long.class).list();
        return middle.stream().mapToLong(Long::longValue).average().orElse(0);
    }

    /**
     * Churn per calendar month (in {@code zone}) from the month of {@code from} to the month of {@code to}: moves
     * into the lapsed stage from a post-conversion stage in the month, over the customers in post-conversion stages
     * in the snapshot of the day before the month's first day.
     */
    @Transactional(readOnly = true)
    List<Churn> churn(LocalDate from, LocalDate to, ZoneId zone) {
        List<String> base = stages.postConversionStages();
        String lapsed = stages.lapsedStage();
        YearMonth first = YearMonth.from(from);
        YearMonth last = YearMonth.from(to);
        Map<LocalDate, Map<String, Long>> snapshots = this.snapshots.between(first.atDay(1).minusDays(1),
                last.atDay(1).minusDays(1));
        List<Churn> months = new ArrayList<>();
        for (YearMonth month = first; !month.isAfter(last); month = month.plusMonths(1)) {
            long fromBase = 0;
            long fromElsewhere = 0;
            for (Tallies.DayTotal total : tallies.dailyTotalsByElementPrefix(LifecycleStages.FLOW_SERIES, lapsed,
                    month.atDay(1), month.atEndOfMonth())) {
                if (total.tally().element().equals(lapsed)
                        && LifecycleStages.FLOW_FIGURE.equals(total.tally().figure())) {
                    if (base.contains(total.tally().subject())) {
                        fromBase += total.amount();
                    } else {
                        fromElsewhere += total.amount();
                    }
                }
            }
            LocalDate baseDay = month.atDay(1).minusDays(1);
            Map<String, Long> snapshot = snapshots.get(baseDay);
            Long customers = snapshot == null ? null
                    : base.stream().mapToLong(stage -> snapshot.getOrDefault(stage, 0L)).sum();
            months.add(new Churn(month, fromBase, fromElsewhere, baseDay, customers,
                    customers == null || customers == 0 ? null : (double) fromBase / customers));
        }
        return months;
    }

    private int position(String stage) {
        int position = stages.stages().indexOf(stage);
        return position < 0 ? Integer.MAX_VALUE : position;
    }

    /** Moves from one stage ({@code null}: none recorded) to another. */
    record Flow(String from, String to, long count) {
    }

    /**
     * @param stage         the stage left
     * @param moves         moves out of it in the period whose time in the stage is known
     * @param medianSeconds the median time in the stage before those moves, in seconds, or null for none
     */
    record TimeInStage(String stage, long moves, Double medianSeconds) {
    }

    /**
     * @param month                 the calendar month
     * @param lapsed                moves into the lapsed stage from a post-conversion stage in the month
     * @param lapsedFromOtherStages moves into the lapsed stage from any other stage in the month (not in the rate)
     * @param baseDay               the snapshot day the base is read from: the day before the month starts
     * @param base                  customers in post-conversion stages in that snapshot, or null without one
     * @param rate                  lapsed over base, or null when the base is missing or zero
     */
    record Churn(YearMonth month, long lapsed, long lapsedFromOtherStages, LocalDate baseDay, Long base, Double rate) {
    }
}
