package io.stageflow.messaging;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Signed unsubscribe links. A token carries the SHA-256 of the recipient's address (what the suppression list
 * keys on, and no internal id), the day it was issued, and an HMAC-SHA256 over both, so it cannot be forged or
 * pointed at another address. The key is generated once and kept in the database, shared by every node.
 */
@Component
class UnsubscribeLinks {

    private static final String KEY_NAME = "unsubscribe-links";
    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder URL_DECODER = Base64.getUrlDecoder();

    private final JdbcClient jdbc;
    private final Clock clock;
    private final Duration validity;
    private final String baseUrl;
    private volatile byte[] key;

    UnsubscribeLinks(JdbcClient jdbc, Clock clock, MessagingProperties properties) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.validity = properties.unsubscribe().linkValidity();
        this.baseUrl = properties.publicUrl().replaceAll("/+$", "");
    }

    /** The one-click unsubscribe URL for this address. */
    String unsubscribeUrlFor(String email) {
        return baseUrl + UnsubscribeController.PATH + tokenFor(email);
    }

    /** The page where the recipient of this address chooses which email categories they receive. */
    String preferencesUrlFor(String email) {
        return unsubscribeUrlFor(email) + UnsubscribeController.PREFERENCES;
    }

    /** A token for this address, valid for {@code unsubscribe.link-validity}. */
    String tokenFor(String email) {
        String addressHash = URL.encodeToString(HexFormat.of().parseHex(Suppressions.hash(email)));
        String payload = addressHash + "." + Long.toString(clock.instant().getEpochSecond() / 86_400, 36);
        return payload + "." + URL.encodeToString(sign(payload));
    }

    /** The suppression-list hash of the address the token was made for, if the token is genuine and current. */
    Optional<String> addressHashOf(String token) {
        String[] parts = token.split("\\.");
        if (parts.length != 3 || token.length() > 200) {
            return Optional.empty();
        }
        try {
            String payload = parts[0] + "." + parts[1];
            if (!MessageDigest.isEqual(sign(payload), URL_DECODER.decode(parts[2]))) {
                return Optional.empty();
            }
            long issuedDay = Long.parseLong(parts[1], 36);
            long today = clock.instant().getEpochSecond() / 86_400;
            if (today - issuedDay > validity.toDays()) {
                return Optional.empty();
            }
            return Optional.of(HexFormat.of().formatHex(URL_DECODER.decode(parts[0])));
        } catch (IllegalArgumentException malformed) {
            return Optional.empty();
        }
    }

    private byte[] sign(String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key(), "HmacSHA256"));
            return mac.doFinal(payload.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private byte[] key() {
        byte[] current = key;
        if (current == null) {
            current = loadOrCreateKey();
            key = current;
        }
        return current;
    }

    private byte[] loadOrCreateKey() {
        Optional<String> stored = storedKey();
        if (stored.isEmpty()) {
            byte[] fresh = new byte[32];
            new SecureRandom().nextBytes(fresh);
            try {
                jdbc.sql("insert into sf_secret (name, secret_value, created_at) values (?, ?, ?)")
                        .params(KEY_NAME, HexFormat.of().formatHex(fresh), Timestamp.from(clock.instant())).update();
            } catch (DuplicateKeyException anotherNodeWasFirst) {
                // use the one it stored
            }
            stored = storedKey();
        }
        return HexFormat.of().parseHex(stored.orElseThrow());
    }

    private Optional<String> storedKey() {
        return jdbc.sql("select secret_value from sf_secret where name = ?").param(KEY_NAME)
                .query(String.class).optional();
    }
}
