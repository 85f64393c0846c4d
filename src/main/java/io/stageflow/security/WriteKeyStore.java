package io.stageflow.security;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL over {@code sf_write_key}. */
@Repository
class WriteKeyStore {

    private final JdbcClient jdbc;

    WriteKeyStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(WriteKey key, String keyHash) {
        jdbc.sql("insert into sf_write_key (id, name, kind, key_hash, key_hint, created_at) values (?, ?, ?, ?, ?, ?)")
                .params(key.id(), key.name(), key.kind().name(), keyHash, key.keyHint(), Timestamp.from(key.createdAt()))
                .update();
    }

    Optional<WriteKey> findActiveByHash(String keyHash) {
        return jdbc.sql("select * from sf_write_key where key_hash = ? and revoked_at is null")
                .param(keyHash).query(this::map).optional();
    }

    List<WriteKey> findAll() {
        return jdbc.sql("select * from sf_write_key order by created_at").query(this::map).list();
    }

    boolean revoke(String id, Instant now) {
        return jdbc.sql("update sf_write_key set revoked_at = ? where id = ? and revoked_at is null")
                .params(Timestamp.from(now), id).update() == 1;
    }

    private WriteKey map(ResultSet rs, int row) throws SQLException {
        Timestamp revoked = rs.getTimestamp("revoked_at");
        return new WriteKey(rs.getString("id"), rs.getString("name"), WriteKey.Kind.valueOf(rs.getString("kind")),
                rs.getString("key_hint"),
                rs.getTimestamp("created_at").toInstant(), revoked == null ? null : revoked.toInstant());
    }
}
