package io.stageflow.segments;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.ArgumentPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Plain SQL over {@code sf_segment}, and the compiled segment queries over {@code sf_customer}. */
@Repository
class SegmentStore {

    private final JdbcClient jdbc;
    private final JdbcTemplate jdbcTemplate;
    private final ObjectMapper json;

    SegmentStore(JdbcClient jdbc, JdbcTemplate jdbcTemplate, ObjectMapper json) {
        this.jdbc = jdbc;
        this.jdbcTemplate = jdbcTemplate;
        this.json = json;
    }

    /** Inserts or replaces the segment; true when it is new. */
    boolean upsert(SegmentDefinition segment, String source, Instant now) {
        String rule = write(segment);
        if (update(segment, rule, source, now)) {
            return false;
        }
        try {
            jdbc.sql("""
                    insert into sf_segment (segment_key, name, rule, source, created_at, updated_at)
                    values (?, ?, ?, ?, ?, ?)""")
                    .params(segment.key(), segment.name(), rule, source, Timestamp.from(now), Timestamp.from(now))
                    .update();
            return true;
        } catch (DuplicateKeyException raced) {
            update(segment, rule, source, now);
            return false;
        }
    }

    private boolean update(SegmentDefinition segment, String rule, String source, Instant now) {
        return jdbc.sql("update sf_segment set name = ?, rule = ?, source = ?, updated_at = ? where segment_key = ?")
                .params(segment.name(), rule, source, Timestamp.from(now), segment.key()).update() > 0;
    }

    Optional<StoredSegment> find(String key) {
        return jdbc.sql("select * from sf_segment where segment_key = ?").param(key).query(this::map).optional();
    }

    List<StoredSegment> list() {
        return jdbc.sql("select * from sf_segment order by segment_key").query(this::map).list();
    }

    boolean delete(String key) {
        return jdbc.sql("delete from sf_segment where segment_key = ?").param(key).update() > 0;
    }

    /** Removes the segments that came from files other than {@code keep}: their file is gone. */
    List<String> deleteFileSegmentsExcept(Collection<String> keep) {
        List<String> gone = jdbc.sql("select segment_key from sf_segment where source <> ?").param(StoredSegment.API)
                .query(String.class).list().stream().filter(key -> !keep.contains(key)).toList();
        gone.forEach(this::delete);
        return gone;
    }

    long count(Sql where) {
        return jdbc.sql("select count(*) from sf_customer c where " + where.text()).params(where.params())
                .query(Long.class).single();
    }

    boolean contains(Sql where, String customerId) {
        return jdbc.sql("select count(*) from sf_customer c where c.id = ? and " + where.text())
                .params(prepend(customerId, where.params())).query(Long.class).single() > 0;
    }

    List<Member> members(Sql where, int limit) {
        List<Object> params = new ArrayList<>(where.params());
        params.add(limit);
        return jdbc.sql("select c.id, c.stage from sf_customer c where " + where.text() + " order by c.id limit ?")
                .params(params).query((rs, row) -> new Member(rs.getString("id"), rs.getString("stage"))).list();
    }

    /**
     * Ids of members from {@code fromId} (inclusive, null: from the start) or after {@code afterId} (exclusive, null:
     * from the start) up to {@code toId} (inclusive, null: to the end), in id order.
     */
    List<String> memberIds(Sql where, String fromId, String afterId, String toId, int limit) {
        StringBuilder sql = new StringBuilder("select c.id from sf_customer c where ").append(where.text());
        List<Object> params = new ArrayList<>(where.params());
        bound(sql, params, ">=", fromId);
        bound(sql, params, ">", afterId);
        bound(sql, params, "<=", toId);
        sql.append(" order by c.id limit ?");
        params.add(limit);
        return jdbc.sql(sql.toString()).params(params).query(String.class).list();
    }

    /**
     * The segment's members from {@code fromId} (inclusive, null: from the start) to before {@code beforeId}
     * (exclusive, null: to the end) read once, in primary-key order (no sort), streamed ({@code fetchSize}) rather
     * than held: their count, the first and last, and the ones a split needs ({@link MemberSample}).
     */
    MemberSample sample(Sql where, String fromId, String beforeId, int fetchSize) {
        StringBuilder sql = new StringBuilder("select c.id from sf_customer c where ").append(where.text());
        List<Object> params = new ArrayList<>(where.params());
        bound(sql, params, ">=", fromId);
        bound(sql, params, "<", beforeId);
        sql.append(" order by c.id");
        MemberSample sample = new MemberSample();
        jdbcTemplate.query(connection -> {
            PreparedStatement select = connection.prepareStatement(sql.toString(), ResultSet.TYPE_FORWARD_ONLY,
                    ResultSet.CONCUR_READ_ONLY);
            select.setFetchSize(fetchSize);
            new ArgumentPreparedStatementSetter(params.toArray()).setValues(select);
            return select;
        }, (RowCallbackHandler) row -> sample.add(row.getString(1)));
        return sample;
    }

    /** Adds {@code and c.id <comparison> ?} for a bound of an id range, unless the range is open there (null). */
    private static void bound(StringBuilder sql, List<Object> params, String comparison, String id) {
        if (id != null) {
            sql.append(" and c.id ").append(comparison).append(" ?");
            params.add(id);
        }
    }

    /** About how many customers there are, from the database's statistics ({@code estimateSql}); 0 when unknown. */
    long estimateCustomers(String estimateSql) {
        Long estimate = jdbc.sql(estimateSql).query(Long.class).optional().orElse(null);
        return estimate == null ? 0 : estimate;
    }

    /** The id of the customer at this position in id order (0 is the first), or null past the last. */
    String customerAt(long position) {
        return jdbc.sql("select id from sf_customer order by id limit 1 offset ?").param(position).query(String.class)
                .optional().orElse(null);
    }

    private static List<Object> prepend(Object first, List<Object> rest) {
        List<Object> all = new ArrayList<>();
        all.add(first);
        all.addAll(rest);
        return all;
    }

    private String write(SegmentDefinition segment) {
        try {
            return json.writeValueAsString(segment.ruleJson());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("rule cannot be written as JSON", e);
        }
    }

    private StoredSegment map(ResultSet rs, int row) throws SQLException {
        try {
            return new StoredSegment(rs.getString("segment_key"), rs.getString("name"), json.readTree(rs.getString("rule")),
                    rs.getString("source"), rs.getTimestamp("created_at").toInstant(),
                    rs.getTimestamp("updated_at").toInstant());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored rule of segment " + rs.getString("segment_key") + " is not JSON", e);
        }
    }

    /** A customer in a segment, as a preview lists them: no personal data beyond the id. */
    record Member(String id, String stage) {
    }
}
