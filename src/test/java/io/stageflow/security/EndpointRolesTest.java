package io.stageflow.security;

import static io.stageflow.security.EndpointRolesTest.Access.CONSOLE_FORM;
import static io.stageflow.security.EndpointRolesTest.Access.PUBLIC;
import static io.stageflow.security.EndpointRolesTest.Access.ROLES;
import static io.stageflow.security.EndpointRolesTest.Access.WRITE_KEY;
import static io.stageflow.security.EndpointRolesTest.Caller.ADMIN;
import static io.stageflow.security.EndpointRolesTest.Caller.APPROVER;
import static io.stageflow.security.EndpointRolesTest.Caller.BROWSER_KEY;
import static io.stageflow.security.EndpointRolesTest.Caller.CUSTOMER_SUCCESS;
import static io.stageflow.security.EndpointRolesTest.Caller.MARKETER;
import static io.stageflow.security.EndpointRolesTest.Caller.NOBODY;
import static io.stageflow.security.EndpointRolesTest.Caller.OPERATOR;
import static io.stageflow.security.EndpointRolesTest.Caller.SERVER_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpRequest;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.StageflowClient;
import io.stageflow.testing.StageflowClient.Response;
import io.stageflow.testing.TestWhatsAppProvider;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.RequestMappingInfoHandlerMapping;

/**
 * Who may call each endpoint, as one table ({@link #ENDPOINTS}), held against the running application: for every
 * row and every kind of caller, a caller of a role the row does not admit gets {@code 403} (signed in, wrong role),
 * a caller without credentials {@code 401}, and a caller it admits gets past security (neither {@code 401} nor
 * {@code 403}, nor a server error; a dummy body or an unknown id answers {@code 400} or {@code 404}). Every handler
 * mapping of the application must have its row, so a new endpoint cannot go without one.
 *
 * <p>The roles come from {@code SecurityConfiguration} and docs/security.md and docs/api.md. A user in none of
 * Stageflow's groups ({@code customer-success}, who works in Tasklist) is refused everywhere under {@code /api}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EndpointRolesTest extends IntegrationTest {

    private static final String PASSWORD = "Endpoint-roles-42";
    /** Not JSON: an endpoint that reads a body answers 400 before doing anything. */
    private static final String BAD_JSON = "{";

    /** Who calls. */
    enum Caller {
        NOBODY, ADMIN, OPERATOR, MARKETER, APPROVER, CUSTOMER_SUCCESS, SERVER_KEY, BROWSER_KEY;

        boolean isWriteKey() {
            return this == SERVER_KEY || this == BROWSER_KEY;
        }
    }

    /** How an endpoint is guarded. */
    enum Access {
        /** Anyone; recipient pages hold a signed token in the path instead. */
        PUBLIC,
        /** By Stageflow role, in SecurityConfiguration: wrong role 403, no credentials 401. */
        ROLES,
        /**
         * A console form (a POST): without the session's CSRF token every caller gets {@code 403}, so no script can
         * post it; that only the allowed roles may, with the token, ConsoleBrowserTest shows in a browser.
         */
        CONSOLE_FORM,
        /**
         * Segment's tracking API: the controller checks the write key (header or body), so a caller who is not a
         * write key (users included) gets 401, and a key of the wrong kind 403.
         */
        WRITE_KEY,
        /**
         * A mail provider's webhook: its signature or the credentials the provider was given are what admit a call,
         * so every caller here (users and write keys alike, whose credentials are Stageflow's) gets 401;
         * BounceWebhooksTest shows the genuine calls admitted.
         */
        SIGNATURE
    }

    /**
     * One row of the table: the handler mapping ({@code method} and {@code pattern} as Spring MVC holds them; method
     * {@code *} for a mapping that takes every method), the request sent (a concrete {@code path} and {@code body},
     * null for none), how it is guarded, and who is allowed.
     */
    record Endpoint(String method, String pattern, String path, String body, Access access, Set<Caller> allowed) {

        String mapping() {
            return method + " " + pattern;
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    static final List<Endpoint> ENDPOINTS = List.of(
            // Events (docs/events.md): a server key or an admin posts; operators see and retry the dead letters.
            roles("POST", "/api/v1/events", "/api/v1/events", BAD_JSON, ADMIN, SERVER_KEY),
            roles("GET", "/api/v1/events", "/api/v1/events", null, ADMIN, OPERATOR),
            roles("GET", "/api/v1/events/{messageId}", "/api/v1/events/no-such-event", null, ADMIN, MARKETER, OPERATOR),
            roles("POST", "/api/v1/events/{messageId}/retry", "/api/v1/events/no-such-event/retry", null,
                    ADMIN, OPERATOR),
            // Customers.
            roles("PUT", "/api/v1/customers/{id}", "/api/v1/customers/no-such-customer", BAD_JSON, ADMIN),
            roles("GET", "/api/v1/customers/{id}", "/api/v1/customers/no-such-customer", null,
                    ADMIN, MARKETER, OPERATOR),
            roles("GET", "/api/v1/customers/{id}/export", "/api/v1/customers/no-such-customer/export", null, ADMIN),
            roles("DELETE", "/api/v1/customers/{id}", "/api/v1/customers/no-such-customer", null, ADMIN),
            roles("GET", "/api/v1/customers/{id}/messages", "/api/v1/customers/no-such-customer/messages", null,
                    ADMIN, MARKETER, OPERATOR),
            roles("GET", "/api/v1/customers/{id}/stages", "/api/v1/customers/no-such-customer/stages", null,
                    ADMIN, MARKETER, OPERATOR),
            roles("GET", "/api/v1/customers/{id}/referral", "/api/v1/customers/no-such-customer/referral", null,
                    ADMIN, MARKETER, OPERATOR),
            // Loyalty: read as the customer API reads, written (redemptions, adjustments) as it writes.
            roles("GET", "/api/v1/customers/{id}/loyalty", "/api/v1/customers/no-such-customer/loyalty", null,
                    ADMIN, MARKETER, OPERATOR),
            roles("GET", "/api/v1/customers/{id}/loyalty/points", "/api/v1/customers/no-such-customer/loyalty/points",
                    null, ADMIN, MARKETER, OPERATOR),
            roles("POST", "/api/v1/customers/{id}/loyalty/redemptions",
                    "/api/v1/customers/no-such-customer/loyalty/redemptions", BAD_JSON, ADMIN),
            roles("POST", "/api/v1/customers/{id}/loyalty/adjustments",
                    "/api/v1/customers/no-such-customer/loyalty/adjustments", BAD_JSON, ADMIN),
            // SMS consent is written as the profile is: by admins (the business's systems).
            roles("PUT", "/api/v1/customers/{id}/sms-consent", "/api/v1/customers/no-such-customer/sms-consent",
                    BAD_JSON, ADMIN),
            // So is WhatsApp consent.
            roles("PUT", "/api/v1/customers/{id}/whatsapp-consent",
                    "/api/v1/customers/no-such-customer/whatsapp-consent", BAD_JSON, ADMIN),
            roles("GET", "/api/v1/stages", "/api/v1/stages", null, ADMIN, MARKETER, OPERATOR),
            // Analytics.
            roles("GET", "/api/v1/analytics/messages", "/api/v1/analytics/messages?from=2026-01-01&to=2026-01-31",
                    null, ADMIN, MARKETER, OPERATOR),
            roles("GET", "/api/v1/analytics/journeys/{journey}",
                    "/api/v1/analytics/journeys/no-such-journey?from=2026-01-01&to=2026-01-31", null,
                    ADMIN, MARKETER, OPERATOR),
            roles("GET", "/api/v1/analytics/global-control",
                    "/api/v1/analytics/global-control?from=2026-01-01&to=2026-01-31", null, ADMIN, MARKETER, OPERATOR),
            roles("GET", "/api/v1/analytics/revenue", "/api/v1/analytics/revenue?from=2026-01-01&to=2026-01-31",
                    null, ADMIN, MARKETER, OPERATOR),
            roles("GET", "/api/v1/analytics/cohorts", "/api/v1/analytics/cohorts?from=2026-01-01&to=2026-01-31",
                    null, ADMIN, MARKETER, OPERATOR),
            roles("GET", "/api/v1/analytics/lifetime-value",
                    "/api/v1/analytics/lifetime-value?from=2026-01-01&to=2026-01-31", null, ADMIN, MARKETER, OPERATOR),
            roles("GET", "/api/v1/analytics/nps", "/api/v1/analytics/nps?from=2026-01-01&to=2026-01-31",
                    null, ADMIN, MARKETER, OPERATOR),
            roles("GET", "/api/v1/analytics/stages", "/api/v1/analytics/stages?from=2026-01-01&to=2026-01-31",
                    null, ADMIN, MARKETER, OPERATOR),
            roles("GET", "/api/v1/analytics/stages/flows",
                    "/api/v1/analytics/stages/flows?from=2026-01-01&to=2026-01-31", null, ADMIN, MARKETER, OPERATOR),
            roles("GET", "/api/v1/analytics/stages/time-in-stage",
                    "/api/v1/analytics/stages/time-in-stage?from=2026-01-01&to=2026-01-31", null,
                    ADMIN, MARKETER, OPERATOR),
            roles("GET", "/api/v1/analytics/churn", "/api/v1/analytics/churn?from=2026-01-01&to=2026-01-31",
                    null, ADMIN, MARKETER, OPERATOR),
            // Moving a journey's customers to another version: marketers and admins preview and move, operators
            // follow the moves too.
            roles("POST", "/api/v1/journeys/{key}/migrations/preview",
                    "/api/v1/journeys/no-such-journey/migrations/preview", BAD_JSON, ADMIN, MARKETER),
            roles("POST", "/api/v1/journeys/{key}/migrations", "/api/v1/journeys/no-such-journey/migrations",
                    BAD_JSON, ADMIN, MARKETER),
            roles("GET", "/api/v1/journeys/{key}/migrations", "/api/v1/journeys/no-such-journey/migrations", null,
                    ADMIN, MARKETER, OPERATOR),
            roles("GET", "/api/v1/journeys/{key}/migrations/{id}", "/api/v1/journeys/no-such-journey/migrations/1",
                    null, ADMIN, MARKETER, OPERATOR),
            // Simulating a journey version before it goes live: marketers and admins run, operators read.
            roles("POST", "/api/v1/journeys/{key}/simulations", "/api/v1/journeys/no-such-journey/simulations",
                    BAD_JSON, ADMIN, MARKETER),
            roles("GET", "/api/v1/journeys/{key}/simulations", "/api/v1/journeys/no-such-journey/simulations", null,
                    ADMIN, MARKETER, OPERATOR),
            roles("GET", "/api/v1/journeys/{key}/simulations/{id}",
                    "/api/v1/journeys/no-such-journey/simulations/1", null, ADMIN, MARKETER, OPERATOR),
            roles("POST", "/api/v1/journeys/{key}/simulations/{id}/cancel",
                    "/api/v1/journeys/no-such-journey/simulations/1/cancel", null, ADMIN, MARKETER),
            roles("GET", "/api/v1/journeys/{key}/simulations/{id}/customers/{customerId}",
                    "/api/v1/journeys/no-such-journey/simulations/1/customers/c1", null, ADMIN, MARKETER, OPERATOR),
            roles("POST", "/api/v1/journeys/{key}/try", "/api/v1/journeys/no-such-journey/try", BAD_JSON,
                    ADMIN, MARKETER),
            // Templates.
            roles("POST", "/api/v1/templates/{key}/preview", "/api/v1/templates/no-such-template/preview", BAD_JSON,
                    ADMIN, MARKETER, APPROVER),
            roles("POST", "/api/v1/channel-previews", "/api/v1/channel-previews", BAD_JSON, ADMIN, MARKETER, APPROVER),
            roles("POST", "/api/v1/templates/{key}/test-send", "/api/v1/templates/no-such-template/test-send",
                    BAD_JSON, ADMIN, MARKETER),
            // Template versions: the marketers' and admins' to read, save, publish, roll back and compare.
            roles("POST", "/api/v1/journeys", "/api/v1/journeys", null, ADMIN, MARKETER),
            roles("GET", "/api/v1/journeys/{key}/versions", "/api/v1/journeys/no-such-journey/versions", null,
                    ADMIN, MARKETER, OPERATOR),
            roles("GET", "/api/v1/journeys/{key}/versions/{version}/bpmn",
                    "/api/v1/journeys/no-such-journey/versions/1/bpmn", null, ADMIN, MARKETER, OPERATOR),
            roles("GET", "/api/v1/journeys/{key}/changes", "/api/v1/journeys/no-such-journey/changes?from=1&to=2",
                    null, ADMIN, MARKETER, OPERATOR),
            // Approvers read them, and approve or reject what marketers ask to publish; they change nothing.
            roles("GET", "/api/v1/templates", "/api/v1/templates", null, ADMIN, MARKETER, APPROVER),
            roles("POST", "/api/v1/templates", "/api/v1/templates", BAD_JSON, ADMIN, MARKETER),
            roles("GET", "/api/v1/templates/approvals", "/api/v1/templates/approvals", null,
                    ADMIN, MARKETER, APPROVER),
            roles("GET", "/api/v1/templates/{key}/versions", "/api/v1/templates/no-such-template/versions", null,
                    ADMIN, MARKETER, APPROVER),
            roles("GET", "/api/v1/templates/{key}/versions/{version}",
                    "/api/v1/templates/no-such-template/versions/1", null, ADMIN, MARKETER, APPROVER),
            roles("POST", "/api/v1/templates/{key}/versions/{version}/approve",
                    "/api/v1/templates/no-such-template/versions/1/approve", null, ADMIN, APPROVER),
            roles("POST", "/api/v1/templates/{key}/versions/{version}/reject",
                    "/api/v1/templates/no-such-template/versions/1/reject", BAD_JSON, ADMIN, APPROVER),
            roles("POST", "/api/v1/templates/{key}/versions", "/api/v1/templates/no-such-template/versions",
                    BAD_JSON, ADMIN, MARKETER),
            roles("POST", "/api/v1/templates/{key}/versions/{version}/publish",
                    "/api/v1/templates/no-such-template/versions/1/publish", null, ADMIN, MARKETER),
            roles("POST", "/api/v1/templates/{key}/rollback", "/api/v1/templates/no-such-template/rollback",
                    BAD_JSON, ADMIN, MARKETER),
            roles("GET", "/api/v1/templates/{key}/diff", "/api/v1/templates/no-such-template/diff?from=1&to=2", null,
                    ADMIN, MARKETER, APPROVER),
            // Segments: everyone who reads reports reads them; marketers and admins change them.
            roles("POST", "/api/v1/segments", "/api/v1/segments", BAD_JSON, ADMIN, MARKETER),
            roles("GET", "/api/v1/segments", "/api/v1/segments", null, ADMIN, MARKETER, OPERATOR),
            roles("GET", "/api/v1/segments/{key}", "/api/v1/segments/no-such-segment", null,
                    ADMIN, MARKETER, OPERATOR),
            roles("GET", "/api/v1/segments/{key}/count", "/api/v1/segments/no-such-segment/count", null,
                    ADMIN, MARKETER, OPERATOR),
            roles("GET", "/api/v1/segments/{key}/preview", "/api/v1/segments/no-such-segment/preview", null,
                    ADMIN, MARKETER, OPERATOR),
            roles("DELETE", "/api/v1/segments/{key}", "/api/v1/segments/no-such-segment", null, ADMIN, MARKETER),
            // Offers and coupons: the shop's checkout validates a code with its server key.
            // Experiments: everyone who works with journeys reads them; marketers and admins decide them.
            roles("GET", "/api/v1/experiments", "/api/v1/experiments", null, ADMIN, MARKETER, OPERATOR),
            roles("GET", "/api/v1/experiments/{key}", "/api/v1/experiments/no-such-experiment", null,
                    ADMIN, MARKETER, OPERATOR),
            roles("POST", "/api/v1/experiments/{key}/decision", "/api/v1/experiments/no-such-experiment/decision",
                    BAD_JSON, ADMIN, MARKETER),
            roles("POST", "/api/v1/experiments/{key}/stop", "/api/v1/experiments/no-such-experiment/stop", BAD_JSON,
                    ADMIN, MARKETER),
            roles("POST", "/api/v1/offers", "/api/v1/offers", BAD_JSON, ADMIN, MARKETER),
            roles("GET", "/api/v1/offers", "/api/v1/offers", null, ADMIN, MARKETER, OPERATOR),
            roles("GET", "/api/v1/offers/{key}", "/api/v1/offers/no-such-offer", null, ADMIN, MARKETER, OPERATOR),
            roles("GET", "/api/v1/offers/{key}/report", "/api/v1/offers/no-such-offer/report", null,
                    ADMIN, MARKETER, OPERATOR),
            roles("GET", "/api/v1/coupons/attribution", "/api/v1/coupons/attribution?from=not-a-date", null,
                    ADMIN, MARKETER, OPERATOR),
            roles("POST", "/api/v1/coupons/{code}/validate", "/api/v1/coupons/NO-SUCH-CODE/validate", BAD_JSON,
                    ADMIN, MARKETER, SERVER_KEY),
            // The product catalogue, like offers: marketers and admins write it, operators read it too.
            roles("PUT", "/api/v1/products/{id}", "/api/v1/products/no-such-product", BAD_JSON, ADMIN, MARKETER),
            roles("GET", "/api/v1/products/{id}", "/api/v1/products/no-such-product", null, ADMIN, MARKETER, OPERATOR),
            roles("GET", "/api/v1/products", "/api/v1/products?limit=1", null, ADMIN, MARKETER, OPERATOR),
            roles("DELETE", "/api/v1/products/{id}", "/api/v1/products/no-such-product", null, ADMIN, MARKETER),
            // Jobs (imports, broadcasts, the inactivity scan).
            roles("GET", "/api/v1/jobs/{id}", "/api/v1/jobs/987654321", null, ADMIN, OPERATOR),
            roles("POST", "/api/v1/jobs/{id}/stop", "/api/v1/jobs/987654321/stop", null, ADMIN, OPERATOR),
            roles("POST", "/api/v1/jobs/{id}/restart", "/api/v1/jobs/987654321/restart", null, ADMIN, OPERATOR),
            // Really starts a scan when admitted: the test waits for it to end (as InactivityScanTest does).
            roles("POST", "/api/v1/jobs/inactivity-scan", "/api/v1/jobs/inactivity-scan", null, ADMIN, OPERATOR),
            roles("POST", "/api/v1/jobs/recommendations", "/api/v1/jobs/recommendations", null, ADMIN, OPERATOR),
            roles("POST", "/api/v1/jobs/prediction-scoring", "/api/v1/jobs/prediction-scoring", null, ADMIN, OPERATOR),
            roles("POST", "/api/v1/broadcasts", "/api/v1/broadcasts", BAD_JSON, ADMIN, MARKETER),
            roles("GET", "/api/v1/broadcasts/{id}", "/api/v1/broadcasts/987654321", null, ADMIN, MARKETER),
            roles("POST", "/api/v1/broadcasts/{id}/stop", "/api/v1/broadcasts/987654321/stop", null, ADMIN, MARKETER),
            roles("POST", "/api/v1/broadcasts/{id}/restart", "/api/v1/broadcasts/987654321/restart", null,
                    ADMIN, MARKETER),
            roles("GET", "/api/v1/broadcasts/scheduled", "/api/v1/broadcasts/scheduled", null, ADMIN, MARKETER),
            roles("GET", "/api/v1/broadcasts/scheduled/{id}", "/api/v1/broadcasts/scheduled/no-such-broadcast", null,
                    ADMIN, MARKETER),
            roles("POST", "/api/v1/broadcasts/scheduled/{id}/cancel",
                    "/api/v1/broadcasts/scheduled/no-such-broadcast/cancel", null, ADMIN, MARKETER),
            roles("POST", "/api/v1/imports", "/api/v1/imports", BAD_JSON, ADMIN),
            roles("GET", "/api/v1/imports/{id}/errors", "/api/v1/imports/987654321/errors", null, ADMIN),
            roles("POST", "/api/v1/imports/{id}/stop", "/api/v1/imports/987654321/stop", null, ADMIN),
            roles("POST", "/api/v1/imports/{id}/restart", "/api/v1/imports/987654321/restart", null, ADMIN),
            // Write keys: admins only.
            roles("POST", "/api/v1/write-keys", "/api/v1/write-keys", BAD_JSON, ADMIN),
            roles("GET", "/api/v1/write-keys", "/api/v1/write-keys", null, ADMIN),
            roles("DELETE", "/api/v1/write-keys/{id}", "/api/v1/write-keys/no-such-key", null, ADMIN),
            // The API's OpenAPI description: for anyone.
            publicly("GET", "/api/openapi", "/api/openapi", null),
            publicly("GET", "/api/openapi.yaml", "/api/openapi.yaml", null),
            // The audit log: admins only.
            roles("GET", "/api/v1/audit", "/api/v1/audit", null, ADMIN),
            // Actuator: health for everyone (load balancers), the rest for admins and operators.
            publicly("GET", "/actuator/health", "/actuator/health", null),
            publicly("GET", "/actuator/health/**", "/actuator/health/liveness", null),
            roles("GET", "/actuator", "/actuator", null, ADMIN, OPERATOR),
            roles("GET", "/actuator/info", "/actuator/info", null, ADMIN, OPERATOR),
            roles("GET", "/actuator/metrics", "/actuator/metrics", null, ADMIN, OPERATOR),
            roles("GET", "/actuator/prometheus", "/actuator/prometheus", null, ADMIN, OPERATOR),
            roles("GET", "/actuator/metrics/{requiredMetricName}", "/actuator/metrics/jvm.threads.live", null,
                    ADMIN, OPERATOR),
            // Segment's tracking API: write keys of both kinds, but a browser key may not alias (merge profiles).
            // Bodies are JSON, so that the key is checked, and then refused as messages (400).
            writeKey("POST", "/v1/{type:identify|track|page|screen|group|alias|i|t|p|s|g|a}", "/v1/track", "{}", SERVER_KEY, BROWSER_KEY),
            writeKey("POST", "/v1/{type:identify|track|page|screen|group|alias|i|t|p|s|g|a}", "/v1/t", "{}", SERVER_KEY, BROWSER_KEY),
            writeKey("POST", "/v1/{type:identify|track|page|screen|group|alias|i|t|p|s|g|a}", "/v1/group", "{}", SERVER_KEY, BROWSER_KEY),
            writeKey("POST", "/v1/{type:identify|track|page|screen|group|alias|i|t|p|s|g|a}", "/v1/alias", "{}", SERVER_KEY),
            writeKey("POST", "/v1/{type:identify|track|page|screen|group|alias|i|t|p|s|g|a}", "/v1/a", "{}", SERVER_KEY),
            writeKey("POST", "/v1/batch", "/v1/batch", "{\"batch\":[{}]}", SERVER_KEY, BROWSER_KEY),
            writeKey("POST", "/v1/b", "/v1/b", "{\"batch\":[{}]}", SERVER_KEY, BROWSER_KEY),
            // The recipients' pages: the signed token in the link is the credential (a bad one is refused by them).
            publicly("GET", "/u/{token}", "/u/not-a-signed-token", null),
            publicly("POST", "/u/{token}", "/u/not-a-signed-token", null),
            publicly("GET", "/u/{token}/preferences", "/u/not-a-signed-token/preferences", null),
            publicly("POST", "/u/{token}/preferences", "/u/not-a-signed-token/preferences", null),
            publicly("GET", "/s/{token}", "/s/not-a-signed-token", null),
            publicly("POST", "/s/{token}", "/s/not-a-signed-token", null),
            // The mail providers' bounce and complaint webhooks: signed by the provider.
            signed("/webhooks/ses"), signed("/webhooks/sendgrid"), signed("/webhooks/mailgun"),
            signed("/webhooks/postmark"),
            // The SMS provider's webhooks (replies and delivery statuses): signed by the provider (X-Twilio-Signature).
            signed("/webhooks/sms/inbound"), signed("/webhooks/sms/status"),
            // The WhatsApp Cloud API's webhook: notifications signed by Meta (X-Hub-Signature-256); the subscription
            // handshake answers anyone who knows the verify token (others get 403 from the controller).
            signed("/webhooks/whatsapp"),
            publicly("GET", "/webhooks/whatsapp", "/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token="
                    + TestWhatsAppProvider.VERIFY_TOKEN + "&hub.challenge=1", null),
            // Open pixels and tracked links: signed per email (a bad token is a 404, never a redirect).
            publicly("GET", "/o/{token}", "/o/not-a-signed-token", null),
            publicly("GET", "/c/{token}", "/c/not-a-signed-token", null),
            publicly("HEAD", "/c/{token}", "/c/not-a-signed-token", null),
            // Referral links: a redirect to the brand's website, for anyone.
            publicly("GET", "/r/{code}", "/r/NO-SUCH-CODE", null),
            // Spring's error page (problem+json).
            publicly("*", "/error", "/error", null),
            // The console (docs/console.md): its sign-in form and refusal page for anyone, its pages by role (a
            // browser signs in with the form; scripts, like this test, may send HTTP Basic).
            publicly("GET", "/login", "/login", null),
            publicly("*", "/forbidden", "/forbidden", null),
            roles("GET", "/", "/", null, ADMIN, MARKETER, OPERATOR),
            roles("GET", "/stage-flows", "/stage-flows", null, ADMIN, MARKETER, OPERATOR),
            roles("GET", "/home/figures", "/home/figures", null, ADMIN, MARKETER, OPERATOR),
            roles("GET", "/journeys", "/journeys", null, ADMIN, MARKETER, OPERATOR),
            roles("GET", "/journeys/{key}", "/journeys/no-such-journey", null, ADMIN, MARKETER, OPERATOR),
            roles("GET", "/journeys/{key}/guide", "/journeys/no-such-journey/guide", null, ADMIN, MARKETER, OPERATOR),
            consoleForm("POST", "/journeys", "/journeys", ADMIN, MARKETER),
            roles("GET", "/journeys/{key}/versions/{version}/bpmn", "/journeys/no-such-journey/versions/1/bpmn", null,
                    ADMIN, MARKETER, OPERATOR),
            roles("GET", "/journeys/{key}/changes", "/journeys/no-such-journey/changes", null,
                    ADMIN, MARKETER, OPERATOR),
            roles("GET", "/journeys/{key}/changes/data", "/journeys/no-such-journey/changes/data?from=1&to=2", null,
                    ADMIN, MARKETER, OPERATOR),
            roles("GET", "/journeys/{key}/summary", "/journeys/no-such-journey/summary", null,
                    ADMIN, MARKETER, OPERATOR),
            roles("GET", "/journeys/{key}/diagram", "/journeys/no-such-journey/diagram", null,
                    ADMIN, MARKETER, OPERATOR),
            roles("GET", "/journeys/{key}/figures", "/journeys/no-such-journey/figures", null,
                    ADMIN, MARKETER, OPERATOR),
            // Moving a journey's customers to another version: marketers and admins only, as on the API.
            consoleForm("POST", "/journeys/{key}/experiments/{experiment}/decision",
                    "/journeys/no-such-journey/experiments/no-such-experiment/decision", ADMIN, MARKETER),
            consoleForm("POST", "/journeys/{key}/experiments/{experiment}/stop",
                    "/journeys/no-such-journey/experiments/no-such-experiment/stop", ADMIN, MARKETER),
            roles("GET", "/journeys/{key}/migrate", "/journeys/no-such-journey/migrate", null, ADMIN, MARKETER),
            consoleForm("POST", "/journeys/{key}/migrate", "/journeys/no-such-journey/migrate", ADMIN, MARKETER),
            consoleForm("POST", "/journeys/{key}/migrate/preview", "/journeys/no-such-journey/migrate/preview",
                    ADMIN, MARKETER),
            roles("GET", "/journeys/{key}/migrate/{id}/progress", "/journeys/no-such-journey/migrate/1/progress",
                    null, ADMIN, MARKETER),
            // Simulating a journey before it goes live: marketers and admins only, as running one on the API.
            roles("GET", "/journeys/{key}/simulate", "/journeys/no-such-journey/simulate", null, ADMIN, MARKETER),
            consoleForm("POST", "/journeys/{key}/simulate", "/journeys/no-such-journey/simulate", ADMIN, MARKETER),
            consoleForm("POST", "/journeys/{key}/simulate/try", "/journeys/no-such-journey/simulate/try", ADMIN,
                    MARKETER),
            consoleForm("POST", "/journeys/{key}/simulate/{id}/cancel", "/journeys/no-such-journey/simulate/1/cancel",
                    ADMIN, MARKETER),
            roles("GET", "/journeys/{key}/simulate/{id}/progress", "/journeys/no-such-journey/simulate/1/progress",
                    null, ADMIN, MARKETER),
            roles("GET", "/journeys/{key}/simulate/{id}/bpmn", "/journeys/no-such-journey/simulate/1/bpmn", null,
                    ADMIN, MARKETER),
            roles("GET", "/journeys/{key}/simulate/{id}/report", "/journeys/no-such-journey/simulate/1/report", null,
                    ADMIN, MARKETER),
            roles("GET", "/journeys/{key}/simulate/{id}/customers",
                    "/journeys/no-such-journey/simulate/1/customers?customerId=c1", null, ADMIN, MARKETER),
            roles("GET", "/customers", "/customers?q=no-such-customer", null, ADMIN, MARKETER, OPERATOR),
            roles("GET", "/customers/{id}", "/customers/no-such-customer", null, ADMIN, MARKETER, OPERATOR),
            roles("GET", "/customers/{id}/export", "/customers/no-such-customer/export", null, ADMIN),
            roles("GET", "/customers/{id}/emails/{emailId}", "/customers/no-such-customer/emails/1", null,
                    ADMIN, MARKETER, OPERATOR),
            roles("GET", "/customers/{id}/emails/{emailId}/html", "/customers/no-such-customer/emails/1/html", null,
                    ADMIN, MARKETER, OPERATOR),
            consoleForm("POST", "/customers/{id}/erase", "/customers/no-such-customer/erase", ADMIN),
            // The console's imports: admins only, as on the API.
            roles("GET", "/audit", "/audit", null, ADMIN),
            roles("GET", "/audit/export.csv", "/audit/export.csv", null, ADMIN),
            roles("GET", "/imports", "/imports", null, ADMIN),
            consoleForm("POST", "/imports", "/imports", ADMIN),
            roles("GET", "/imports/{id}", "/imports/987654321", null, ADMIN),
            roles("GET", "/imports/{id}/progress", "/imports/987654321/progress", null, ADMIN),
            roles("GET", "/imports/{id}/errors.csv", "/imports/987654321/errors.csv", null, ADMIN),
            consoleForm("POST", "/imports/{id}/stop", "/imports/987654321/stop", ADMIN),
            consoleForm("POST", "/imports/{id}/restart", "/imports/987654321/restart", ADMIN),
            // Templates: approvers read them (not the editor) and approve or reject; marketers change them.
            roles("GET", "/templates", "/templates", null, ADMIN, MARKETER, APPROVER),
            consoleForm("POST", "/templates", "/templates", ADMIN, MARKETER),
            roles("GET", "/templates/approvals", "/templates/approvals", null, ADMIN, MARKETER, APPROVER),
            roles("GET", "/templates/{key}", "/templates/no-such-template", null, ADMIN, MARKETER, APPROVER),
            roles("GET", "/templates/{key}/preview.html", "/templates/no-such-template/preview.html", null,
                    ADMIN, MARKETER, APPROVER),
            consoleForm("POST", "/templates/{key}/test-send", "/templates/no-such-template/test-send",
                    ADMIN, MARKETER),
            roles("GET", "/templates/{key}/versions/{version}", "/templates/no-such-template/versions/1", null,
                    ADMIN, MARKETER, APPROVER),
            roles("GET", "/templates/{key}/edit", "/templates/no-such-template/edit", null, ADMIN, MARKETER),
            consoleForm("POST", "/templates/{key}/edit", "/templates/no-such-template/edit", ADMIN, MARKETER),
            consoleForm("POST", "/templates/{key}/edit/preview", "/templates/no-such-template/edit/preview",
                    ADMIN, MARKETER),
            consoleForm("POST", "/templates/{key}/edit/test-send", "/templates/no-such-template/edit/test-send",
                    ADMIN, MARKETER),
            roles("GET", "/templates/{key}/edit/preview.html", "/templates/no-such-template/edit/preview.html", null,
                    ADMIN, MARKETER),
            consoleForm("POST", "/templates/{key}/versions/{version}/publish",
                    "/templates/no-such-template/versions/1/publish", ADMIN, MARKETER),
            consoleForm("POST", "/templates/{key}/versions/{version}/rollback",
                    "/templates/no-such-template/versions/1/rollback", ADMIN, MARKETER),
            consoleForm("POST", "/templates/{key}/versions/{version}/approve",
                    "/templates/no-such-template/versions/1/approve", ADMIN, APPROVER),
            consoleForm("POST", "/templates/{key}/versions/{version}/reject",
                    "/templates/no-such-template/versions/1/reject", ADMIN, APPROVER),
            // Broadcasts: admins and marketers compose, preview, test, schedule, follow, stop and resume them.
            roles("GET", "/broadcasts", "/broadcasts", null, ADMIN, MARKETER),
            consoleForm("POST", "/broadcasts", "/broadcasts", ADMIN, MARKETER),
            roles("GET", "/broadcasts/preview", "/broadcasts/preview?segment=no-such-segment&template=welcome", null,
                    ADMIN, MARKETER),
            roles("GET", "/broadcasts/preview/frame",
                    "/broadcasts/preview/frame?segment=no-such-segment&template=welcome&customer=nobody", null,
                    ADMIN, MARKETER),
            consoleForm("POST", "/broadcasts/test-send", "/broadcasts/test-send", ADMIN, MARKETER),
            consoleForm("POST", "/broadcasts/scheduled/{id}/cancel", "/broadcasts/scheduled/no-such-broadcast/cancel",
                    ADMIN, MARKETER),
            roles("GET", "/broadcasts/{executionId:\\d+}", "/broadcasts/987654321", null, ADMIN, MARKETER),
            roles("GET", "/broadcasts/{executionId:\\d+}/progress", "/broadcasts/987654321/progress", null,
                    ADMIN, MARKETER),
            consoleForm("POST", "/broadcasts/{executionId:\\d+}/stop", "/broadcasts/987654321/stop", ADMIN, MARKETER),
            consoleForm("POST", "/broadcasts/{executionId:\\d+}/resume", "/broadcasts/987654321/resume",
                    ADMIN, MARKETER),
            // The console's segments: everyone reads them; admins and marketers build (with a live count), save
            // and delete them (SegmentsBrowserTest); an operator asking for a new segment's builder is refused.
            roles("GET", "/segments", "/segments", null, ADMIN, MARKETER, OPERATOR),
            roles("GET", "/segments/new", "/segments/new", null, ADMIN, MARKETER),
            roles("GET", "/segments/{key}", "/segments/no-such-segment", null, ADMIN, MARKETER, OPERATOR),
            roles("GET", "/segments/{key}/members", "/segments/no-such-segment/members", null,
                    ADMIN, MARKETER, OPERATOR),
            consoleForm("POST", "/segments", "/segments", ADMIN, MARKETER),
            consoleForm("POST", "/segments/count", "/segments/count", ADMIN, MARKETER),
            consoleForm("POST", "/segments/{key}/delete", "/segments/no-such-segment/delete", ADMIN, MARKETER));

    @Autowired
    ApplicationContext context;

    private final Map<Caller, StageflowClient> clients = new EnumMap<>(Caller.class);

    @BeforeAll
    void callers() {
        clients.put(NOBODY, client(null, null));
        clients.put(ADMIN, client());
        clients.put(OPERATOR, client(newUser(Roles.OPERATOR, PASSWORD), PASSWORD));
        clients.put(MARKETER, client(newUser(Roles.MARKETER, PASSWORD), PASSWORD));
        clients.put(APPROVER, client(newUser(Roles.APPROVER, PASSWORD), PASSWORD));
        clients.put(CUSTOMER_SUCCESS, client(newUser("customer-success", PASSWORD), PASSWORD));
        clients.put(SERVER_KEY, client(client().newWriteKey("endpoint-roles-server"), ""));
        String browserKey = client().post("/api/v1/write-keys", "{\"name\":\"endpoint-roles-browser\",\"kind\":\"browser\"}")
                .expectStatus(201).json().path("key").asText();
        clients.put(BROWSER_KEY, client(browserKey, ""));
    }

    static Stream<Arguments> everyEndpointForEveryCaller() {
        return ENDPOINTS.stream().flatMap(endpoint -> Arrays.stream(Caller.values())
                .map(caller -> Arguments.of(endpoint, caller)));
    }

    @ParameterizedTest(name = "{0} as {1}")
    @MethodSource("everyEndpointForEveryCaller")
    void eachCallerGetsWhatItsRoleAllows(Endpoint endpoint, Caller caller) {
        Response response = call(endpoint, caller);
        String seen = endpoint + " as " + caller + ": " + response.status() + " " + response.body();

        switch (expectation(endpoint, caller)) {
            case UNAUTHENTICATED -> assertThat(response.status()).as(seen).isEqualTo(401);
            case FORBIDDEN -> assertThat(response.status()).as(seen).isEqualTo(403);
            case ADMITTED -> {
                assertThat(response.status()).as(seen).isNotIn(401, 403).isLessThan(500);
                awaitTheJobItStarted(endpoint, response);
            }
        }
    }

    @Test
    void everyEndpointOfTheApplicationIsInTheTable() {
        Set<String> mapped = mappings();
        Set<String> inTable = new TreeSet<>();
        ENDPOINTS.forEach(endpoint -> inTable.add(endpoint.mapping()));

        Set<String> missing = new TreeSet<>(mapped);
        missing.removeAll(inTable);
        assertThat(missing).as("endpoints without a row in EndpointRolesTest.ENDPOINTS (add who may call them)")
                .isEmpty();
        Set<String> stale = new TreeSet<>(inTable);
        stale.removeAll(mapped);
        assertThat(stale).as("rows of EndpointRolesTest.ENDPOINTS for endpoints the application no longer has")
                .isEmpty();
    }

    @Test
    void noProtectedRowAdmitsStrangersOrEveryone() {
        for (Endpoint endpoint : ENDPOINTS) {
            if (endpoint.access() != PUBLIC && endpoint.access() != Access.SIGNATURE) {
                assertThat(endpoint.allowed()).as("%s: who may call it", endpoint)
                        .doesNotContain(NOBODY).doesNotContain(CUSTOMER_SUCCESS).isNotEmpty();
            }
        }
    }

    /** Every method and path pattern Spring MVC dispatches (controllers and actuator), as {@code "GET /path"}. */
    private Set<String> mappings() {
        Set<String> mappings = new TreeSet<>();
        for (RequestMappingInfoHandlerMapping handlerMapping
                : context.getBeansOfType(RequestMappingInfoHandlerMapping.class).values()) {
            for (RequestMappingInfo info : handlerMapping.getHandlerMethods().keySet()) {
                Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
                for (String pattern : info.getPatternValues()) {
                    if (methods.isEmpty()) {
                        mappings.add("* " + pattern);
                    }
                    methods.forEach(method -> mappings.add(method.name() + " " + pattern));
                }
            }
        }
        // Routes mapped by URL to a handler that states its methods (tracking's), ahead of the controllers; the static
        // resources (WebJars, the console's assets) are not endpoints.
        for (org.springframework.web.servlet.handler.AbstractUrlHandlerMapping handlerMapping
                : context.getBeansOfType(org.springframework.web.servlet.handler.AbstractUrlHandlerMapping.class)
                        .values()) {
            handlerMapping.getHandlerMap().forEach((pattern, handler) -> {
                if (handler instanceof org.springframework.web.servlet.support.WebContentGenerator route
                        && !(handler instanceof org.springframework.web.servlet.resource.ResourceHttpRequestHandler)) {
                    java.util.Arrays.stream(route.getSupportedMethods())
                            .forEach(method -> mappings.add(method + " " + pattern));
                }
            });
        }
        return mappings;
    }

    private enum Expectation {
        UNAUTHENTICATED, FORBIDDEN, ADMITTED
    }

    private static Expectation expectation(Endpoint endpoint, Caller caller) {
        if (endpoint.access() == CONSOLE_FORM) {
            return Expectation.FORBIDDEN;
        }
        if (endpoint.access() == Access.SIGNATURE) {
            return Expectation.UNAUTHENTICATED;
        }
        if (endpoint.access() == PUBLIC || endpoint.allowed().contains(caller)) {
            return Expectation.ADMITTED;
        }
        if (caller == NOBODY) {
            return Expectation.UNAUTHENTICATED;
        }
        if (endpoint.access() == WRITE_KEY && !caller.isWriteKey()) {
            return Expectation.UNAUTHENTICATED; // a user name is not a write key
        }
        return Expectation.FORBIDDEN;
    }

    private Response call(Endpoint endpoint, Caller caller) {
        String method = endpoint.method().equals("*") ? "GET" : endpoint.method();
        StageflowClient client = clients.get(caller);
        HttpRequest.Builder request = HttpRequest.newBuilder(client.uri(endpoint.path()));
        if (endpoint.body() == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(endpoint.body()));
        }
        return client.send(request, caller != NOBODY);
    }

    /** An admitted call that started a job (the inactivity scan) is left to finish, so no later test meets it. */
    private void awaitTheJobItStarted(Endpoint endpoint, Response response) {
        if (response.status() != 202 || !endpoint.path().startsWith("/api/v1/jobs/")) {
            return;
        }
        long id = response.json().path("id").asLong();
        await().atMost(PATIENCE).until(() -> !Set.of("STARTING", "STARTED", "STOPPING")
                .contains(client().get("/api/v1/jobs/" + id).expectStatus(200).json().path("status").asText()));
    }

    private static Endpoint roles(String method, String pattern, String path, String body, Caller... allowed) {
        return new Endpoint(method, pattern, path, body, ROLES, Set.of(allowed));
    }

    private static Endpoint writeKey(String method, String pattern, String path, String body, Caller... allowed) {
        return new Endpoint(method, pattern, path, body, WRITE_KEY, Set.of(allowed));
    }

    private static Endpoint consoleForm(String method, String pattern, String path, Caller... allowed) {
        return new Endpoint(method, pattern, path, null, CONSOLE_FORM, Set.of(allowed));
    }

    private static Endpoint signed(String path) {
        return new Endpoint("POST", path, path, "{}", Access.SIGNATURE, Set.of());
    }

    private static Endpoint publicly(String method, String pattern, String path, String body) {
        return new Endpoint(method, pattern, path, body, PUBLIC, Set.of(Caller.values()));
    }
}
