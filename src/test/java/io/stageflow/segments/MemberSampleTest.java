package io.stageflow.segments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The split of a segment read once in id order: exact while the members fit the sample, and within one step of
 * each exact split point once the sample has had to thin itself out.
 */
class MemberSampleTest {

    private static String id(long position) {
        return "c%09d".formatted(position);
    }

    private static MemberSample read(long members, int capacity) {
        MemberSample sample = new MemberSample(capacity);
        for (long position = 1; position <= members; position++) {
            sample.add(id(position));
        }
        return sample;
    }

    @Test
    void aSegmentThatFitsTheSampleIsSplitAtItsExactPositions() {
        Segments.IdRanges ranges = read(10, 16).ranges(3);

        assertThat(ranges).isEqualTo(new Segments.IdRanges(id(1), List.of(id(3), id(6)), id(10), 10));
    }

    @Test
    void aMillionMembersAreSplitWithinOneStepOfEachShareWhileTheSampleStaysSmall() {
        long members = 1_000_000;
        int parts = 4;

        Segments.IdRanges ranges = read(members, MemberSample.CAPACITY).ranges(parts);

        assertThat(ranges.first()).isEqualTo(id(1));
        assertThat(ranges.last()).isEqualTo(id(members));
        assertThat(ranges.members()).isEqualTo(members);
        assertThat(ranges.ends()).hasSize(parts - 1);
        // The sample halved itself until a million fit into 4,096 entries: a step of 256 members.
        long step = 256;
        for (int i = 1; i < parts; i++) {
            long exact = members * i / parts;
            long chosen = Long.parseLong(ranges.ends().get(i - 1).substring(1));
            assertThat(chosen).isBetween(exact - step + 1, exact);
        }
    }

    @Test
    void everyRangeHoldsAtLeastOneMemberAndTheEndsAreDistinctAndInOrder() {
        for (long members = 1; members <= 70; members++) {
            Segments.IdRanges ranges = read(members, 4).ranges(5);

            assertThat(ranges.members()).isEqualTo(members);
            assertThat(ranges.ends()).doesNotHaveDuplicates().isSorted();
            if (!ranges.ends().isEmpty()) {
                assertThat(ranges.ends().get(ranges.ends().size() - 1)).isLessThan(ranges.last());
            }
        }
    }

    @Test
    void slicesReadApartAreSplitAsOneReadOfAllTheirMembers() {
        // 10 members in id order, read as three slices (the middle one without members) and as one.
        MemberSample[] slices = {new MemberSample(16), new MemberSample(16), new MemberSample(16), new MemberSample(16)};
        for (long position = 1; position <= 10; position++) {
            slices[position <= 4 ? 0 : position <= 9 ? 2 : 3].add(id(position));
        }

        for (int parts = 1; parts <= 12; parts++) {
            assertThat(MemberSample.ranges(List.of(slices), parts)).as("%d parts", parts)
                    .isEqualTo(read(10, 16).ranges(parts));
        }
        assertThat(MemberSample.ranges(List.of(new MemberSample(), new MemberSample()), 4))
                .isEqualTo(new Segments.IdRanges(null, List.of(), null, 0));
    }

    @Test
    void slicesOfAMillionMembersAreSplitWithinOneStepOfEachShare() {
        long members = 1_000_000;
        int parts = 4;
        MemberSample first = new MemberSample();
        MemberSample second = new MemberSample();
        for (long position = 1; position <= members; position++) {
            (position <= 300_000 ? first : second).add(id(position));
        }

        Segments.IdRanges ranges = MemberSample.ranges(List.of(first, second), parts);

        assertThat(ranges.first()).isEqualTo(id(1));
        assertThat(ranges.last()).isEqualTo(id(members));
        assertThat(ranges.members()).isEqualTo(members);
        assertThat(ranges.ends()).hasSize(parts - 1);
        long step = 256; // 700,000 members in 4,096 entries: a step of 256; 300,000: 128
        for (int i = 1; i < parts; i++) {
            long exact = members * i / parts;
            long chosen = Long.parseLong(ranges.ends().get(i - 1).substring(1));
            assertThat(chosen).isBetween(exact - step + 1, exact);
        }
    }

    @Test
    void anEmptySegmentHasNoRangesAndNoMembers() {
        assertThat(new MemberSample().ranges(4)).isEqualTo(new Segments.IdRanges(null, List.of(), null, 0));
    }

    @Test
    void theSampleHalvesOnlyWhenItHasAnEvenCapacity() {
        assertThatThrownBy(() -> new MemberSample(3)).isInstanceOf(IllegalArgumentException.class);
    }
}
