package io.stageflow.security;

import java.time.Instant;
import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

/** An ingestion credential as listed to admins: never the key itself, only a hint of its start. */
public record WriteKey(String id, String name, Kind kind, String keyHint, Instant createdAt, Instant revokedAt) {

    /**
     * What a key may do, chosen when it is issued. A server key lives in the business's own backend, so it has every
     * ingestion power. A browser key is public (it ships in web pages and apps, where anyone can read it), so it may
     * only add to what Stageflow knows: track, page and screen calls, and identify calls for anonymous or new
     * profiles. It never changes a known customer, never aliases (which merges profiles), and cannot use
     * {@code /api/**} at all.
     */
    public enum Kind {
        SERVER, BROWSER;

        /** As the API writes and reads it: {@code server} or {@code browser}. */
        @JsonValue
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
