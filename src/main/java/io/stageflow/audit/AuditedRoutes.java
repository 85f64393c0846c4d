package io.stageflow.audit;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.springframework.http.server.PathContainer;
import org.springframework.stereotype.Component;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * The one table of what counts as a change for the audit log: every route of the API, the console and the
 * engine's REST API and web applications by which a person or a key changes what Stageflow does or reads a
 * customer's personal data out of it. Routes that only read, preview, simulate or take in a customer's own data
 * (events, tracking calls, unsubscribe links) are not in it; {@code AuditedRoutesTest} holds every route of the
 * application either to a row here or to its list of those, with the reason.
 */
@Component
class AuditedRoutes {

    /** The engine's REST API, as Camunda Modeler and scripts call it, and as its web applications call it. */
    private static final List<String> ENGINE_APIS = List.of("/engine-rest", "/camunda/api/engine/engine/{engine}");

    private final Map<String, List<Compiled>> byMethod = new LinkedHashMap<>();
    /** The first path segments of the routes, such as {@code /api/}: most requests (tracking, assets) start otherwise. */
    private final Set<String> firstSegments = new HashSet<>();

    AuditedRoutes() {
        all().forEach(route -> {
            byMethod.computeIfAbsent(route.method(), method -> new ArrayList<>())
                    .add(new Compiled(route, PathPatternParser.defaultInstance.parse(route.pattern())));
            firstSegments.add(firstSegment(route.pattern()));
        });
    }

    /** The route this request is a call of, with its path variables, if it is a change. */
    Optional<Match> match(String method, String path) {
        List<Compiled> candidates = byMethod.get(method);
        if (candidates == null || !firstSegments.contains(firstSegment(path))) {
            return Optional.empty();
        }
        PathContainer container = PathContainer.parsePath(path);
        for (Compiled candidate : candidates) {
            PathPattern.PathMatchInfo info = candidate.pattern().matchAndExtract(container);
            if (info != null) {
                return Optional.of(new Match(candidate.route(), info.getUriVariables()));
            }
        }
        return Optional.empty();
    }

    /** {@code /api/v1/segments} → {@code /api/}; {@code /segments} → {@code /segments/}. */
    private static String firstSegment(String path) {
        int slash = path.indexOf('/', 1);
        return slash < 0 ? path + "/" : path.substring(0, slash + 1);
    }

    /** A request's route, and the values of its path variables. */
    record Match(AuditedRoute route, Map<String, String> variables) {
    }

    private record Compiled(AuditedRoute route, PathPattern pattern) {
    }

    static List<AuditedRoute> all() {
        List<AuditedRoute> routes = new ArrayList<>(List.of(
                // Segments
                AuditedRoute.of("POST", "/api/v1/segments", "segment.saved", "segment", "json:/key"),
                AuditedRoute.of("DELETE", "/api/v1/segments/{key}", "segment.deleted", "segment", "path:key"),
                AuditedRoute.of("POST", "/segments", "segment.saved", "segment", "param:key"),
                AuditedRoute.of("POST", "/segments/{key}/delete", "segment.deleted", "segment", "path:key"),
                // Write keys
                AuditedRoute.of("POST", "/api/v1/write-keys", "write-key.issued", "write-key", "json:/name"),
                AuditedRoute.of("DELETE", "/api/v1/write-keys/{id}", "write-key.revoked", "write-key", "path:id"),
                // Journeys
                AuditedRoute.of("POST", "/api/v1/journeys", "journey.deployed", "journey",
                        "location:/api/v1/journeys/{key}/versions/*/bpmn"),
                AuditedRoute.of("POST", "/journeys", "journey.deployed", "journey", "location:/journeys/{key}"),
                AuditedRoute.of("POST", "/api/v1/journeys/{key}/migrations", "journey.migrated", "journey",
                        "path:key"),
                AuditedRoute.of("POST", "/journeys/{key}/migrate", "journey.migrated", "journey", "path:key"),
                // Templates
                AuditedRoute.of("POST", "/api/v1/templates", "template.created", "template", "json:/key"),
                AuditedRoute.of("POST", "/templates", "template.created", "template", "param:key"),
                AuditedRoute.of("POST", "/api/v1/templates/{key}/versions", "template.saved", "template",
                        "path:key"),
                AuditedRoute.of("POST", "/templates/{key}/edit", "template.saved", "template", "path:key"),
                AuditedRoute.of("POST", "/api/v1/templates/{key}/rollback", "template.rolled-back", "template",
                        "path:key"),
                AuditedRoute.of("POST", "/api/v1/templates/{key}/versions/{version}/publish", "template.published",
                        "template", "path:key,version"),
                AuditedRoute.of("POST", "/api/v1/templates/{key}/versions/{version}/approve", "template.approved",
                        "template", "path:key,version"),
                AuditedRoute.of("POST", "/api/v1/templates/{key}/versions/{version}/reject", "template.rejected",
                        "template", "path:key,version"),
                AuditedRoute.of("POST", "/templates/{key}/versions/{version}/publish", "template.published", "template",
                        "path:key,version"),
                AuditedRoute.of("POST", "/templates/{key}/versions/{version}/rollback", "template.rolled-back", "template",
                        "path:key,version"),
                AuditedRoute.of("POST", "/templates/{key}/versions/{version}/approve", "template.approved", "template",
                        "path:key,version"),
                AuditedRoute.of("POST", "/templates/{key}/versions/{version}/reject", "template.rejected", "template",
                        "path:key,version"),
                AuditedRoute.of("POST", "/api/v1/templates/{key}/test-send", "template.test-sent", "template",
                        "path:key"),
                AuditedRoute.of("POST", "/templates/{key}/test-send", "template.test-sent", "template", "path:key"),
                AuditedRoute.of("POST", "/templates/{key}/edit/test-send", "template.test-sent", "template",
                        "path:key"),
                // Experiments: a marketer's decision by hand
                AuditedRoute.of("POST", "/api/v1/experiments/{key}/decision", "experiment.decided", "experiment",
                        "path:key"),
                AuditedRoute.of("POST", "/api/v1/experiments/{key}/stop", "experiment.stopped", "experiment",
                        "path:key"),
                AuditedRoute.of("POST", "/journeys/{key}/experiments/{experiment}/decision", "experiment.decided",
                        "experiment", "path:experiment"),
                AuditedRoute.of("POST", "/journeys/{key}/experiments/{experiment}/stop", "experiment.stopped",
                        "experiment", "path:experiment"),
                // Offers
                AuditedRoute.of("POST", "/api/v1/offers", "offer.saved", "offer", "json:/key"),
                // The product catalogue: products put by the shop's systems are its data; a removal is audited
                AuditedRoute.of("DELETE", "/api/v1/products/{id}", "product.deleted", "product", "path:id"),
                // Broadcasts
                AuditedRoute.of("POST", "/api/v1/broadcasts", "broadcast.started", "broadcast",
                        "location:/api/v1/broadcasts/{kind:scheduled}/{id}|/api/v1/broadcasts/{id}"),
                AuditedRoute.of("POST", "/api/v1/broadcasts/{id}/stop", "broadcast.stopped", "broadcast", "path:id"),
                AuditedRoute.of("POST", "/api/v1/broadcasts/{id}/restart", "broadcast.restarted", "broadcast",
                        "path:id"),
                AuditedRoute.of("POST", "/api/v1/broadcasts/scheduled/{id}/cancel", "broadcast.cancelled",
                        "broadcast", "path:id"),
                AuditedRoute.of("POST", "/broadcasts", "broadcast.started", "broadcast", "location:/broadcasts/{id}"),
                AuditedRoute.of("POST", "/broadcasts/{executionId:\\d+}/stop", "broadcast.stopped", "broadcast",
                        "path:executionId"),
                AuditedRoute.of("POST", "/broadcasts/{executionId:\\d+}/resume", "broadcast.restarted",
                        "broadcast", "path:executionId"),
                AuditedRoute.of("POST", "/broadcasts/scheduled/{id}/cancel", "broadcast.cancelled", "broadcast",
                        "path:id"),
                AuditedRoute.of("POST", "/broadcasts/test-send", "broadcast.test-sent", "broadcast", "none"),
                // Imports and the jobs operators run
                AuditedRoute.of("POST", "/api/v1/imports", "import.started", "job", "location:/api/v1/jobs/{id}"),
                AuditedRoute.of("POST", "/api/v1/imports/{id}/stop", "import.stopped", "job", "path:id"),
                AuditedRoute.of("POST", "/api/v1/imports/{id}/restart", "import.restarted", "job", "path:id"),
                AuditedRoute.of("POST", "/imports", "import.started", "job", "location:/imports/{id}"),
                AuditedRoute.of("POST", "/imports/{id}/stop", "import.stopped", "job", "path:id"),
                AuditedRoute.of("POST", "/imports/{id}/restart", "import.restarted", "job", "path:id"),
                AuditedRoute.of("POST", "/api/v1/jobs/{id}/stop", "job.stopped", "job", "path:id"),
                AuditedRoute.of("POST", "/api/v1/jobs/{id}/restart", "job.restarted", "job", "path:id"),
                AuditedRoute.of("POST", "/api/v1/jobs/inactivity-scan", "inactivity-scan.started", "job",
                        "location:/api/v1/jobs/{id}"),
                AuditedRoute.of("POST", "/api/v1/jobs/recommendations", "recommendations.started", "job",
                        "location:/api/v1/jobs/{id}"),
                AuditedRoute.of("POST", "/api/v1/jobs/prediction-scoring", "prediction-scoring.started", "job",
                        "location:/api/v1/jobs/{id}"),
                AuditedRoute.of("POST", "/api/v1/events/{messageId}/retry", "event.retried", "event",
                        "path:messageId"),
                // A customer's loyalty points, spent or corrected by a person
                AuditedRoute.of("POST", "/api/v1/customers/{id}/loyalty/redemptions", "loyalty.redeemed", "customer",
                        "path:id"),
                AuditedRoute.of("POST", "/api/v1/customers/{id}/loyalty/adjustments", "loyalty.adjusted", "customer",
                        "path:id"),
                // A customer's personal data: erased, or exported
                AuditedRoute.of("DELETE", "/api/v1/customers/{id}", "customer.erased", "customer", "path:id")
                        .erasing(),
                AuditedRoute.of("POST", "/customers/{id}/erase", "customer.erased", "customer", "path:id").erasing(),
                AuditedRoute.of("GET", "/api/v1/customers/{id}/export", "customer.exported", "customer", "path:id"),
                AuditedRoute.of("GET", "/customers/{id}/export", "customer.exported", "customer", "path:id"),
                // The first admin, set up in the web applications when there is none
                AuditedRoute.of("POST", "/camunda/api/admin/setup/{engine}/user/create", "user.created", "user",
                        "json:/profile/id")));
        for (String api : ENGINE_APIS) {
            routes.addAll(List.of(
                    // Users and their roles (a user's groups are their roles)
                    AuditedRoute.of("POST", api + "/user/create", "user.created", "user", "json:/profile/id"),
                    AuditedRoute.of("PUT", api + "/user/{id}/profile", "user.updated", "user", "path:id"),
                    AuditedRoute.of("PUT", api + "/user/{id}/credentials", "user.password-changed", "user",
                            "path:id"),
                    AuditedRoute.of("POST", api + "/user/{id}/unlock", "user.unlocked", "user", "path:id"),
                    AuditedRoute.of("DELETE", api + "/user/{id}", "user.deleted", "user", "path:id"),
                    AuditedRoute.of("POST", api + "/group/create", "role.created", "role", "json:/id"),
                    AuditedRoute.of("PUT", api + "/group/{id}", "role.updated", "role", "path:id"),
                    AuditedRoute.of("DELETE", api + "/group/{id}", "role.deleted", "role", "path:id"),
                    AuditedRoute.of("PUT", api + "/group/{id}/members/{userId}", "role.granted", "role",
                            "path:id,userId"),
                    AuditedRoute.of("DELETE", api + "/group/{id}/members/{userId}", "role.revoked", "role",
                            "path:id,userId"),
                    AuditedRoute.of("POST", api + "/authorization/create", "authorization.created",
                            "authorization", "none"),
                    AuditedRoute.of("PUT", api + "/authorization/{id}", "authorization.updated", "authorization",
                            "path:id"),
                    AuditedRoute.of("DELETE", api + "/authorization/{id}", "authorization.deleted",
                            "authorization", "path:id"),
                    // Journeys deployed as Camunda Modeler deploys them, and deployments removed
                    AuditedRoute.of("POST", api + "/deployment/create", "journey.deployed", "deployment", "none"),
                    AuditedRoute.of("DELETE", api + "/deployment/{id}", "deployment.deleted", "deployment",
                            "path:id")));
        }
        return List.copyOf(routes);
    }
}
