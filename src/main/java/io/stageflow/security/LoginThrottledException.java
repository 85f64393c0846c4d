package io.stageflow.security;

import java.time.Duration;

import org.springframework.security.authentication.AccountStatusException;

/**
 * A sign-in refused without checking the password, because this address failed too often for this user; answered
 * {@code 429} with {@code Retry-After}. An account status exception, so no other provider is tried.
 */
public class LoginThrottledException extends AccountStatusException {

    private final transient Duration retryAfter;

    public LoginThrottledException(Duration retryAfter) {
        super("Too many failed sign-ins from this address for this user");
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
