package io.stageflow.security;

import java.time.Instant;

/** An ingestion credential as listed to admins: never the key itself, only a hint of its start. */
public record WriteKey(String id, String name, String keyHint, Instant createdAt, Instant revokedAt) {
}
