package io.stageflow.experiments;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.stageflow.experiments.ExperimentAssignments.Experiment;
import io.stageflow.experiments.ExperimentAssignments.Status;
import io.stageflow.support.DatabaseTimestamps;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * {@code sf_experiment} (one row per experiment, created at its first entry) and {@code sf_experiment_entry} (one
 * row per journey instance that entered a split). Each method runs in the caller's transaction.
 */
@Repository
class ExperimentStore {

    /** An entry as stored. */
    record Entry(long id, String experimentKey, String journeyKey, String journeyInstanceId, String customerId,
            String variant, boolean holdout, Instant enteredAt) {
    }

    private final JdbcClient jdbc;
    private final DatabaseTimestamps timestamps;

    ExperimentStore(JdbcClient jdbc, DatabaseTimestamps timestamps) {
        this.jdbc = jdbc;
        this.timestamps = timestamps;
    }

    Optional<Experiment> experiment(String key) {
        return jdbc.sql("select * from sf_experiment where experiment_key = ?").param(key)
                .query(ExperimentStore::experiment).optional();
    }

    /** Creates the experiment as RUNNING, or reads it when another entry created it first. */
    Experiment create(String key, String journeyKey, Instant now) {
        try {
            jdbc.sql("""
                    insert into sf_experiment (experiment_key, journey_key, created_at, status)
                    values (?, ?, ?, ?)""").params(key, journeyKey, timestamps.of(now), Status.RUNNING.name()).update();
        } catch (DuplicateKeyException createdMeanwhile) {
            // another node's entry created it first: read theirs
        }
        return experiment(key).orElseThrow();
    }

    /** Remembers the split's paths as an entry saw them: the variants in their declared order, and the holdout. */
    void describe(String key, List<String> variants, String holdoutName) {
        jdbc.sql("update sf_experiment set variants = ?, holdout_name = ? where experiment_key = ?")
                .params(String.join("\n", variants), holdoutName, key).update();
    }

    /** The experiments, oldest first; of one journey when {@code journeyKey} is not null. */
    List<Experiment> experiments(String journeyKey) {
        return journeyKey == null
                ? jdbc.sql("select * from sf_experiment order by created_at, experiment_key")
                        .query(ExperimentStore::experiment).list()
                : jdbc.sql("select * from sf_experiment where journey_key = ? order by created_at, experiment_key")
                        .param(journeyKey).query(ExperimentStore::experiment).list();
    }

    /** The decision, only while the experiment still runs (the auto-winner's); false when it no longer does. */
    boolean decideIfRunning(String key, String winner, String decision, Instant now) {
        return jdbc.sql("""
                update sf_experiment set status = ?, winner = ?, decided_at = ?, decision = ?
                where experiment_key = ? and status = ?""")
                .params(Status.DECIDED.name(), winner, timestamps.of(now), decision, key, Status.RUNNING.name())
                .update() == 1;
    }

    /** Records the decision; false when there is no such experiment. */
    boolean decide(String key, Status status, String winner, String decision, Instant now) {
        return jdbc.sql("""
                update sf_experiment set status = ?, winner = ?, decided_at = ?, decision = ?
                where experiment_key = ?""")
                .params(status.name(), winner, timestamps.of(now), decision, key).update() == 1;
    }

    /** The entry this journey instance made in the experiment, if it passed the split before. */
    Optional<Entry> entryOf(String key, String journeyInstanceId) {
        return jdbc.sql("select * from sf_experiment_entry where experiment_key = ? and journey_instance_id = ?")
                .params(key, journeyInstanceId).query(ExperimentStore::entry).optional();
    }

    /** The customer's first entry of the experiment, in any journey instance and version. */
    Optional<Entry> firstEntry(String key, String customerId) {
        return jdbc.sql("""
                select * from sf_experiment_entry where customer_id = ? and experiment_key = ?
                order by entered_at, id limit 1""")
                .params(customerId, key).query(ExperimentStore::entry).optional();
    }

    void insertEntry(String key, String journeyKey, String journeyInstanceId, String customerId, String variant,
            boolean holdout, Instant now) {
        jdbc.sql("""
                insert into sf_experiment_entry (experiment_key, journey_key, journey_instance_id, customer_id, variant,
                                                 holdout, entered_at)
                values (?, ?, ?, ?, ?, ?, ?)""")
                .params(key, journeyKey, journeyInstanceId, customerId, variant, holdout, timestamps.of(now))
                .update();
    }

    /** How many entries each path of the experiment has, by variant name, the holdout's included. */
    Map<String, Long> entriesByVariant(String key) {
        Map<String, Long> counts = new LinkedHashMap<>();
        jdbc.sql("""
                select variant, count(*) from sf_experiment_entry where experiment_key = ?
                group by variant order by variant""").param(key)
                .query((rs, row) -> counts.put(rs.getString(1), rs.getLong(2))).list();
        return counts;
    }

    /** The customer's entries, oldest first. */
    List<Entry> entriesOf(String customerId) {
        return jdbc.sql("select * from sf_experiment_entry where customer_id = ? order by entered_at, id")
                .param(customerId).query(ExperimentStore::entry).list();
    }

    /** Gives the customer's entries the anonymous id, so that the experiment's counts stay; how many. */
    int anonymise(String customerId, String anonymousId) {
        return jdbc.sql("update sf_experiment_entry set customer_id = ? where customer_id = ?")
                .params(anonymousId, customerId).update();
    }

    private static Experiment experiment(ResultSet rs, int row) throws SQLException {
        return new Experiment(rs.getString("experiment_key"), rs.getString("journey_key"),
                instant(rs.getTimestamp("created_at")), Status.valueOf(rs.getString("status")), rs.getString("winner"),
                instant(rs.getTimestamp("decided_at")), rs.getString("decision"),
                rs.getString("variants") == null || rs.getString("variants").isEmpty() ? List.of()
                        : List.of(rs.getString("variants").split("\n")),
                rs.getString("holdout_name"));
    }

    private static Entry entry(ResultSet rs, int row) throws SQLException {
        return new Entry(rs.getLong("id"), rs.getString("experiment_key"), rs.getString("journey_key"),
                rs.getString("journey_instance_id"), rs.getString("customer_id"), rs.getString("variant"),
                rs.getBoolean("holdout"), instant(rs.getTimestamp("entered_at")));
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
