package io.stageflow.webhooks;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The endpoints journeys may call ({@code stageflow.webhooks.*}). A "Call webhook" step names an endpoint; it never
 * carries a URL, so a diagram cannot send customer data anywhere an operator did not configure. Every endpoint's host
 * must also be in {@code allowed-hosts}, and an endpoint whose host resolves to a private, loopback or link-local
 * address is refused unless {@code allow-private-addresses} says otherwise: no server-side request forgery.
 *
 * @param endpoints             the endpoints by name (lower-case letters, digits and hyphens)
 * @param allowedHosts          the hosts endpoints may point at: a name ({@code crm.example.com}) or a wildcard for its
 *                              subdomains ({@code *.example.com}); an endpoint elsewhere is refused at startup
 * @param allowPrivateAddresses whether an endpoint may resolve to a private, loopback or link-local address (an
 *                              internal service on the same network); off by default
 * @param connectTimeout        how long a connection may take to open
 * @param timeout               how long the whole call may take; a call cut off after the request left is repeated
 *                              with the same {@code webhook-id}
 */
@ConfigurationProperties("stageflow.webhooks")
public record WebhooksProperties(
        @DefaultValue Map<String, Endpoint> endpoints,
        @DefaultValue List<String> allowedHosts,
        @DefaultValue("false") boolean allowPrivateAddresses,
        @DefaultValue("PT5S") Duration connectTimeout,
        @DefaultValue("PT10S") Duration timeout) {

    /**
     * One endpoint.
     *
     * @param url     where the JSON body is POSTed: {@code https://} (or {@code http://} for a private address allowed
     *                above)
     * @param secrets its signing secrets in the Standard Webhooks form {@code whsec_<base64>}: each call is signed with
     *                every one of them, so a receiver can move to a new secret while the old one still verifies
     *                (rotation: add the new one, let the receiver switch, remove the old one)
     */
    public record Endpoint(String url, @DefaultValue List<String> secrets) {
    }
}
