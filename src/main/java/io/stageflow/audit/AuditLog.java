package io.stageflow.audit;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import io.stageflow.web.InvalidInputException;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The audit log's table, {@code sf_audit_entry}: appended to, read by filters, and never updated but by an
 * erasure, which replaces a customer's id with their anonymous id.
 */
@Component
class AuditLog {

    private static final String COLUMNS = "id, occurred_at, actor, action, target_kind, target, route, outcome,"
            + " http_status, address_hash";

    private final JdbcClient jdbc;
    private final Clock clock;

    AuditLog(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    void append(String actor, AuditedRoute route, String target, String outcome, int status, String addressHash) {
        jdbc.sql("insert into sf_audit_entry (occurred_at, actor, action, target_kind, target, route, outcome,"
                        + " http_status, address_hash) values (?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(Timestamp.from(clock.instant()), cut(actor, 200), route.action(), route.targetKind(),
                        cut(target, 300), cut(route.route(), 300), outcome, status, addressHash)
                .update();
    }

    /** The entries matching the filter, newest first, with ids below {@code before} (null: from the newest). */
    List<AuditEntry> page(Filter filter, Long before, int limit) {
        List<Object> params = new ArrayList<>();
        StringBuilder sql = new StringBuilder("select " + COLUMNS + " from sf_audit_entry where ")
                .append(filter.where(params));
        if (before != null) {
            sql.append(" and id < ?");
            params.add(before);
        }
        sql.append(" order by id desc limit ?");
        params.add(limit);
        return jdbc.sql(sql.toString()).params(params).query(AuditLog::entry).list();
    }

    /** How many entries match the filter. */
    long count(Filter filter) {
        List<Object> params = new ArrayList<>();
        String where = filter.where(params);
        return jdbc.sql("select count(*) from sf_audit_entry where " + where).params(params).query(Long.class)
                .single();
    }

    /** The entries about one thing, oldest first. */
    List<AuditEntry> about(String targetKind, String target) {
        return jdbc.sql("select " + COLUMNS + " from sf_audit_entry where target_kind = ? and target = ?"
                        + " order by id").params(targetKind, target).query(AuditLog::entry).list();
    }

    /** Names the thing by another name in every entry about it: a customer's anonymous id after an erasure. */
    int rename(String targetKind, String target, String replacement) {
        return jdbc.sql("update sf_audit_entry set target = ? where target_kind = ? and target = ?")
                .params(replacement, targetKind, target).update();
    }

    /**
     * Which entries to read: a period of occurrence (from inclusive, to exclusive) and, each optional, the actor,
     * the action and the thing changed.
     */
    record Filter(Instant from, Instant to, String actor, String action, String targetKind, String target) {

        /** The period when none is asked for: the last 30 days. */
        static final int DEFAULT_DAYS = 30;

        /**
         * The filter a caller asked for: days {@code from} and {@code to} (UTC, both included; the last 30 days when
         * left out), refused naming the field when a day is not one or the period ends before it starts.
         */
        static Filter parse(String from, String to, String actor, String action, String targetKind, String target) {
            LocalDate last = day("to", to, LocalDate.now(ZoneOffset.UTC));
            LocalDate first = day("from", from, last.minusDays(DEFAULT_DAYS - 1L));
            if (first.isAfter(last)) {
                throw new InvalidInputException("to", "on or after from (" + first + ")");
            }
            return new Filter(first.atStartOfDay(ZoneOffset.UTC).toInstant(),
                    last.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant(), actor, action, targetKind, target);
        }

        /** The first day of the period, and the last (included). */
        public LocalDate firstDay() {
            return LocalDate.ofInstant(from, ZoneOffset.UTC);
        }

        public LocalDate lastDay() {
            return LocalDate.ofInstant(to, ZoneOffset.UTC).minusDays(1);
        }

        private static LocalDate day(String field, String value, LocalDate otherwise) {
            if (value == null || value.isBlank()) {
                return otherwise;
            }
            try {
                return LocalDate.parse(value.strip());
            } catch (DateTimeParseException e) {
                throw new InvalidInputException(field, "a day as YYYY-MM-DD");
            }
        }

        String where(List<Object> params) {
            StringBuilder where = new StringBuilder("occurred_at >= ? and occurred_at < ?");
            params.add(Timestamp.from(from));
            params.add(Timestamp.from(to));
            add(where, params, "actor", actor);
            add(where, params, "action", action);
            add(where, params, "target_kind", targetKind);
            add(where, params, "target", target);
            return where.toString();
        }

        private static void add(StringBuilder where, List<Object> params, String column, String value) {
            if (value != null && !value.isBlank()) {
                where.append(" and ").append(column).append(" = ?");
                params.add(value.strip());
            }
        }
    }

    private static AuditEntry entry(ResultSet rs, int row) throws SQLException {
        return new AuditEntry(rs.getLong("id"), rs.getTimestamp("occurred_at").toInstant(), rs.getString("actor"),
                rs.getString("action"), rs.getString("target_kind"), rs.getString("target"), rs.getString("route"),
                rs.getString("outcome"), rs.getInt("http_status"), rs.getString("address_hash"));
    }

    private static String cut(String value, int length) {
        return value == null || value.length() <= length ? value : value.substring(0, length);
    }
}
