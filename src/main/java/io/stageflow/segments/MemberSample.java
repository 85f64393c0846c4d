package io.stageflow.segments;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The split points of a segment read once, in id order, without holding every member: it keeps the first and last
 * member, the count, and every {@code step}-th member, the step doubling each time the sample is full. A split point
 * is then the kept member at or just before its exact position, so each range is within one step of its share; with
 * fewer members than the sample holds, the step stays 1 and the split is exact.
 */
final class MemberSample {

    /** Sampled members kept at most: a split over a million members is then off by at most about 500 a range. */
    static final int CAPACITY = 4_096;

    private final int capacity;
    private final List<Long> positions = new ArrayList<>();
    private final List<String> ids = new ArrayList<>();
    private long step = 1;
    private long count;
    private String first;
    private String last;

    MemberSample() {
        this(CAPACITY);
    }

    MemberSample(int capacity) {
        if (capacity < 2 || capacity % 2 != 0) {
            throw new IllegalArgumentException("capacity must be even and at least 2: " + capacity);
        }
        this.capacity = capacity;
    }

    /** The next member in id order. */
    void add(String id) {
        count++;
        if (count == 1) {
            first = id;
        }
        last = id;
        if (count % step != 0) {
            return;
        }
        if (positions.size() == capacity) {
            halve();
            if (count % step != 0) {
                return;
            }
        }
        positions.add(count);
        ids.add(id);
    }

    /** Keeps the members at multiples of twice the step. */
    private void halve() {
        step *= 2;
        int kept = 0;
        for (int i = 0; i < positions.size(); i++) {
            if (positions.get(i) % step == 0) {
                positions.set(kept, positions.get(i));
                ids.set(kept, ids.get(i));
                kept++;
            }
        }
        positions.subList(kept, positions.size()).clear();
        ids.subList(kept, ids.size()).clear();
    }

    /**
     * The members read so far split into up to {@code parts} ranges: the range ends are the members at positions
     * {@code floor(count * i / parts)} for {@code i} in 1 to parts - 1 (or the nearest kept member before), each
     * once, in order.
     */
    Segments.IdRanges ranges(int parts) {
        return ranges(List.of(this), parts);
    }

    /**
     * The members of several samples split as one, the samples in id order (each read over an id range that ends
     * before the next one's starts): as {@link #ranges(int)} over all their members, each range end taken from the
     * sample its position falls in.
     */
    static Segments.IdRanges ranges(List<MemberSample> inIdOrder, int parts) {
        List<MemberSample> samples = inIdOrder.stream().filter(sample -> sample.count > 0).toList();
        long count = samples.stream().mapToLong(sample -> sample.count).sum();
        if (count == 0) {
            return new Segments.IdRanges(null, List.of(), null, 0);
        }
        Set<String> ends = new LinkedHashSet<>();
        for (int i = 1; i < parts; i++) {
            long position = count * i / parts;
            for (MemberSample sample : samples) {
                if (position <= sample.count) {
                    if (position >= 1) {
                        ends.add(sample.atOrBefore(position));
                    }
                    break;
                }
                position -= sample.count;
            }
        }
        return new Segments.IdRanges(samples.get(0).first, List.copyOf(ends), samples.get(samples.size() - 1).last,
                count);
    }

    private String atOrBefore(long position) {
        int low = 0;
        int high = positions.size() - 1;
        String found = first;
        while (low <= high) {
            int middle = (low + high) >>> 1;
            if (positions.get(middle) <= position) {
                found = ids.get(middle);
                low = middle + 1;
            } else {
                high = middle - 1;
            }
        }
        return found;
    }
}
