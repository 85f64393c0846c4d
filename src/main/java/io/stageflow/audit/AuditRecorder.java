package io.stageflow.audit;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import io.stageflow.customers.PersonalData;
import io.stageflow.security.EngineCallers;
import io.stageflow.security.LinkSigner;
import io.stageflow.security.WriteKey;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.PathContainer;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Component;
import org.springframework.web.util.ContentCachingRequestWrapper;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Writes one line of the audit log for a call of an audited route: who made it (the signed-in user, the write
 * key, or the user the engine signed in), what it changed, with what outcome, and a keyed hash of where from.
 */
@Component
class AuditRecorder {

    private static final Logger log = LoggerFactory.getLogger(AuditRecorder.class);

    private final AuditLog auditLog;
    private final LinkSigner signer;
    private final List<EngineCallers> engineCallers;
    private final ObjectMapper json;

    AuditRecorder(AuditLog auditLog, LinkSigner signer, List<EngineCallers> engineCallers, ObjectMapper json) {
        this.auditLog = auditLog;
        this.signer = signer;
        this.engineCallers = engineCallers;
        this.json = json;
    }

    /**
     * Appends the call; the response is null when the call was refused before it was handled. A failure to write
     * is logged, never thrown: the change it describes is already made.
     */
    void record(HttpServletRequest request, HttpServletResponse response, AuditedRoutes.Match match,
            Authentication authentication, String outcome, int status) {
        AuditedRoute route = match.route();
        try {
            String target = target(route, match, request, response);
            if (target != null && route.erases()) {
                target = PersonalData.anonymousId(target);
            }
            String address = request.getRemoteAddr();
            auditLog.append(actor(authentication, request), route, target, outcome, status,
                    address == null ? null : signer.fingerprint(address));
        } catch (RuntimeException e) {
            log.error("Could not write the audit log's entry for {} ({}, {})", route.route(), outcome, status, e);
        }
    }

    private String actor(Authentication authentication, HttpServletRequest request) {
        if (authentication != null && authentication.isAuthenticated()
                && !(authentication instanceof AnonymousAuthenticationToken)) {
            return authentication.getPrincipal() instanceof WriteKey key ? "key:" + key.id()
                    : "user:" + authentication.getName();
        }
        return engineCallers.stream().map(callers -> callers.userOf(request)).flatMap(Optional::stream)
                .findFirst().map(user -> "user:" + user).orElse("unknown");
    }

    private String target(AuditedRoute route, AuditedRoutes.Match match, HttpServletRequest request,
            HttpServletResponse response) {
        String argument = route.argument();
        return switch (route.source()) {
            case "path" -> route.pathVariables().stream().map(match.variables()::get)
                    .collect(Collectors.joining("/"));
            case "param" -> blankToNull(request.getParameter(argument));
            case "json" -> request instanceof ContentCachingRequestWrapper cached ? fromJson(cached, argument) : null;
            case "location" -> response == null ? null : fromLocation(response.getHeader(HttpHeaders.LOCATION),
                    request.getContextPath(), argument);
            default -> null;
        };
    }

    private String fromJson(ContentCachingRequestWrapper request, String pointer) {
        byte[] body = request.getContentAsByteArray();
        if (body.length == 0) {
            return null;
        }
        try {
            JsonNode value = json.readTree(body).at(pointer);
            return value.isValueNode() ? blankToNull(value.asText()) : null;
        } catch (IOException notJson) {
            return null;
        }
    }

    /** The variables of the first of the patterns the answer's {@code Location} matches, joined by {@code /}. */
    private static String fromLocation(String location, String contextPath, String patterns) {
        if (location == null) {
            return null;
        }
        String path;
        try {
            path = URI.create(location).getRawPath();
        } catch (IllegalArgumentException notAUri) {
            return null;
        }
        if (path == null || !path.startsWith(contextPath)) {
            return null;
        }
        PathContainer container = PathContainer.parsePath(path.substring(contextPath.length()));
        for (String pattern : patterns.split("\\|")) {
            PathPattern.PathMatchInfo info = PathPatternParser.defaultInstance.parse(pattern)
                    .matchAndExtract(container);
            if (info != null) {
                return AuditedRoute.variablesOf(pattern).stream().map(info.getUriVariables()::get)
                        .collect(Collectors.joining("/"));
            }
        }
        return null;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
