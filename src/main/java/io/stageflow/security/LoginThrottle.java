package io.stageflow.security;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.security.web.util.matcher.IpAddressMatcher;
import org.springframework.stereotype.Component;

/**
 * Slows password guessing down without letting anyone lock a user out. Failures are counted per user and client
 * address; after {@code free-failures} of them that address must wait before it may try that user again, for
 * {@code first-delay}, doubling with each further failure up to {@code max-delay}. A success clears the count, and
 * a count nobody added to for {@code forget-after} is forgotten. Other addresses are not affected, so the real user
 * still signs in while someone guesses, and addresses in {@code trusted-addresses} (loopback by default) are never
 * throttled, so the admin can always sign in from the server itself.
 * <p>
 * The counts live in this node's memory, in a cache of at most {@code max-tracked} entries that keeps the most
 * frequently used ones (Caffeine's W-TinyLFU), so spraying user names neither grows memory nor easily evicts the
 * count of the user under attack. IPv6 clients are counted by their /64 network, which one client usually owns whole.
 */
@Component
public class LoginThrottle {

    private final Settings settings;
    private final Clock clock;
    private final List<IpAddressMatcher> trusted;
    private final Cache<String, Failures> failures;

    LoginThrottle(Settings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.trusted = settings.trustedAddresses().stream().map(IpAddressMatcher::new).toList();
        this.failures = Caffeine.newBuilder().maximumSize(settings.maxTracked())
                .expireAfterWrite(settings.forgetAfter().plus(settings.maxDelay())).build();
    }

    /** How long this address must still wait before it may try this user's password, or empty when it may now. */
    public Optional<Duration> refusal(LoginAttempt attempt) {
        if (isTrusted(attempt)) {
            return Optional.empty();
        }
        Failures counted = failures.getIfPresent(key(attempt));
        Instant now = clock.instant();
        if (counted == null || isForgotten(counted, now)) {
            return Optional.empty();
        }
        Instant until = counted.last().plus(delayAfter(counted.count()));
        return until.isAfter(now) ? Optional.of(Duration.between(now, until)) : Optional.empty();
    }

    /**
     * Starts a password check: refuses it, as {@link #refusal} would, or counts it as a failure until
     * {@link #succeeded} says otherwise. Both in one step, so guesses sent in parallel cannot all slip in before
     * the first of them is counted.
     */
    public Optional<Duration> begin(LoginAttempt attempt) {
        if (isTrusted(attempt)) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Duration[] wait = new Duration[1];
        failures.asMap().compute(key(attempt), (key, counted) -> {
            if (counted == null || isForgotten(counted, now)) {
                return new Failures(1, now);
            }
            Instant until = counted.last().plus(delayAfter(counted.count()));
            if (until.isAfter(now)) {
                wait[0] = Duration.between(now, until);
                return counted;
            }
            return new Failures(counted.count() + 1, now);
        });
        return Optional.ofNullable(wait[0]);
    }

    /** The password was right: clears the count of this address for this user. */
    public void succeeded(LoginAttempt attempt) {
        failures.invalidate(key(attempt));
    }

    /** How many (user, address) counts this node holds now (at most {@code max-tracked}, once the cache has tidied up). */
    long tracked() {
        failures.cleanUp();
        return failures.estimatedSize();
    }

    /** Answers a throttled sign-in: {@code 429} problem+json with {@code Retry-After}. */
    public void refuse(HttpServletRequest request, HttpServletResponse response, Duration retryAfter)
            throws IOException {
        ProblemResponses.tooManySignIns(request, response, retryAfter);
    }

    /**
     * From a trusted address, and not relayed by a proxy the server was not told about (a request that still
     * carries a forwarding header came through a proxy, so its address is the proxy's, not the client's).
     */
    private boolean isTrusted(LoginAttempt attempt) {
        if (attempt.address() == null) {
            return false;
        }
        return !attempt.forwarded() && trusted.stream().anyMatch(range -> range.matches(attempt.address()));
    }

    private Duration delayAfter(int count) {
        int over = count - settings.freeFailures();
        if (over < 0) {
            return Duration.ZERO;
        }
        if (over >= 30) {
            return settings.maxDelay();
        }
        Duration delay = settings.firstDelay().multipliedBy(1L << over);
        return delay.compareTo(settings.maxDelay()) > 0 ? settings.maxDelay() : delay;
    }

    private boolean isForgotten(Failures counted, Instant now) {
        Duration keep = settings.forgetAfter().plus(delayAfter(counted.count()));
        return counted.last().plus(keep).isBefore(now);
    }

    private static String key(LoginAttempt attempt) {
        String user = attempt.user() == null ? "" : attempt.user().toLowerCase(Locale.ROOT);
        return user + '\n' + network(attempt.address());
    }

    /** The address, or for IPv6 its /64 network. */
    private static String network(String address) {
        if (address == null || address.indexOf(':') < 0) {
            return String.valueOf(address);
        }
        try {
            byte[] bytes = InetAddress.getByName(address).getAddress(); // an IPv6 literal: no name lookup
            return bytes.length == 16 ? HexFormat.of().formatHex(bytes, 0, 8) + "::/64" : address;
        } catch (UnknownHostException notAnAddress) {
            return address;
        }
    }

    private record Failures(int count, Instant last) {
    }

    /**
     * {@code stageflow.security.login.*}: when sign-ins from one address for one user are slowed down, and which
     * addresses never are.
     *
     * @param freeFailures     wrong passwords for a user from one address before that address must wait
     * @param firstDelay       the first wait, doubling with each further failure
     * @param maxDelay         the longest wait
     * @param forgetAfter      how long an idle count of failures is kept
     * @param maxTracked       (user, address) pairs kept in memory per node; the least used go first
     * @param trustedAddresses addresses (CIDR) never throttled, so the admin can always sign in from there
     */
    @ConfigurationProperties("stageflow.security.login")
    record Settings(
            @DefaultValue("5") int freeFailures,
            @DefaultValue("PT2S") Duration firstDelay,
            @DefaultValue("PT15M") Duration maxDelay,
            @DefaultValue("PT1H") Duration forgetAfter,
            @DefaultValue("100000") long maxTracked,
            @DefaultValue({"127.0.0.0/8", "::1"}) List<String> trustedAddresses) {
    }
}
