package io.stageflow.customers;

import io.stageflow.support.Tallies;

/**
 * The roll-up that lets a report find the median time customers spent in a stage without sorting every move of the
 * period: each move out of a stage whose time in it is known adds two tallies, in the move's transaction. A
 * <em>range</em> tally ({@link #RANGE_SERIES}: subject the stage left, element the range) counts it in one of a few
 * dozen doubling ranges of seconds (under a minute, 1 to 2 minutes, 2 to 4, …), and a <em>slice</em> tally
 * ({@link #SLICE_SERIES}: subject the stage and range, element the slice) in one of eight equal slices of that range.
 * A median is then found exactly: the range totals, then the slice totals of the one range that holds it, and then
 * the few moves of that slice, read in order of seconds through an index.
 */
public final class StageTimes {

    /** Range tallies: subject the stage left, element {@link #range}, figure {@link #FIGURE}. */
    public static final String RANGE_SERIES = "stage-time";
    /** Slice tallies: subject {@link #sliceSubject}, element {@link #slice}, figure {@link #FIGURE}. */
    public static final String SLICE_SERIES = "stage-time-slice";
    public static final String FIGURE = "MOVES";
    /** Slices per range. */
    public static final int SLICES = 8;
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
        long clamped = clamp(seconds);
        int range = range(clamped);
        return (int) ((clamped - start(range)) * SLICES / width(range));
    }

    /** The first second of a slice of a range. */
    public static long sliceStart(int range, int slice) {
        return start(range) + ceilDiv(slice * width(range));
    }

    /** The first second after a slice of a range (for the last range's last slice: no end). */
    public static long sliceEnd(int range, int slice) {
        return range(LONGEST) == range && slice == SLICES - 1 ? Long.MAX_VALUE
                : start(range) + ceilDiv((slice + 1) * width(range));
    }

    /** The subject of a stage's slice tallies within one range. */
    public static String sliceSubject(String stage, int range) {
        return stage + "/" + range;
    }

    static Tallies.Tally rangeTally(String stage, long seconds) {
        return new Tallies.Tally(RANGE_SERIES, stage, 0, Integer.toString(range(seconds)), FIGURE);
    }

    static Tallies.Tally sliceTally(String stage, long seconds) {
        return new Tallies.Tally(SLICE_SERIES, sliceSubject(stage, range(seconds)), 0,
                Integer.toString(slice(seconds)), FIGURE);
    }

    private static long start(int range) {
        return range == 0 ? 0 : FIRST << (range - 1);
    }

    private static long width(int range) {
        return range == 0 ? FIRST : start(range);
    }

    /** {@code n / SLICES} rounded up (Math.ceilDiv is Java 18). */
    private static long ceilDiv(long n) {
        return -Math.floorDiv(-n, SLICES);
    }

    private static long clamp(long seconds) {
        return Math.max(0, Math.min(seconds, LONGEST - 1));
    }
}
