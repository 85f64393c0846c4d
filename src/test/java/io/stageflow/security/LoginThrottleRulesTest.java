package io.stageflow.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** The throttle's rules on their own, on a clock the test moves: who is counted together, and for how long. */
class LoginThrottleRulesTest {

    private final MovableClock clock = new MovableClock();
    private final LoginThrottle throttle = new LoginThrottle(new LoginThrottle.Settings(3, Duration.ofSeconds(2),
            Duration.ofSeconds(10), Duration.ofHours(1), 1000, List.of("127.0.0.0/8", "::1", "10.1.0.0/16")), clock);

    @Test
    void theWaitDoublesUpToTheCapAndASuccessClearsIt() {
        LoginAttempt guess = new LoginAttempt("ada", "203.0.113.9", false);

        fail(guess, 2);
        assertThat(throttle.refusal(guess)).as("still free").isEmpty();
        fail(guess, 1);
        assertThat(throttle.refusal(guess)).hasValue(Duration.ofSeconds(2));
        clock.move(Duration.ofSeconds(2));
        fail(guess, 1);
        assertThat(throttle.refusal(guess)).hasValue(Duration.ofSeconds(4));
        clock.move(Duration.ofSeconds(4));
        fail(guess, 1);
        assertThat(throttle.refusal(guess)).hasValue(Duration.ofSeconds(8));
        clock.move(Duration.ofSeconds(8));
        fail(guess, 1);
        assertThat(throttle.refusal(guess)).as("capped").hasValue(Duration.ofSeconds(10));

        throttle.succeeded(guess);
        assertThat(throttle.refusal(guess)).isEmpty();
    }

    @Test
    void anIdleCountIsForgotten() {
        LoginAttempt guess = new LoginAttempt("ada", "203.0.113.9", false);
        fail(guess, 3);

        clock.move(Duration.ofHours(1).plusSeconds(3));
        fail(guess, 1);

        assertThat(throttle.refusal(guess)).as("counting from one again").isEmpty();
    }

    @Test
    void oneUserAndAddressIsCountedTogetherAndNothingElse() {
        fail(new LoginAttempt("Ada", "203.0.113.9", false), 3);

        assertThat(throttle.refusal(new LoginAttempt("ada", "203.0.113.9", false))).as("user names fold case")
                .isPresent();
        assertThat(throttle.refusal(new LoginAttempt("ada", "203.0.113.10", false))).isEmpty();
        assertThat(throttle.refusal(new LoginAttempt("grace", "203.0.113.9", false))).isEmpty();
    }

    @Test
    void anIpv6ClientIsCountedByItsNetwork() {
        fail(new LoginAttempt("ada", "2001:db8:1:2::1", false), 3);

        assertThat(throttle.refusal(new LoginAttempt("ada", "2001:db8:1:2:ffff::7", false))).isPresent();
        assertThat(throttle.refusal(new LoginAttempt("ada", "2001:db8:1:3::1", false))).isEmpty();
    }

    @Test
    void trustedAddressesAreNeverThrottledUnlessAnUnknownProxyRelayedThem() {
        LoginAttempt loopback = new LoginAttempt("admin", "127.0.0.1", false);
        LoginAttempt adminNetwork = new LoginAttempt("admin", "10.1.4.2", false);
        LoginAttempt ipv6Loopback = new LoginAttempt("admin", "0:0:0:0:0:0:0:1", false);
        LoginAttempt throughAnUnknownProxy = new LoginAttempt("admin", "127.0.0.1", true);

        for (LoginAttempt attempt : List.of(loopback, adminNetwork, ipv6Loopback, throughAnUnknownProxy)) {
            fail(attempt, 10);
        }

        assertThat(throttle.refusal(loopback)).isEmpty();
        assertThat(throttle.refusal(adminNetwork)).isEmpty();
        assertThat(throttle.refusal(ipv6Loopback)).isEmpty();
        assertThat(throttle.refusal(throughAnUnknownProxy)).isPresent();
    }

    @Test
    void sprayingUserNamesStaysWithinTheBound() {
        for (int i = 0; i < 5000; i++) {
            throttle.begin(new LoginAttempt("user" + i, "203.0.113.9", false));
        }
        LoginAttempt target = new LoginAttempt("ada", "203.0.113.9", false);
        fail(target, 3);

        assertThat(throttle.refusal(target)).isEqualTo(Optional.of(Duration.ofSeconds(2)));
        assertThat(throttle.tracked()).isLessThanOrEqualTo(1000);
    }

    private void fail(LoginAttempt attempt, int times) {
        for (int i = 0; i < times; i++) {
            throttle.begin(attempt);
        }
    }

    /** A clock that stands still until the test moves it. */
    private static final class MovableClock extends Clock {

        private Instant now = Instant.parse("2026-12-02T10:00:00Z");

        void move(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }
}
