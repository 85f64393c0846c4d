package io.stageflow.testing;

import java.io.InputStream;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Base64;

/**
 * The tests' stand-ins for the mail providers' signing keys ({@code src/test/resources/bounces/webhook-test-keys.p12},
 * made with keytool): an RSA key and self-signed certificate playing Amazon SNS's, and an EC P-256 key playing
 * SendGrid's. The application under test is configured with their public halves; tests sign with the private ones.
 */
public final class WebhookTestKeys {

    public static final String MAILGUN_SIGNING_KEY = "key-test-mailgun-signing-0123456789abcdef";
    public static final String POSTMARK_USER = "postmark-hook";
    public static final String POSTMARK_PASSWORD = "postmark-test-secret";
    public static final String SES_TOPIC = "arn:aws:sns:us-east-1:123456789012:ses-bounces";

    private static final char[] PASSWORD = "test-only".toCharArray();

    private WebhookTestKeys() {
    }

    public static PrivateKey snsPrivateKey() {
        return (PrivateKey) entry("sns", true);
    }

    public static X509Certificate snsCertificate() {
        return (X509Certificate) entry("sns", false);
    }

    public static PrivateKey sendGridPrivateKey() {
        return (PrivateKey) entry("sendgrid", true);
    }

    /** SendGrid's verification key as its console shows it: the public key, base64 (X.509 SubjectPublicKeyInfo). */
    public static String sendGridVerificationKey() {
        return Base64.getEncoder().encodeToString(((X509Certificate) entry("sendgrid", false)).getPublicKey()
                .getEncoded());
    }

    private static Object entry(String alias, boolean privateKey) {
        try (InputStream in = WebhookTestKeys.class.getResourceAsStream("/bounces/webhook-test-keys.p12")) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, PASSWORD);
            return privateKey ? store.getKey(alias, PASSWORD) : store.getCertificate(alias);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot read the webhook test keys", e);
        }
    }
}
