package io.stageflow.templates;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Every version of every template part ({@code sf_template_version}), and which one each part publishes
 * ({@code sf_template}). A version is never changed once written. Adding one locks the part's row, so two
 * marketers saving at once are told apart: the second is refused as {@link NewerVersionException}, never merged.
 */
@Repository
class TemplateVersions {

    private static final TypeReference<TreeMap<String, String>> FILES = new TypeReference<>() {
    };
    private static final String HEADS = "select template_key, published_version, latest_version, file_version,"
            + " file_fingerprint, updated_at from sf_template";
    private static final String VERSIONS = "select template_key, version, origin, based_on, author, comment,"
            + " created_at, fingerprint from sf_template_version";

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final ObjectMapper json;
    private final Clock clock;

    TemplateVersions(JdbcClient jdbc, PlatformTransactionManager transactionManager, ObjectMapper json, Clock clock) {
        this.jdbc = jdbc;
        this.transactions = new TransactionTemplate(transactionManager);
        this.json = json;
        this.clock = clock;
    }

    /** Where a version came from: the templates folder, the console (or API), or a roll-back to an earlier one. */
    enum Origin {
        FILE, CONSOLE, ROLLBACK
    }

    /** One part's row: what it publishes, its newest version, and the last version read from the folder. */
    record Head(String key, Integer publishedVersion, int latestVersion, Integer fileVersion, String fileFingerprint,
            Instant updatedAt) {

        /** The folder changed after the console did, and the folder's version was kept back from publishing. */
        public boolean fileKeptBack() {
            return fileVersion != null && publishedVersion != null && fileVersion > publishedVersion;
        }
    }

    /** One version, without its files. */
    record Version(String key, int version, Origin origin, Integer basedOn, String author, String comment,
            Instant createdAt, String fingerprint) {
    }

    /** A new version to add: its files (relative to the part's folder), and who made it and why. */
    record Change(TemplatePart part, Map<String, String> files, Origin origin, Integer basedOn, String author,
            String comment) {
    }

    /** A version was added after the one the change was based on. */
    static final class NewerVersionException extends RuntimeException {

        private final transient Version newer;

        NewerVersionException(Version newer) {
            super("version " + newer.version() + " of " + newer.key() + " was saved by " + newer.author() + " at "
                    + newer.createdAt() + ", after the version your change is based on");
            this.newer = newer;
        }

        Version newer() {
            return newer;
        }
    }

    /** Each part's published version. */
    Map<String, Integer> published() {
        Map<String, Integer> published = new LinkedHashMap<>();
        jdbc.sql("select template_key, published_version from sf_template where published_version is not null")
                .query(rs -> {
                    published.put(rs.getString(1), rs.getInt(2));
                });
        return published;
    }

    List<Head> heads() {
        return jdbc.sql(HEADS + " order by template_key").query(TemplateVersions::head).list();
    }

    Optional<Head> head(String key) {
        return jdbc.sql(HEADS + " where template_key = ?").param(key).query(TemplateVersions::head).optional();
    }

    /** The part's versions, newest first. */
    List<Version> versions(String key) {
        return jdbc.sql(VERSIONS + " where template_key = ? order by version desc")
                .param(key).query(TemplateVersions::version).list();
    }

    Optional<Version> version(String key, int version) {
        return jdbc.sql(VERSIONS + " where template_key = ? and version = ?")
                .params(key, version).query(TemplateVersions::version).optional();
    }

    /** The files of one version, relative to the part's folder; empty when there is no such version. */
    Optional<Map<String, String>> files(String key, int version) {
        return jdbc.sql("select files from sf_template_version where template_key = ? and version = ?")
                .params(key, version).query((rs, row) -> readFiles(rs.getString(1))).optional();
    }

    /**
     * Adds {@code change} as the part's next version, and publishes it when {@code publish}. With
     * {@code expectedLatest} (the newest version the author saw: 0 for a new part) the change is refused when a newer
     * version exists, so nobody's edit is lost silently.
     *
     * @return the new version's number
     */
    int add(Change change, boolean publish, Integer expectedLatest) {
        return transactions.execute(status -> {
            Head head = lockedHead(change.part().key());
            if (expectedLatest != null && head.latestVersion() != expectedLatest) {
                throw new NewerVersionException(version(head.key(), head.latestVersion()).orElseThrow());
            }
            int next = insertVersion(head, change);
            Instant now = clock.instant();
            jdbc.sql("update sf_template set latest_version = ?, published_version = ?, updated_at = ?"
                            + " where template_key = ?")
                    .params(next, publish ? Integer.valueOf(next) : head.publishedVersion(), Timestamp.from(now),
                            head.key())
                    .update();
            return next;
        });
    }

    /**
     * Publishes an existing version, which must still be the newest ({@code NewerVersionException} names the one
     * that is). False when there is no such version.
     */
    boolean publish(String key, int version) {
        return Boolean.TRUE.equals(transactions.execute(status -> {
            Head head = lockedHead(key);
            if (version < 1 || version > head.latestVersion()) {
                return false;
            }
            if (version != head.latestVersion()) {
                throw new NewerVersionException(version(key, head.latestVersion()).orElseThrow());
            }
            jdbc.sql("update sf_template set published_version = ?, updated_at = ? where template_key = ?")
                    .params(version, Timestamp.from(clock.instant()), key).update();
            return true;
        }));
    }

    /** What reading a part from the templates folder did. */
    enum FileOutcome {
        /** The folder holds what was last read from it: nothing changed. */
        UNCHANGED,
        /** A new version from the folder, published. */
        PUBLISHED,
        /** A new version from the folder, kept back: the part was changed in the console after it was last read. */
        KEPT_BACK
    }

    /**
     * Records the part's files as read from the templates folder: unchanged since the last read, nothing happens; else
     * a new version, published unless a version made in the console (or rolled back to) is published, which a file
     * must never silently overwrite.
     */
    FileOutcome readFromFolder(TemplatePart part, Map<String, String> files, String author) {
        String fingerprint = TemplateFiles.fingerprint(files);
        return transactions.execute(status -> {
            Head head = lockedHead(part.key());
            if (fingerprint.equals(head.fileFingerprint())) {
                return FileOutcome.UNCHANGED;
            }
            boolean consoleIsLive = head.publishedVersion() != null
                    && !head.publishedVersion().equals(head.fileVersion());
            Change change = new Change(part, files, Origin.FILE, head.fileVersion(), author, consoleIsLive
                    ? "changed in " + part.label() + " while version " + head.publishedVersion()
                            + ", from the console, is published: kept back"
                    : "read from " + part.label());
            int next = insertVersion(head, change);
            jdbc.sql("update sf_template set latest_version = ?, published_version = ?, file_version = ?,"
                            + " file_fingerprint = ?, updated_at = ? where template_key = ?")
                    .params(next, consoleIsLive ? head.publishedVersion() : Integer.valueOf(next), next, fingerprint,
                            Timestamp.from(clock.instant()), part.key())
                    .update();
            return consoleIsLive ? FileOutcome.KEPT_BACK : FileOutcome.PUBLISHED;
        });
    }

    /**
     * Stops publishing a part whose folder was removed, unless a version from the console is published (then the
     * folder was not what it rendered from). True when the part is no longer published.
     */
    boolean removedFromFolder(TemplatePart part) {
        return jdbc.sql("update sf_template set published_version = null, file_fingerprint = null, updated_at = ?"
                        + " where template_key = ? and published_version = file_version")
                .params(Timestamp.from(clock.instant()), part.key()).update() > 0;
    }

    private Head lockedHead(String key) {
        Optional<Head> head = jdbc.sql(HEADS + " where template_key = ? for update").param(key)
                .query(TemplateVersions::head).optional();
        if (head.isPresent()) {
            return head.get();
        }
        try {
            jdbc.sql("insert into sf_template (template_key, latest_version, updated_at) values (?, 0, ?)")
                    .params(key, Timestamp.from(clock.instant())).update();
        } catch (DuplicateKeyException createdByAnotherNode) {
            // fine: lock the row it created
        }
        return jdbc.sql(HEADS + " where template_key = ? for update").param(key).query(TemplateVersions::head)
                .single();
    }

    private int insertVersion(Head head, Change change) {
        int next = head.latestVersion() + 1;
        jdbc.sql("insert into sf_template_version (template_key, version, origin, based_on, author, comment,"
                        + " created_at, fingerprint, files) values (?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(head.key(), next, change.origin().name(), change.basedOn(), truncate(change.author(), 100),
                        change.comment() == null ? null : truncate(change.comment(), 500),
                        Timestamp.from(clock.instant()), TemplateFiles.fingerprint(change.files()),
                        writeFiles(change.files()))
                .update();
        return next;
    }

    private String writeFiles(Map<String, String> files) {
        try {
            return json.writeValueAsString(new TreeMap<>(files));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("template files cannot be written as JSON", e);
        }
    }

    private Map<String, String> readFiles(String text) {
        try {
            return json.readValue(text, FILES);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored template version's files cannot be read", e);
        }
    }

    private static String truncate(String text, int length) {
        return text.length() <= length ? text : text.substring(0, length);
    }

    private static Head head(ResultSet rs, int row) throws SQLException {
        return new Head(rs.getString(1), rs.getObject(2, Integer.class), rs.getInt(3),
                rs.getObject(4, Integer.class), rs.getString(5), rs.getTimestamp(6).toInstant());
    }

    private static Version version(ResultSet rs, int row) throws SQLException {
        return new Version(rs.getString(1), rs.getInt(2), Origin.valueOf(rs.getString(3)),
                rs.getObject(4, Integer.class), rs.getString(5), rs.getString(6), rs.getTimestamp(7).toInstant(),
                rs.getString(8));
    }
}
