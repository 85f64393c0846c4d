package io.stageflow.sms;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Twilio's webhook signature ({@code X-Twilio-Signature}): the Base64 HMAC-SHA1, keyed with the account's auth token,
 * of the full URL Twilio called followed by each POST parameter, sorted by name, as its name and its value run
 * together. Only a caller who holds the auth token can make one.
 */
final class TwilioSignature {

    static final String HEADER = "X-Twilio-Signature";

    private TwilioSignature() {
    }

    /** The signature of a call to {@code url} with these form parameters. */
    static String sign(String authToken, String url, Map<String, List<String>> params) {
        StringBuilder data = new StringBuilder(url);
        new TreeMap<>(params).forEach((name, values) -> {
            List<String> sorted = new ArrayList<>(values);
            sorted.sort(null);
            sorted.forEach(value -> data.append(name).append(value));
        });
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(authToken.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(data.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA1 is missing", e);
        }
    }

    /** Whether {@code claimed} is the signature of this call; compared in constant time. */
    static boolean verifies(String authToken, String url, Map<String, List<String>> params, String claimed) {
        if (claimed == null || claimed.isBlank()) {
            return false;
        }
        return MessageDigest.isEqual(sign(authToken, url, params).getBytes(StandardCharsets.US_ASCII),
                claimed.strip().getBytes(StandardCharsets.US_ASCII));
    }
}
