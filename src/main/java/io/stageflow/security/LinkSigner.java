package io.stageflow.security;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Signs what the links in an email carry (an address hash, an outbox row), so that a link cannot be forged or
 * pointed at someone else. HMAC-SHA256 with a key generated once and kept in the database, shared by every node.
 */
@Component
public class LinkSigner {

    private static final String KEY_NAME = "unsubscribe-links";
    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder URL_DECODER = Base64.getUrlDecoder();

    private final JdbcClient jdbc;
    private final Clock clock;
    private volatile byte[] key;
    private volatile Mac prototype;

    public LinkSigner(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** {@code payload.signature}, URL-safe. */
    public String sign(String payload) {
        return payload + "." + URL.encodeToString(mac(payload));
    }

    /** The payload of a token {@link #sign} made, if the signature is genuine. */
    public Optional<String> verify(String token) {
        int dot = token.lastIndexOf('.');
        if (dot <= 0 || token.length() > 300) {
            return Optional.empty();
        }
        String payload = token.substring(0, dot);
        try {
            return MessageDigest.isEqual(mac(payload), URL_DECODER.decode(token.substring(dot + 1)))
                    ? Optional.of(payload) : Optional.empty();
        } catch (IllegalArgumentException malformed) {
            return Optional.empty();
        }
    }

    /**
     * A keyed hash of a value that must not be stored in clear, such as the address a change came from in the
     * audit log: the same value gives the same fingerprint on every node, and no one without the key can test a
     * guess (there are only four billion IPv4 addresses to try against a plain hash).
     */
    public String fingerprint(String value) {
        return URL.encodeToString(mac("fingerprint:" + value));
    }

    public static String encode(byte[] bytes) {
        return URL.encodeToString(bytes);
    }

    public static byte[] decode(String text) {
        return URL_DECODER.decode(text);
    }

    /**
     * The payload's HMAC, from a copy of one keyed {@link Mac}: looking the algorithm up and keying it for every
     * open pixel and tracked click cost more than the HMAC itself.
     */
    private byte[] mac(String payload) {
        Mac keyed = prototype;
        if (keyed == null) {
            keyed = newMac();
            prototype = keyed;
        }
        Mac mac;
        try {
            mac = (Mac) keyed.clone();
        } catch (CloneNotSupportedException e) {
            mac = newMac();
        }
        return mac.doFinal(payload.getBytes(StandardCharsets.UTF_8));
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key(), "HmacSHA256"));
            return mac;
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
