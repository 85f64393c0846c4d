package io.stageflow.broadcasts;

import java.util.ArrayDeque;
import java.util.Deque;

import io.stageflow.segments.Segments;

import org.springframework.batch.item.ExecutionContext;
import org.springframework.batch.item.ItemStreamReader;

/**
 * Reads the member ids of a segment within one id range (a partition: from {@code from} or after {@code after}, up
 * to {@code to}), a page at a time in id order (keyset paging: each page is one query that starts after the last id
 * read). The last id handed out is saved at each commit, so a restarted partition goes on after its last committed
 * chunk.
 */
class SegmentMemberReader implements ItemStreamReader<String> {

    static final String LAST_ID = "segment.lastId";

    private final Segments segments;
    private final String segment;
    /** Where the range starts (inclusive) until a first id is read; null: at {@code after}, or the beginning. */
    private final String from;
    private final String to;
    private final int pageSize;
    private final Deque<String> page = new ArrayDeque<>();
    private String after;
    private boolean exhausted;

    SegmentMemberReader(Segments segments, String segment, String from, String after, String to, int pageSize) {
        this.segments = segments;
        this.segment = segment;
        this.from = from;
        this.after = after;
        this.to = to;
        this.pageSize = pageSize;
    }

    @Override
    public String read() {
        if (page.isEmpty() && !exhausted) {
            var ids = segments.memberIds(segment, from, after, to, pageSize);
            page.addAll(ids);
            exhausted = ids.size() < pageSize;
        }
        String next = page.poll();
        if (next != null) {
            after = next;
        }
        return next;
    }

    @Override
    public void open(ExecutionContext context) {
        if (context.containsKey(LAST_ID)) {
            after = context.getString(LAST_ID);
        }
    }

    @Override
    public void update(ExecutionContext context) {
        if (after != null) {
            context.putString(LAST_ID, after);
        }
    }
}
