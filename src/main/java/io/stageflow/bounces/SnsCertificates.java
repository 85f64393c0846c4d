package io.stageflow.bounces;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import org.springframework.stereotype.Component;

/**
 * The certificates Amazon SNS signs its messages with, fetched over HTTPS from the URL a message names, and only
 * from Amazon's SNS hosts ({@code https://sns.<region>.amazonaws.com/….pem}): a message naming any other URL is
 * forged. TLS to that host is what vouches for the certificate. Each is fetched once and kept.
 */
@Component
class SnsCertificates {

    private static final Pattern AMAZON_SNS_HOST = Pattern.compile("sns\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?");

    private final Map<String, X509Certificate> known = new ConcurrentHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    /** The certificate at this URL, when the URL is Amazon's and the certificate could be had. */
    Optional<X509Certificate> at(String url) {
        if (!isAmazonSns(url)) {
            return Optional.empty();
        }
        X509Certificate cached = known.get(url);
        if (cached != null) {
            return Optional.of(cached);
        }
        try {
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(20)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                return Optional.empty();
            }
            X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(response.body()));
            known.put(url, certificate);
            return Optional.of(certificate);
        } catch (IOException | CertificateException | IllegalArgumentException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** Keeps a certificate for a URL of Amazon's, as if fetched: for a test, which cannot reach Amazon. */
    void remember(String url, X509Certificate certificate) {
        if (!isAmazonSns(url)) {
            throw new IllegalArgumentException("Not an Amazon SNS certificate URL: " + url);
        }
        known.put(url, certificate);
    }

    /** Whether a URL is on one of Amazon SNS's HTTPS hosts. */
    static boolean isAmazonSns(String url) {
        try {
            URI uri = URI.create(url);
            return "https".equals(uri.getScheme()) && uri.getHost() != null && uri.getPort() == -1
                    && uri.getUserInfo() == null && AMAZON_SNS_HOST.matcher(uri.getHost()).matches();
        } catch (IllegalArgumentException | NullPointerException malformed) {
            return false;
        }
    }
}
