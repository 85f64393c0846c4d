package io.stageflow.customers;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.stageflow.support.DatabaseTimestamps;
import io.stageflow.support.JsonText;
import io.stageflow.support.TypedParameters;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Plain SQL over {@code sf_customer}. */
@Repository
class CustomerRepository {

    private static final String INSERT = """
            insert into sf_customer (id, email, first_name, locale, time_zone, traits, marketing_consent,
                                     created_at, updated_at, stage, stage_since)
            values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";

    private static final String UPDATE = """
            update sf_customer set email = ?, first_name = ?, locale = ?, time_zone = ?, traits = ?,
                                   marketing_consent = ?, updated_at = ?
            where id = ?""";

    private final JdbcClient jdbc;
    private final JdbcTemplate batch;
    private final JsonText json;
    private final String initialStage;
    /** The rows' times, bound as the driver writes them fastest: an import writes three a customer. */
    private final DatabaseTimestamps timestamps;

    CustomerRepository(JdbcClient jdbc, JdbcTemplate batch, JsonText json, LifecycleProperties lifecycle,
            DatabaseTimestamps timestamps) {
        this.jdbc = jdbc;
        this.batch = batch;
        this.json = json;
        this.initialStage = lifecycle.initialStage();
        this.timestamps = timestamps;
    }

    Optional<Customer> find(String id) {
        return jdbc.sql("select * from sf_customer where id = ?").param(id).query(this::map).optional();
    }

    /** The customers whose id or email is exactly {@code text} (an email in any case), at most {@code limit}. */
    List<Customer> findByIdOrEmail(String text, int limit) {
        return jdbc.sql("select * from sf_customer where id = ? or email = ? or email = ? order by id limit ?")
                .params(text, text, text.toLowerCase(java.util.Locale.ROOT), limit).query(this::map).list();
    }

    Optional<Customer> findForUpdate(String id) {
        return jdbc.sql("select * from sf_customer where id = ? for update").param(id).query(this::map).optional();
    }

    Set<String> existingIds(Collection<String> ids) {
        if (ids.isEmpty()) {
            return Set.of();
        }
        return new HashSet<>(jdbc.sql("select id from sf_customer where id in (:ids)")
                .param("ids", ids).query(String.class).list());
    }

    /** The stored profiles among these ids, each row locked for the rest of the caller's transaction. */
    Map<String, Customer> findAllForUpdate(Collection<String> ids) {
        return findAll(ids, " for update");
    }

    /** The stored profiles among these ids, by id. */
    Map<String, Customer> findAll(Collection<String> ids) {
        return findAll(ids, "");
    }

    private Map<String, Customer> findAll(Collection<String> ids, String lock) {
        Map<String, Customer> found = new LinkedHashMap<>();
        if (!ids.isEmpty()) {
            jdbc.sql("select * from sf_customer where id in (:ids)" + lock).param("ids", ids).query(this::map)
                    .list().forEach(c -> found.put(c.id(), c));
        }
        return found;
    }

    void insert(Customer c) {
        jdbc.sql(INSERT).params(insertValues(c)).update();
    }

    void insertAll(List<Customer> created) {
        if (!created.isEmpty()) {
            TypedParameters.batchUpdate(batch, INSERT, created.stream().map(this::insertValues).toList());
        }
    }

    void update(Customer c) {
        jdbc.sql(UPDATE).params(updateValues(c)).update();
    }

    void updateAll(List<Customer> changed) {
        if (!changed.isEmpty()) {
            TypedParameters.batchUpdate(batch, UPDATE, changed.stream().map(this::updateValues).toList());
        }
    }

    private Object[] insertValues(Customer c) {
        return new Object[] {c.id(), c.email(), c.firstName(), c.locale(), c.timeZone(), json.write(c.traits()),
                c.marketingConsent(), timestamps.of(c.createdAt()), timestamps.of(c.updatedAt()), initialStage,
                timestamps.of(c.createdAt())};
    }

    private Object[] updateValues(Customer c) {
        return new Object[] {c.email(), c.firstName(), c.locale(), c.timeZone(), json.write(c.traits()),
                c.marketingConsent(), timestamps.of(c.updatedAt()), c.id()};
    }

    void delete(String id) {
        jdbc.sql("delete from sf_customer where id = ?").param(id).update();
    }

    private Customer map(ResultSet rs, int row) throws SQLException {
        return new Customer(
                rs.getString("id"),
                rs.getString("email"),
                rs.getString("first_name"),
                rs.getString("locale"),
                rs.getString("time_zone"),
                json.read(rs.getString("traits")),
                rs.getObject("marketing_consent", Boolean.class),
                rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant());
    }
}
