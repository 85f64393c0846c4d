package io.stageflow.webhooks;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs a call as the Standard Webhooks specification says (standardwebhooks.com): HMAC-SHA256 over
 * {@code <webhook-id>.<webhook-timestamp>.<body>} with the secret's bytes (the base64 after {@code whsec_}), sent as
 * {@code webhook-signature: v1,<base64>}, one such entry per secret, separated by spaces.
 */
final class StandardWebhooks {

    static final String PREFIX = "whsec_";

    private StandardWebhooks() {
    }

    /** The {@code webhook-signature} header's value: a {@code v1,} signature for each secret. */
    static String signature(List<String> secrets, String id, long timestamp, String body) {
        return secrets.stream().map(secret -> "v1," + sign(secret, id, timestamp, body))
                .collect(Collectors.joining(" "));
    }

    /** One signature, base64. */
    static String sign(String secret, String id, long timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key(secret), "HmacSHA256"));
            byte[] signed = mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(signed);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }

    /** The secret's key bytes; a secret not in the {@code whsec_<base64>} form is refused. */
    static byte[] key(String secret) {
        if (secret == null || !secret.startsWith(PREFIX)) {
            throw new IllegalArgumentException("a signing secret must look like whsec_<base64>");
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(secret.substring(PREFIX.length()));
        } catch (IllegalArgumentException notBase64) {
            throw new IllegalArgumentException("a signing secret must look like whsec_<base64>", notBase64);
        }
        if (key.length < 24) {
            throw new IllegalArgumentException("a signing secret must hold at least 24 random bytes");
        }
        return key;
    }
}
