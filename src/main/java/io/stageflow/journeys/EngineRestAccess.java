package io.stageflow.journeys;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import io.stageflow.security.Roles;

import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.impl.identity.Authentication;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.PathContainer;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * What each role may call on {@code /engine-rest}. Camunda's authorizations alone let any signed-in user reach
 * every resource, limited only by per-resource permissions (and some resources, such as queries, need none).
 * Runs after Camunda's {@code ProcessEngineAuthenticationFilter}, which has put the user and their groups on the
 * {@link IdentityService}: admins (group {@code camunda-admin}) may call everything, operators and marketers the
 * lists below, everyone else nothing (403); a caller without a valid login gets 401. Each allowed endpoint and
 * why is listed in docs/security.md; keep the two in step.
 */
final class EngineRestAccess extends OncePerRequestFilter {

    /** Camunda's own prefix for a named engine: {@code /engine-rest/engine/default/task} is {@code /task}. */
    private static final Pattern NAMED_ENGINE = Pattern.compile("^/engine/[^/]+(/.*)?$");
    private static final Set<String> READ = Set.of("GET", "HEAD");

    /** Operators run journeys: they read definitions, instances, incidents, jobs and history, and repair. */
    private static final List<Rule> OPERATOR = List.of(
            rule(READ, "/version"),
            rule(READ, "/process-definition", "/process-definition/count", "/process-definition/statistics",
                    "/process-definition/{id}", "/process-definition/{id}/xml", "/process-definition/{id}/statistics",
                    "/process-definition/key/{key}", "/process-definition/key/{key}/xml"),
            rule(READ, "/deployment", "/deployment/count", "/deployment/{id}", "/deployment/{id}/resources"),
            rule(READ, "/process-instance", "/process-instance/count", "/process-instance/{id}",
                    "/process-instance/{id}/activity-instances"),
            rule(Set.of("POST"), "/process-instance", "/process-instance/count"),
            rule(Set.of("PUT"), "/process-instance/{id}/suspended"),
            rule(READ, "/incident", "/incident/count", "/incident/{id}"),
            rule(Set.of("PUT"), "/incident/{id}/annotation"),
            rule(Set.of("DELETE"), "/incident/{id}/annotation", "/incident/{id}"),
            rule(READ, "/job", "/job/count", "/job/{id}", "/job/{id}/stacktrace"),
            rule(Set.of("POST"), "/job", "/job/count", "/job/retries"),
            rule(Set.of("PUT"), "/job/{id}/retries"),
            rule(READ, "/job-definition", "/job-definition/count", "/job-definition/{id}"),
            rule(Set.of("PUT"), "/job-definition/{id}/retries"),
            rule(READ, "/batch", "/batch/count", "/batch/{id}", "/batch/statistics", "/batch/statistics/count"),
            rule(READ, "/history/process-instance", "/history/process-instance/count",
                    "/history/process-instance/{id}", "/history/activity-instance",
                    "/history/activity-instance/count", "/history/incident", "/history/incident/count",
                    "/history/job-log", "/history/job-log/count", "/history/job-log/{id}/stacktrace"),
            rule(Set.of("POST"), "/history/process-instance", "/history/process-instance/count",
                    "/history/activity-instance", "/history/activity-instance/count"));

    /**
     * Marketers change journeys: they deploy from Camunda Modeler (which asks for the engine's version first), with
     * the same validation as the console's upload. Everything else they see in the console.
     */
    private static final List<Rule> MARKETER = List.of(rule(READ, "/version"),
            rule(Set.of("POST"), "/deployment/create"));

    private final IdentityService identityService;
    private final EngineProblems problems;

    EngineRestAccess(IdentityService identityService, EngineProblems problems) {
        this.identityService = identityService;
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication authentication = identityService.getCurrentAuthentication();
        if (authentication == null || authentication.getUserId() == null) {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"default\"");
            problems.write(request, response, HttpStatus.UNAUTHORIZED, "Authentication required",
                    "Send HTTP Basic credentials of a Stageflow user", List.of());
            return;
        }
        List<String> groups = authentication.getGroupIds() == null ? List.of() : authentication.getGroupIds();
        if (groups.contains(EngineSecurityConfiguration.ADMIN_GROUP)
                || groups.contains(Roles.OPERATOR) && allowed(OPERATOR, request)
                || groups.contains(Roles.MARKETER) && allowed(MARKETER, request)) {
            chain.doFilter(request, response);
            return;
        }
        problems.write(request, response, HttpStatus.FORBIDDEN, "Forbidden", "Your role does not allow this request",
                List.of());
    }

    private static boolean allowed(List<Rule> rules, HttpServletRequest request) {
        PathContainer path = PathContainer.parsePath(enginePath(request));
        return rules.stream().anyMatch(rule -> rule.matches(request.getMethod(), path));
    }

    /**
     * The resource path as the container decoded and normalised it (no {@code ..}, no path parameters), without
     * a trailing slash and without Camunda's optional {@code /engine/default} prefix.
     */
    static String enginePath(HttpServletRequest request) {
        String path = request.getPathInfo() == null ? "/" : request.getPathInfo();
        Matcher named = NAMED_ENGINE.matcher(path);
        if (named.matches()) {
            path = named.group(1) == null ? "/" : named.group(1);
        }
        while (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return path;
    }

    private static Rule rule(Set<String> methods, String... patterns) {
        return new Rule(methods, Arrays.stream(patterns).map(PathPatternParser.defaultInstance::parse)
                .toList());
    }

    /** These methods on any of these paths. */
    private record Rule(Set<String> methods, List<PathPattern> patterns) {

        boolean matches(String method, PathContainer path) {
            return methods.contains(method) && patterns.stream().anyMatch(pattern -> pattern.matches(path));
        }
    }
}
