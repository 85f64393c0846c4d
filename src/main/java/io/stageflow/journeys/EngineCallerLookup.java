package io.stageflow.journeys;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

import io.stageflow.security.EngineCallers;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import org.camunda.bpm.webapp.impl.security.auth.Authentication;
import org.camunda.bpm.webapp.impl.security.auth.AuthenticationUtil;
import org.camunda.bpm.webapp.impl.security.auth.Authentications;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;

/**
 * The engine's own sign-ins, read after a request was handled: on {@code /engine-rest} the HTTP Basic user that
 * Camunda's authentication filter checked (a request it refused never gets this far with a status the caller asks
 * about); on the web applications ({@code /camunda}) the user their session holds for the engine.
 */
@Component
class EngineCallerLookup implements EngineCallers {

    private static final String ENGINE_REST = "/engine-rest/";
    private static final String WEBAPPS = "/camunda/";
    private static final String DEFAULT_ENGINE = "default";

    @Override
    public Optional<String> userOf(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (path.startsWith(ENGINE_REST)) {
            return basicUser(request.getHeader(HttpHeaders.AUTHORIZATION));
        }
        if (path.startsWith(WEBAPPS)) {
            HttpSession session = request.getSession(false);
            if (session == null) {
                return Optional.empty();
            }
            Authentications signedIn = AuthenticationUtil.getAuthsFromSession(session);
            Authentication user = signedIn == null ? null : signedIn.getAuthenticationForProcessEngine(DEFAULT_ENGINE);
            return user == null || user == Authentication.ANONYMOUS ? Optional.empty()
                    : Optional.ofNullable(user.getIdentityId());
        }
        return Optional.empty();
    }

    static Optional<String> basicUser(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        try {
            String pair = new String(Base64.getDecoder().decode(authorization.substring(6).trim()),
                    StandardCharsets.UTF_8);
            int colon = pair.indexOf(':');
            return colon > 0 ? Optional.of(pair.substring(0, colon)) : Optional.empty();
        } catch (IllegalArgumentException notBase64) {
            return Optional.empty();
        }
    }
}
