package io.stageflow.segments;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A segment split into id ranges for the workers of a job (a broadcast's partitions): the ranges run from the first
 * member to the last, and paging through each of them reads every member once, in id order, and no one else.
 */
class SegmentRangesTest extends SegmentTesting {

    @Autowired
    Segments segments;

    @Autowired
    SegmentStore store;

    @Autowired
    DataSource dataSource;

    @Test
    void aLargeTableReadInSlicesAtOnceIsSplitAsOneReadOfItWouldSplitIt() {
        for (int i = 0; i < 30; i++) {
            customer("s" + i, "\"plan\":\"free\"");
        }
        // Every customer is a member; slices of one customer at least, so three threads read three slices.
        Sql everyone = new Sql("1 = 1", List.of());
        SqlDialect dialect = SqlDialect.of(dataSource);
        try (SegmentSplit inSlices = new SegmentSplit(store, dialect, 3, 1)) {
            assertThat(inSlices.cuts()).as("read in slices").hasSize(2);
            int parts = 4;

            Segments.IdRanges ranges = inSlices.split(everyone, parts);

            long customers = jdbc.sql("select count(*) from sf_customer").query(Long.class).single();
            assertThat(ranges.members()).isEqualTo(customers);
            assertThat(ranges.first()).isEqualTo(store.customerAt(0));
            assertThat(ranges.last()).isEqualTo(store.customerAt(customers - 1));
            assertThat(ranges.ends()).hasSize(parts - 1).doesNotHaveDuplicates();
            // Each end where one read would put it: exactly while the sample holds every member, else within a step.
            Segments.IdRanges oneRead = store.sample(everyone, null, null, dialect.streamingFetchSize()).ranges(parts);
            long step = Math.max(1, customers / (MemberSample.CAPACITY / 2));
            for (int i = 0; i < parts - 1; i++) {
                long position = jdbc.sql("select count(*) from sf_customer where id <= ?").param(ranges.ends().get(i))
                        .query(Long.class).single();
                assertThat(position).isBetween(customers * (i + 1) / parts - step + 1, customers * (i + 1) / parts);
                if (customers <= MemberSample.CAPACITY) {
                    assertThat(ranges.ends().get(i)).isEqualTo(oneRead.ends().get(i));
                }
            }
        }
    }

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
