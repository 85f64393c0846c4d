package io.stageflow.security;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Someone trying a password for {@code user} from {@code address}, the request's remote address. Behind a reverse
 * proxy that is the proxy's address unless the server is told to take the client's from the proxy's headers
 * ({@code server.forward-headers-strategy}, see docs/security.md); {@code forwarded} says the request still
 * carries such a header, which then nobody has vouched for.
 */
public record LoginAttempt(String user, String address, boolean forwarded) {

    /** The attempt this request makes to sign in as {@code user}. */
    public static LoginAttempt of(String user, HttpServletRequest request) {
        return new LoginAttempt(user, request.getRemoteAddr(),
                request.getHeader("Forwarded") != null || request.getHeader("X-Forwarded-For") != null);
    }
}
