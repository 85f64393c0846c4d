package io.stageflow.web;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Where recipients reach this installation, and how large a request body may be ({@code stageflow.web.*}).
 *
 * @param publicUrl            the address the links in email (unsubscribe, preferences, surveys, referral links)
 *                             point to; the embedded profile sets it to {@code http://localhost:<server.port>}
 * @param maxRequestSize       the largest body Stageflow's API ({@code /api/}) reads
 * @param otherMaxRequestSize  the largest body every other path (deployments, webapps) reads
 * @param importMaxRequestSize the largest customer import upload ({@code POST /api/v1/imports}, and the console's)
 */
@ConfigurationProperties("stageflow.web")
public record WebProperties(
        String publicUrl,
        @DefaultValue("1MB") DataSize maxRequestSize,
        @DefaultValue("10MB") DataSize otherMaxRequestSize,
        @DefaultValue("1GB") DataSize importMaxRequestSize) {

    public WebProperties {
        if (publicUrl == null || publicUrl.isBlank()) {
            throw new IllegalArgumentException("stageflow.web.public-url must say where recipients reach this"
                    + " installation, e.g. https://stageflow.shop.example");
        }
    }

    /** {@link #publicUrl()} without a trailing slash, to append paths to. */
    public String baseUrl() {
        return publicUrl.replaceAll("/+$", "");
    }
}
