package io.stageflow.security;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import io.stageflow.web.ConsolePaths;

import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;

/**
 * Back to the sign-in form after a failed sign-in, saying why in words a person can act on: a wrong user or password,
 * or too many attempts from this address (the same throttle as the API's, {@link LoginThrottle}).
 */
final class SignInFailures implements AuthenticationFailureHandler {

    @Override
    public void onAuthenticationFailure(HttpServletRequest request, HttpServletResponse response,
            AuthenticationException failure) throws IOException {
        boolean throttled = failure instanceof LoginThrottledException
                || failure.getCause() instanceof LoginThrottledException;
        response.sendRedirect(request.getContextPath() + ConsolePaths.LOGIN + (throttled ? "?throttled" : "?error"));
    }
}
