package io.stageflow.customers;

import java.time.Instant;
import java.util.List;

import io.stageflow.support.Tallies;

/**
 * The roll-up that lets a report find the median time customers spent in a stage without sorting every move of the
 * period: each move out of a stage whose time in it is known adds three tallies, in the move's transaction. A
 * <em>range</em> tally ({@link #RANGE_SERIES}: subject the stage left, element the range) counts it in one of a few
 * dozen doubling ranges of seconds (under a minute, 1 to 2 minutes, 2 to 4, …), a <em>slice</em> tally
 * ({@link #SLICE_SERIES}: subject the stage and range, element the slice) in one of eight equal slices of that range,
 * and a <em>part</em> tally ({@link #PART_SERIES}: subject the stage, range and slice, element the part) in one of
 * eight equal parts of that slice. A median is then found exactly: the range totals, then the slice totals of the one
 * range that holds it, then the part totals of that slice, and then the few moves of that part, read in order of
 * seconds through an index. Moves counted before the parts existed have no part tally; where a slice's parts do not
 * add up to it, the report reads the whole slice's moves instead.
 */
public final class StageTimes {

    /** Range tallies: subject the stage left, element {@link #range}, figure {@link #FIGURE}. */
    public static final String RANGE_SERIES = "stage-time";
    /** Slice tallies: subject {@link #sliceSubject}, element {@link #slice}, figure {@link #FIGURE}. */
    public static final String SLICE_SERIES = "stage-time-slice";
    /** Part tallies: subject {@link #partSubject}, element {@link #part}, figure {@link #FIGURE}. */
    public static final String PART_SERIES = "stage-time-part";
    public static final String FIGURE = "MOVES";
    /** Slices per range. */
    public static final int SLICES = 8;
    /** Parts per slice. */
    public static final int PARTS = 8;
    private static final long FIRST = 60;
    /** Times beyond this (about 1,000 years) count in the last range. */
    private static final long LONGEST = FIRST << 33;
    /** Ranges in all, 0 to {@code RANGES - 1}. */
    public static final int RANGES = range(Long.MAX_VALUE) + 1;

    private StageTimes() {
    }

    /** The range of a time in stage: 0 under a minute, then r for [60·2^(r-1), 60·2^r) seconds. */
    public static int range(long seconds) {
        long clamped = clamp(seconds);
        return clamped < FIRST ? 0 : 64 - Long.numberOfLeadingZeros(clamped / FIRST);
    }

    /** The slice of its range a time in stage falls in, 0 to {@link #SLICES} - 1. */
    public static int slice(long seconds) {
        return fine(seconds) / PARTS;
    }

    /** The part of its slice a time in stage falls in, 0 to {@link #PARTS} - 1. */
    public static int part(long seconds) {
        return fine(seconds) % PARTS;
    }

    /** The first second of a slice of a range. */
    public static long sliceStart(int range, int slice) {
        return fineStart(range, slice * PARTS);
    }

    /** The first second after a slice of a range (for the last range's last slice: no end). */
    public static long sliceEnd(int range, int slice) {
        return fineStart(range, (slice + 1) * PARTS);
    }

    /** The first second of a part of a slice of a range. */
    public static long partStart(int range, int slice, int part) {
        return fineStart(range, slice * PARTS + part);
    }

    /** The first second after a part of a slice of a range (for the very last part: no end). */
    public static long partEnd(int range, int slice, int part) {
        return fineStart(range, slice * PARTS + part + 1);
    }

    /** The subject of a stage's slice tallies within one range. */
    public static String sliceSubject(String stage, int range) {
        return stage + "/" + range;
    }

    /** The subject of a stage's part tallies within one slice of one range. */
    public static String partSubject(String stage, int range, int slice) {
        return sliceSubject(stage, range) + "/" + slice;
    }

    static Tallies.Tally rangeTally(String stage, long seconds) {
        return new Tallies.Tally(RANGE_SERIES, stage, 0, Integer.toString(range(seconds)), FIGURE);
    }

    static Tallies.Tally sliceTally(String stage, long seconds) {
        return new Tallies.Tally(SLICE_SERIES, sliceSubject(stage, range(seconds)), 0,
                Integer.toString(slice(seconds)), FIGURE);
    }

    static Tallies.Tally partTally(String stage, long seconds) {
        return new Tallies.Tally(PART_SERIES, partSubject(stage, range(seconds), slice(seconds)), 0,
                Integer.toString(part(seconds)), FIGURE);
    }

    /** The three tallies a move out of {@code stage} after {@code seconds} in it adds, at {@code at}. */
    static List<Tallies.Addition> tallies(String stage, long seconds, Instant at, long amount) {
        return List.of(new Tallies.Addition(rangeTally(stage, seconds), at, amount),
                new Tallies.Addition(sliceTally(stage, seconds), at, amount),
                new Tallies.Addition(partTally(stage, seconds), at, amount));
    }

    /** Which of the {@code SLICES * PARTS} equal parts of its range a time falls in. */
    private static int fine(long seconds) {
        long clamped = clamp(seconds);
        int range = range(clamped);
        return (int) ((clamped - start(range)) * SLICES * PARTS / width(range));
    }

    /** The first second of one of the {@code SLICES * PARTS} parts of a range; past the last range's last: none. */
    private static long fineStart(int range, int fine) {
        if (fine == SLICES * PARTS && range == range(LONGEST)) {
            return Long.MAX_VALUE;
        }
        return start(range) + ceilDiv(fine * width(range));
    }

    private static long start(int range) {
        return range == 0 ? 0 : FIRST << (range - 1);
    }

    private static long width(int range) {
        return range == 0 ? FIRST : start(range);
    }

    /** {@code n / (SLICES * PARTS)} rounded up (Math.ceilDiv is Java 18). */
    private static long ceilDiv(long n) {
        return -Math.floorDiv(-n, SLICES * PARTS);
    }

    private static long clamp(long seconds) {
        return Math.max(0, Math.min(seconds, LONGEST - 1));
    }
}
