package io.stageflow.segments;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Named customer segments, evaluated in the database: one SQL query per question, whatever the number of
 * customers. Journeys ask {@link #contains}; marketers manage segments through the API or segment files.
 * The segment files are loaded when this bean starts, so that anything depending on it (the journey checks that
 * run before the engine deploys {@code bpmn/}) already sees them.
 */
@Service
public class Segments implements InitializingBean, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(Segments.class);

    private final SegmentStore store;
    private final RuleParser parser;
    private final SegmentFiles files;
    private final SqlDialect dialect;
    private final Clock clock;
    private final TransactionTemplate transactions;
    private final SegmentSplit splits;

    Segments(SegmentStore store, RuleParser parser, SegmentFiles files, DataSource dataSource, Clock clock,
            TransactionTemplate transactions, SegmentsProperties properties) {
        this.store = store;
        this.parser = parser;
        this.files = files;
        this.dialect = SqlDialect.of(dataSource);
        this.clock = clock;
        this.transactions = transactions;
        this.splits = new SegmentSplit(store, dialect, properties.splitThreads(), SegmentSplit.SLICE_MIN);
    }

    /** Loads the segment files: each replaces the stored segment of its key; segments of deleted files go. */
    @Override
    public void afterPropertiesSet() {
        List<SegmentFiles.FileSegment> loaded = files.read();
        transactions.executeWithoutResult(status -> {
            loaded.forEach(file -> store.upsert(file.segment(), file.source(), clock.instant()));
            List<String> gone = store.deleteFileSegmentsExcept(loaded.stream().map(f -> f.segment().key()).toList());
            if (!gone.isEmpty()) {
                log.info("Segments {} removed: their files are no longer in {}", gone, files.directory().toAbsolutePath());
            }
        });
        log.info("{} segment file(s) loaded from {} ({} SQL)", loaded.size(), files.directory().toAbsolutePath(), dialect);
    }

    @Override
    public void destroy() {
        splits.close();
    }

    /** Whether a segment of this key exists, for checks before a journey that uses it can run. */
    @Transactional(readOnly = true)
    public boolean exists(String segmentKey) {
        return RuleParser.isValidKey(segmentKey) && store.find(segmentKey).isPresent();
    }

    /** Whether the key is spelled as segment keys are, for checks that cannot look the segment up yet. */
    public static boolean isValidKey(String segmentKey) {
        return RuleParser.isValidKey(segmentKey);
    }

    /**
     * Whether the customer is in the segment now; false for an unknown customer.
     *
     * @throws IllegalArgumentException when there is no such segment
     */
    @Transactional(readOnly = true)
    public boolean contains(String segmentKey, String customerId) {
        return store.contains(where(require(segmentKey)), customerId);
    }

    /**
     * One page of the segment's member ids in id order (keyset paging, for jobs that go through a whole segment):
     * ids after {@code afterId} (exclusive; null starts at the beginning) and up to {@code toId} (inclusive; null
     * goes to the end), at most {@code limit}. Membership is evaluated now, page by page.
     *
     * @throws IllegalArgumentException when there is no such segment
     */
    @Transactional(readOnly = true)
    public List<String> memberIds(String segmentKey, String afterId, String toId, int limit) {
        return memberIds(segmentKey, null, afterId, toId, limit);
    }

    /**
     * {@link #memberIds(String, String, String, int)} that starts at {@code fromId} (inclusive) when there is no
     * {@code afterId}: the first page of a range that starts at a member ({@link IdRanges#first}), without reading
     * the non-members before it.
     */
    @Transactional(readOnly = true)
    public List<String> memberIds(String segmentKey, String fromId, String afterId, String toId, int limit) {
        return store.memberIds(where(require(segmentKey)), afterId == null ? fromId : null, afterId, toId, limit);
    }

    /**
     * The segment's members split in id order into up to {@code parts} ranges of about equal size, for jobs that
     * share a segment between workers. The first range starts at the first member (inclusive), each later one
     * after the previous range's end; every range ends at its end in {@link IdRanges#ends} (inclusive), the last at
     * the last member. So no range reads the customers before the first member or after the last, where a rule on
     * a trait would read every one of them. The split itself reads the customers once, in id order, and also
     * counts the members; past a few thousand members a range may be off its share by a step of the sample
     * ({@link MemberSample}).
     *
     * @throws IllegalArgumentException when there is no such segment
     */
    @Transactional(readOnly = true)
    public IdRanges split(String segmentKey, int parts) {
        return splits.split(where(require(segmentKey)), parts);
    }

    /**
     * A segment's members split in id order ({@link #split}): {@code first} and {@code last} member (both null for
     * an empty segment), the inclusive end of every range but the last, and how many members there were.
     */
    public record IdRanges(String first, List<String> ends, String last, long members) {

        public IdRanges {
            ends = List.copyOf(ends);
        }
    }

    /** Every segment's key and name, ordered by name, for choosing one (the console's broadcast form). */
    @Transactional(readOnly = true)
    public java.util.Map<String, String> namesByKey() {
        java.util.Map<String, String> names = new java.util.LinkedHashMap<>();
        store.list().stream().sorted(java.util.Comparator.comparing(StoredSegment::name, String.CASE_INSENSITIVE_ORDER))
                .forEach(segment -> names.put(segment.key(), segment.name()));
        return names;
    }

    /** How many customers are in the segment now. */
    @Transactional(readOnly = true)
    public long size(String segmentKey) {
        return count(segmentKey);
    }

    @Transactional(readOnly = true)
    long count(String segmentKey) {
        return store.count(where(require(segmentKey)));
    }

    @Transactional(readOnly = true)
    List<SegmentStore.Member> preview(String segmentKey, int limit) {
        return store.members(where(require(segmentKey)), limit);
    }

    /**
     * Who an unsaved rule selects now: how many customers and the first {@code limit} by id, for the console's rule
     * builder while a marketer edits. Nothing is stored.
     *
     * @throws InvalidSegmentException naming each problem of the rule
     */
    @Transactional(readOnly = true)
    Evaluation evaluate(JsonNode rule, int limit) {
        Sql where = SegmentQuery.where(parser.rule(rule), dialect, clock.instant());
        return new Evaluation(store.count(where), store.members(where, limit));
    }

    /** What {@link #evaluate} found: the number of customers the rule selects, and the first of them by id. */
    record Evaluation(long count, List<SegmentStore.Member> members) {
    }

    @Transactional(readOnly = true)
    Optional<StoredSegment> find(String segmentKey) {
        return RuleParser.isValidKey(segmentKey) ? store.find(segmentKey) : Optional.empty();
    }

    @Transactional(readOnly = true)
    List<StoredSegment> list() {
        return store.list();
    }

    /** Saves a segment through the API; true when it is new. A file's segment can only change in its file. */
    @Transactional
    boolean save(SegmentDefinition segment) {
        store.find(segment.key()).filter(StoredSegment::fromFile).ifPresent(SegmentOwnedByFileException::raise);
        return store.upsert(segment, StoredSegment.API, clock.instant());
    }

    @Transactional
    boolean delete(String segmentKey) {
        Optional<StoredSegment> stored = find(segmentKey);
        stored.filter(StoredSegment::fromFile).ifPresent(SegmentOwnedByFileException::raise);
        return stored.isPresent() && store.delete(segmentKey);
    }

    private StoredSegment require(String segmentKey) {
        return find(segmentKey).orElseThrow(() -> new IllegalArgumentException("No segment '" + segmentKey + "'"));
    }

    private Sql where(StoredSegment segment) {
        return SegmentQuery.where(parser.rule(segment.rule()), dialect, clock.instant());
    }
}
