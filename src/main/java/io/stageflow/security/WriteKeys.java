package io.stageflow.security;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.stageflow.support.Sha256;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Issues, checks and revokes the write keys that integrations authenticate ingestion with. A key is 190 random
 * bits, so a plain SHA-256 of it is a safe, indexable fingerprint; the key itself is never stored.
 */
@Service
public class WriteKeys {

    private static final String PREFIX = "sfk_";
    private static final char[] ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789".toCharArray();
    private static final int RANDOM_CHARS = 33;

    private final WriteKeyStore store;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    WriteKeys(WriteKeyStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Creates a key of this kind; the returned secret is the only copy there will ever be. */
    @Transactional
    public Issued issue(String name, WriteKey.Kind kind) {
        StringBuilder secret = new StringBuilder(PREFIX);
        for (int i = 0; i < RANDOM_CHARS; i++) {
            secret.append(ALPHABET[random.nextInt(ALPHABET.length)]);
        }
        String key = secret.toString();
        WriteKey writeKey = new WriteKey(UUID.randomUUID().toString(), name, kind, key.substring(0, PREFIX.length() + 4),
                clock.instant(), null);
        store.insert(writeKey, Sha256.hex(key));
        return new Issued(writeKey, key);
    }

    /** The active key this secret belongs to, if any. */
    @Transactional(readOnly = true)
    public Optional<WriteKey> authenticate(String secret) {
        if (secret == null || !secret.startsWith(PREFIX) || secret.length() > 100) {
            return Optional.empty();
        }
        return store.findActiveByHash(Sha256.hex(secret));
    }

    @Transactional(readOnly = true)
    public List<WriteKey> list() {
        return store.findAll();
    }

    /** Revokes the key at once, on every node; false when no active key has this id. */
    @Transactional
    public boolean revoke(String id) {
        return store.revoke(id, clock.instant());
    }

    /** A newly issued key and its secret. */
    public record Issued(WriteKey writeKey, String key) {
    }
}
