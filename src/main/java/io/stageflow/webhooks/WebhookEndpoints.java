package io.stageflow.webhooks;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The configured webhook endpoints, checked when the application starts (a name, an {@code https} URL on an allowed
 * host, signing secrets in the Standard Webhooks form), and which of them a {@code 410 Gone} disabled. Before each
 * call the endpoint's host is resolved and refused if any address is private, loopback, link-local or otherwise not
 * public, unless private addresses are allowed: the allow-list decides where calls may go, this decides that a
 * name on it cannot be pointed inside the network.
 */
@Component
public class WebhookEndpoints {

    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,59}");

    private final Map<String, WebhooksProperties.Endpoint> endpoints;
    private final WebhooksProperties settings;
    private final JdbcClient jdbc;
    private final Clock clock;

    WebhookEndpoints(WebhooksProperties settings, JdbcClient jdbc, Clock clock) {
        this.settings = settings;
        this.jdbc = jdbc;
        this.clock = clock;
        this.endpoints = new TreeMap<>(settings.endpoints());
        List<String> problems = new ArrayList<>();
        endpoints.forEach((name, endpoint) -> {
            String problem = configurationProblem(name, endpoint);
            if (problem != null) {
                problems.add("stageflow.webhooks.endpoints." + name + ": " + problem);
            }
        });
        if (!problems.isEmpty()) {
            throw new IllegalStateException("Webhook endpoints that cannot be used: " + String.join("; ", problems));
        }
    }

    /** The names of the configured endpoints, sorted. */
    public List<String> names() {
        return List.copyOf(endpoints.keySet());
    }

    /** Why no step can call endpoint {@code name}, or null when one can (checked at deploy). */
    public String problemWith(String name) {
        if (name == null || name.isBlank()) {
            return "names no endpoint";
        }
        if (!endpoints.containsKey(name.strip())) {
            return "names endpoint '" + name.strip() + "', which is not configured"
                    + (endpoints.isEmpty() ? " (none is: set stageflow.webhooks.endpoints.<name>.url)"
                    : " (configured: " + String.join(", ", endpoints.keySet()) + ")");
        }
        return null;
    }

    Optional<WebhooksProperties.Endpoint> find(String name) {
        return Optional.ofNullable(endpoints.get(name));
    }

    private String configurationProblem(String name, WebhooksProperties.Endpoint endpoint) {
        if (!NAME.matcher(name).matches()) {
            return "a name has up to 60 lower-case letters, digits and hyphens";
        }
        URI url;
        try {
            url = URI.create(endpoint.url() == null ? "" : endpoint.url().strip());
        } catch (IllegalArgumentException e) {
            return "url is not a URL: " + e.getMessage();
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !(scheme.equals("http") && settings.allowPrivateAddresses())) {
            return "url must be https:// (http:// only with stageflow.webhooks.allow-private-addresses)";
        }
        if (url.getHost() == null || url.getUserInfo() != null) {
            return "url must name a host, and no user or password";
        }
        if (!hostAllowed(url.getHost())) {
            return "url's host " + url.getHost() + " is not in stageflow.webhooks.allowed-hosts";
        }
        if (endpoint.secrets().isEmpty()) {
            return "secrets: give at least one signing secret (whsec_<base64>)";
        }
        for (String secret : endpoint.secrets()) {
            try {
                StandardWebhooks.key(secret);
            } catch (IllegalArgumentException e) {
                return "secrets: " + e.getMessage();
            }
        }
        return null;
    }

    /** Whether {@code host} is on the allow-list: named, or under a {@code *.} wildcard. */
    boolean hostAllowed(String host) {
        String lower = host.toLowerCase(Locale.ROOT);
        for (String allowed : settings.allowedHosts()) {
            String entry = allowed.strip().toLowerCase(Locale.ROOT);
            if (entry.equals(lower) || entry.startsWith("*.") && lower.endsWith(entry.substring(1))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Why a call to this host must not be made now, or null: one of the addresses it resolves to is not public
     * (loopback, private, link-local, unique-local, multicast, unspecified) and private addresses are not allowed.
     */
    String addressProblem(String host) {
        if (settings.allowPrivateAddresses()) {
            return null;
        }
        try {
            for (InetAddress address : InetAddress.getAllByName(host)) {
                if (!isPublic(address)) {
                    return "its host " + host + " resolves to " + address.getHostAddress()
                            + ", which is not a public address";
                }
            }
            return null;
        } catch (UnknownHostException e) {
            return null; // the call fails to connect, and is retried: DNS may be back
        }
    }

    static boolean isPublic(InetAddress address) {
        if (address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress()
                || address.isAnyLocalAddress() || address.isMulticastAddress()) {
            return false;
        }
        byte[] bytes = address.getAddress();
        if (bytes.length == 16) {
            return (bytes[0] & 0xfe) != 0xfc; // fc00::/7, unique local
        }
        int first = bytes[0] & 0xff;
        int second = bytes[1] & 0xff;
        return !(first == 100 && second >= 64 && second < 128) // 100.64/10, carrier-grade NAT
                && first != 0;
    }

    /** Whether a 410 disabled the endpoint. */
    boolean disabled(String name) {
        return jdbc.sql("select count(*) from sf_webhook_endpoint where name = ?").param(name).query(Long.class)
                .single() > 0;
    }

    /** Disables the endpoint (it answered 410 Gone); later calls to it fail at once, without a request. */
    void disable(String name, String reason) {
        try {
            jdbc.sql("insert into sf_webhook_endpoint (name, disabled_at, reason) values (?, ?, ?)")
                    .params(name, Timestamp.from(clock.instant()), reason.length() <= 500 ? reason
                            : reason.substring(0, 500)).update();
        } catch (DuplicateKeyException alreadyDisabled) {
            // another call saw the 410 first
        }
    }

    /** Enables an endpoint a 410 disabled; true when it was disabled. */
    public boolean enable(String name) {
        return jdbc.sql("delete from sf_webhook_endpoint where name = ?").param(name).update() == 1;
    }
}
