package io.stageflow.segments;

import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A segment as the API shows it. {@code source} is {@code api}, or the file it comes from (such as
 * {@code segments/vip-lapsed.json}), which only a change to that file can change.
 */
record StoredSegment(String key, String name, JsonNode rule, String source, Instant createdAt, Instant updatedAt) {

    static final String API = "api";

    boolean fromFile() {
        return !API.equals(source);
    }
}
