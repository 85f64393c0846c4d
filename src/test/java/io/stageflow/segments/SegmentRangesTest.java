package io.stageflow.segments;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A segment split into id ranges for the workers of a job (a broadcast's partitions): the ranges run from the first
 * member to the last, and paging through each of them reads every member once, in id order, and no one else.
 */
class SegmentRangesTest extends SegmentTesting {

    @Autowired
    Segments segments;

    @Test
    void theRangesRunFromTheFirstMemberToTheLastAndTogetherHoldEachMemberOnce() {
        List<String> members = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            customer("a" + i, "\"plan\":\"free\""); // before the first member in id order
            customer("m" + i, "\"plan\":\"pro\"");
            members.add(run + "-m" + i);
            customer("z" + i, "\"plan\":\"free\""); // after the last
        }
        String key = segment(condition("traits.plan", "eq", "pro"));

        Segments.IdRanges ranges = segments.split(key, 3);

        assertThat(ranges.first()).isEqualTo(run + "-m0");
        assertThat(ranges.last()).isEqualTo(run + "-m9");
        assertThat(ranges.ends()).containsExactly(run + "-m2", run + "-m5");
        assertThat(ranges.members()).isEqualTo(10);
        List<String> read = new ArrayList<>();
        String after = null;
        for (int i = 0; i <= ranges.ends().size(); i++) {
            String to = i < ranges.ends().size() ? ranges.ends().get(i) : ranges.last();
            // Pages of 2, as a partition's reader goes: from the first member, then after the last id read.
            String from = after == null ? ranges.first() : null;
            String cursor = after;
            for (List<String> page = segments.memberIds(key, from, cursor, to, 2); !page.isEmpty();
                    page = segments.memberIds(key, null, cursor, to, 2)) {
                read.addAll(page);
                cursor = page.get(page.size() - 1);
            }
            after = to;
        }
        assertThat(read).containsExactlyElementsOf(members);
    }

    @Test
    void moreRangesThanMembersGiveARangeToEachMember() {
        customer("m0", "\"plan\":\"pro\"");
        customer("m1", "\"plan\":\"pro\"");
        customer("z", "\"plan\":\"free\"");
        String key = segment(condition("traits.plan", "eq", "pro"));

        assertThat(segments.split(key, 4)).isEqualTo(new Segments.IdRanges(run + "-m0", List.of(run + "-m0"), run + "-m1", 2));
        assertThat(segments.split(key, 1)).isEqualTo(new Segments.IdRanges(run + "-m0", List.of(), run + "-m1", 2));
    }

    @Test
    void anEmptySegmentHasNoRanges() {
        customer("a", "\"plan\":\"free\"");
        String key = segment(condition("traits.plan", "eq", "pro"));

        Segments.IdRanges ranges = segments.split(key, 4);

        assertThat(ranges.first()).isNull();
        assertThat(ranges.last()).isNull();
        assertThat(ranges.ends()).isEmpty();
        assertThat(ranges.members()).isZero();
    }
}
