package io.stageflow.security;

import java.util.List;

import io.stageflow.web.ConsolePaths;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.HeadersConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandlerImpl;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.AnyRequestMatcher;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Who may call what.
 * <ul>
 * <li>{@code /api/**}: HTTP Basic, stateless (no session, so no cookie for CSRF to abuse), by role.</li>
 * <li>{@code /o/*} and {@code /c/*}: open pixels and tracked links, signed per email, for anyone.</li>
 * <li>{@code /v1/**} (Segment): the controller checks the write key, which may also come in the body. Web pages'
 * cross-origin calls (CORS) are for browser keys from the allowed origins only: the events feature's
 * {@code TrackingApiCors} answers their preflights and the controller adds the header to a browser key's answers.</li>
 * <li>{@code /u/**}: unsubscribe links, open to anyone holding a signed link; mail clients POST to them
 * without cookies or CSRF tokens (RFC 8058).</li>
 * <li>{@code /engine-rest/**} and {@code /camunda/**}: the engine's own authentication (HTTP Basic for the REST
 * API, session login with CSRF tokens for Cockpit and Tasklist), backed by the same users, with Camunda
 * authorizations on.</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    private static final String ADMIN = Roles.ADMIN;
    private static final String MARKETER = Roles.MARKETER;
    private static final String OPERATOR = Roles.OPERATOR;
    private static final String APPROVER = Roles.APPROVER;
    private static final String INGEST = Roles.INGEST;

    /**
     * Plain path patterns, not Spring MVC ones: {@code /engine-rest} is served by Jersey, a second servlet, which
     * MVC-aware matchers cannot see.
     */
    private static final PathPatternRequestMatcher.Builder PATHS = PathPatternRequestMatcher.withDefaults();

    @Bean
    @Order(1)
    SecurityFilterChain api(HttpSecurity http, List<AuthenticationProvider> providers) throws Exception {
        ProblemResponses problems = new ProblemResponses();
        return http
                .securityMatcher(new OrRequestMatcher(paths("/api/**", "/actuator/**")))
                .authenticationManager(new ProviderManager(providers))
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(csrf -> csrf.disable())
                .httpBasic(basic -> basic.authenticationEntryPoint(problems))
                .exceptionHandling(errors -> errors.authenticationEntryPoint(problems).accessDeniedHandler(problems))
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers(paths("/actuator/health", "/actuator/health/**")).permitAll()
                        // The API's OpenAPI description: what the routes are, for anyone (docs/api.md).
                        .requestMatchers(PATHS.matcher(HttpMethod.GET, "/api/openapi"),
                                PATHS.matcher(HttpMethod.GET, "/api/openapi.yaml")).permitAll()
                        .requestMatchers(paths("/actuator/**")).hasAnyRole(ADMIN, OPERATOR)
                        // A browser write key (INGEST_BROWSER) is admitted nowhere under /api: browsers use /v1/**.
                        .requestMatchers(PATHS.matcher(HttpMethod.POST, "/api/v1/events")).hasAnyRole(INGEST, ADMIN)
                        // Dead-lettered events: the operators' list and retry (docs/events.md).
                        .requestMatchers(PATHS.matcher(HttpMethod.GET, "/api/v1/events"),
                                PATHS.matcher(HttpMethod.POST, "/api/v1/events/*/retry"))
                            .hasAnyRole(ADMIN, OPERATOR)
                        .requestMatchers(PATHS.matcher(HttpMethod.GET, "/api/v1/events/*"),
                                PATHS.matcher(HttpMethod.GET, "/api/v1/customers/*"),
                                PATHS.matcher(HttpMethod.GET, "/api/v1/customers/*/messages"),
                                PATHS.matcher(HttpMethod.GET, "/api/v1/customers/*/stages"),
                                PATHS.matcher(HttpMethod.GET, "/api/v1/customers/*/referral"),
                                PATHS.matcher(HttpMethod.GET, "/api/v1/customers/*/loyalty"),
                                PATHS.matcher(HttpMethod.GET, "/api/v1/customers/*/loyalty/points"),
                                PATHS.matcher(HttpMethod.GET, "/api/v1/stages"),
                                PATHS.matcher(HttpMethod.GET, "/api/v1/analytics/**"))
                            .hasAnyRole(ADMIN, MARKETER, OPERATOR)
                        // Templates and their versions: the marketers' to read, create, change and publish. Approvers
                        // read and preview them, and approve or reject the publishing asked for; they change nothing.
                        .requestMatchers(PATHS.matcher(HttpMethod.POST, "/api/v1/templates/*/versions/*/approve"),
                                PATHS.matcher(HttpMethod.POST, "/api/v1/templates/*/versions/*/reject"))
                            .hasAnyRole(ADMIN, APPROVER)
                        .requestMatchers(PATHS.matcher(HttpMethod.GET, "/api/v1/templates"),
                                PATHS.matcher(HttpMethod.GET, "/api/v1/templates/**"),
                                PATHS.matcher(HttpMethod.POST, "/api/v1/templates/*/preview"),
                                // A webhook's, an SMS's or a WhatsApp step's message previewed for a customer.
                                PATHS.matcher(HttpMethod.POST, "/api/v1/channel-previews"))
                            .hasAnyRole(ADMIN, MARKETER, APPROVER)
                        .requestMatchers(PATHS.matcher(HttpMethod.POST, "/api/v1/templates"),
                                PATHS.matcher(HttpMethod.POST, "/api/v1/templates/**"))
                            .hasAnyRole(ADMIN, MARKETER)
                        // Journeys as versions: everyone reads them, and the moves of customers between versions;
                        // marketers deploy, as from Camunda Modeler, and move customers to another version.
                        .requestMatchers(PATHS.matcher(HttpMethod.GET, "/api/v1/journeys/**"))
                            .hasAnyRole(ADMIN, MARKETER, OPERATOR)
                        .requestMatchers(PATHS.matcher(HttpMethod.POST, "/api/v1/journeys"),
                                PATHS.matcher(HttpMethod.POST, "/api/v1/journeys/*/migrations"),
                                PATHS.matcher(HttpMethod.POST, "/api/v1/journeys/*/migrations/preview"),
                                // Simulations before going live: marketers and admins run them, everyone reads them.
                                PATHS.matcher(HttpMethod.POST, "/api/v1/journeys/*/simulations"),
                                PATHS.matcher(HttpMethod.POST, "/api/v1/journeys/*/simulations/*/cancel"),
                                PATHS.matcher(HttpMethod.POST, "/api/v1/journeys/*/try"))
                            .hasAnyRole(ADMIN, MARKETER)
                        .requestMatchers(PATHS.matcher(HttpMethod.GET, "/api/v1/segments/**"))
                            .hasAnyRole(ADMIN, MARKETER, OPERATOR)
                        .requestMatchers(PATHS.matcher("/api/v1/segments/**")).hasAnyRole(ADMIN, MARKETER)
                        // The shop's checkout asks with its write key whether a code is usable; it never redeems.
                        .requestMatchers(PATHS.matcher(HttpMethod.POST, "/api/v1/coupons/*/validate"))
                            .hasAnyRole(INGEST, ADMIN, MARKETER)
                        .requestMatchers(PATHS.matcher(HttpMethod.GET, "/api/v1/offers/**"),
                                PATHS.matcher(HttpMethod.GET, "/api/v1/coupons/attribution"))
                            .hasAnyRole(ADMIN, MARKETER, OPERATOR)
                        .requestMatchers(PATHS.matcher("/api/v1/offers/**")).hasAnyRole(ADMIN, MARKETER)
                        // Experiments, like offers: everyone who works with journeys reads the results; marketers
                        // and admins decide them (docs/experiments.md).
                        .requestMatchers(PATHS.matcher(HttpMethod.GET, "/api/v1/experiments"),
                                PATHS.matcher(HttpMethod.GET, "/api/v1/experiments/**"))
                            .hasAnyRole(ADMIN, MARKETER, OPERATOR)
                        .requestMatchers(PATHS.matcher("/api/v1/experiments/**")).hasAnyRole(ADMIN, MARKETER)
                        // The product catalogue, like offers: everyone who works with emails reads it; the shop's
                        // systems (as an admin or marketer user) and marketers write it (docs/products.md).
                        .requestMatchers(PATHS.matcher(HttpMethod.GET, "/api/v1/products"),
                                PATHS.matcher(HttpMethod.GET, "/api/v1/products/**"))
                            .hasAnyRole(ADMIN, MARKETER, OPERATOR)
                        .requestMatchers(PATHS.matcher("/api/v1/products/**")).hasAnyRole(ADMIN, MARKETER)
                        .requestMatchers(PATHS.matcher(HttpMethod.GET, "/api/v1/jobs/**")).hasAnyRole(ADMIN, OPERATOR)
                        .requestMatchers(PATHS.matcher(HttpMethod.POST, "/api/v1/jobs/inactivity-scan"),
                                PATHS.matcher(HttpMethod.POST, "/api/v1/jobs/recommendations"),
                                PATHS.matcher(HttpMethod.POST, "/api/v1/jobs/prediction-scoring"),
                                PATHS.matcher(HttpMethod.POST, "/api/v1/jobs/*/stop"),
                                PATHS.matcher(HttpMethod.POST, "/api/v1/jobs/*/restart"))
                            .hasAnyRole(ADMIN, OPERATOR)
                        .requestMatchers(PATHS.matcher("/api/v1/broadcasts"), PATHS.matcher("/api/v1/broadcasts/**"))
                            .hasAnyRole(ADMIN, MARKETER)
                        // Points redeemed or corrected by hand: written as the customer API writes, by admins (the
                        // shop's systems and support staff with the admin role).
                        .requestMatchers(PATHS.matcher(HttpMethod.POST, "/api/v1/customers/*/loyalty/redemptions"),
                                PATHS.matcher(HttpMethod.POST, "/api/v1/customers/*/loyalty/adjustments"))
                            .hasRole(ADMIN)
                        // A number's SMS and WhatsApp consent is written as the profile is: by admins
                        // (docs/channels.md).
                        .requestMatchers(PATHS.matcher(HttpMethod.PUT, "/api/v1/customers/*/sms-consent"),
                                PATHS.matcher(HttpMethod.PUT, "/api/v1/customers/*/whatsapp-consent"))
                            .hasRole(ADMIN)
                        .requestMatchers(PATHS.matcher(HttpMethod.POST, "/api/v1/imports"),
                                PATHS.matcher("/api/v1/imports/**")).hasRole(ADMIN)
                        .anyRequest().hasRole(ADMIN))
                .build();
    }

    /**
     * Open pixels ({@code /o/{token}}) and tracked links ({@code /c/{token}}, {@code HEAD} too: scanners send it),
     * signed per email, for whoever has the email: a short chain of their own, since a broadcast brings thousands a
     * second. No session, security context, request cache, CSRF token or sign-in filter is consulted, none of which
     * a pixel or a redirect uses; the console's headers are still written (its Content-Security-Policy on the "Link
     * not found" page; a same-origin referrer policy, so the site a link leads to never sees the token). Any other
     * method is refused.
     */
    @Bean
    @Order(2)
    SecurityFilterChain openAndClickTracking(HttpSecurity http) throws Exception {
        return http
                .securityMatcher(new OrRequestMatcher(paths("/o/*", "/c/*")))
                .csrf(csrf -> csrf.disable())
                .requestCache(cache -> cache.disable())
                .securityContext(context -> context.disable())
                .sessionManagement(session -> session.disable())
                .anonymous(anonymous -> anonymous.disable())
                .servletApi(servletApi -> servletApi.disable())
                .logout(logout -> logout.disable())
                .headers(SecurityConfiguration::consoleHeaders)
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers(PATHS.matcher(HttpMethod.GET, "/o/*")).permitAll()
                        .requestMatchers(PATHS.matcher(HttpMethod.GET, "/c/*")).permitAll()
                        .requestMatchers(PATHS.matcher(HttpMethod.HEAD, "/c/*")).permitAll()
                        .anyRequest().denyAll())
                .build();
    }

    @Bean
    @Order(3)
    SecurityFilterChain engineAndTracking(HttpSecurity http) throws Exception {
        return http
                .securityMatcher(new OrRequestMatcher(paths("/v1/**", "/u/**", "/s/**", "/webhooks/**", "/engine-rest/**",
                        "/camunda/**")))
                .csrf(csrf -> csrf.disable())
                .authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
                .build();
    }

    /** The console's response headers, also on the public pages at the root (pixels and tracked links). */
    private static void consoleHeaders(HeadersConfigurer<HttpSecurity> headers) {
        headers.contentSecurityPolicy(csp -> csp.policyDirectives(ConsolePaths.CONTENT_SECURITY_POLICY))
                // DENY unless the response chose its own, as its own Content-Security-Policy already may: a
                // template's preview is framed by its console page (SAMEORIGIN). Spring's writer would overwrite
                // the preview's choice.
                .frameOptions(frames -> frames.disable())
                .addHeaderWriter((request, response) -> {
                    if (!response.containsHeader("X-Frame-Options")) {
                        response.setHeader("X-Frame-Options", "DENY");
                    }
                })
                .referrerPolicy(referrer -> referrer.policy(
                        org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy
                                .SAME_ORIGIN));
    }

    /** Requests from a browser: they ask for HTML by name (not only through a wildcard). */
    private static RequestMatcher browsers() {
        MediaTypeRequestMatcher html = new MediaTypeRequestMatcher(MediaType.TEXT_HTML);
        html.setIgnoredMediaTypes(java.util.Set.of(MediaType.ALL));
        return html;
    }

    private static AccessDeniedHandlerImpl forbiddenPage() {
        AccessDeniedHandlerImpl page = new AccessDeniedHandlerImpl();
        page.setErrorPage(ConsolePaths.FORBIDDEN);
        return page;
    }

    private static RequestMatcher[] paths(String... patterns) {
        RequestMatcher[] matchers = new RequestMatcher[patterns.length];
        for (int i = 0; i < patterns.length; i++) {
            matchers[i] = PATHS.matcher(patterns[i]);
        }
        return matchers;
    }

    /**
     * The marketer's console and the public links, at the root: form login with the same users and roles as the API,
     * a session, CSRF tokens on every form and htmx request, and a Content-Security-Policy that admits no inline
     * script. Each page states its roles here; anything not listed is denied.
     */
    @Bean
    @Order(4)
    SecurityFilterChain console(HttpSecurity http, List<AuthenticationProvider> providers) throws Exception {
        return http
                .authenticationManager(new ProviderManager(providers))
                // A script (and the roles test) may read a page with HTTP Basic: it gets 401 without credentials, where a
                // browser is sent to the sign-in form. Every POST still needs the session's CSRF token.
                .httpBasic(basic -> { })
                .formLogin(form -> form.loginPage(ConsolePaths.LOGIN).successHandler(new SignInLanding())
                        .failureHandler(new SignInFailures()).permitAll())
                .logout(logout -> logout.logoutUrl(ConsolePaths.LOGOUT)
                        .logoutSuccessUrl(ConsolePaths.LOGIN + "?signed-out").permitAll())
                .headers(SecurityConfiguration::consoleHeaders)
                // A browser that may not see a page gets the console's "Not allowed" page; a script gets problem+json.
                .exceptionHandling(errors -> errors
                        .defaultAccessDeniedHandlerFor(forbiddenPage(), browsers())
                        .defaultAccessDeniedHandlerFor(new ProblemResponses(), AnyRequestMatcher.INSTANCE))
                .authorizeHttpRequests(requests -> requests
                        // The sign-in form with whatever it says (?error, ?throttled, ?signed-out): formLogin's own
                        // permitAll() admits "/login" only without a query.
                        .requestMatchers(paths("/error", "/favicon.ico", ConsolePaths.LOGIN, ConsolePaths.FORBIDDEN,
                                "/console/assets/**",
                                "/webjars/**", "/vendor/**")).permitAll()
                        // Referral links (/r/{code}): a redirect to the brand's website with the code, for anyone.
                        .requestMatchers(PATHS.matcher(HttpMethod.GET, "/r/*")).permitAll()
                        // Moving a journey's customers to another version: marketers and admins (as on the API).
                        .requestMatchers(PATHS.matcher(HttpMethod.GET, ConsolePaths.JOURNEYS + "/*/migrate"),
                                PATHS.matcher(HttpMethod.GET, ConsolePaths.JOURNEYS + "/*/migrate/**"),
                                PATHS.matcher(HttpMethod.POST, ConsolePaths.JOURNEYS + "/*/migrate"),
                                PATHS.matcher(HttpMethod.POST, ConsolePaths.JOURNEYS + "/*/migrate/**"),
                                // Simulating a journey before it goes live: marketers and admins (as on the API).
                                PATHS.matcher(HttpMethod.GET, ConsolePaths.JOURNEYS + "/*/simulate"),
                                PATHS.matcher(HttpMethod.GET, ConsolePaths.JOURNEYS + "/*/simulate/**"),
                                PATHS.matcher(HttpMethod.POST, ConsolePaths.JOURNEYS + "/*/simulate"),
                                PATHS.matcher(HttpMethod.POST, ConsolePaths.JOURNEYS + "/*/simulate/**"),
                                // Deciding or stopping a journey's experiment: marketers and admins (as on the API).
                                PATHS.matcher(HttpMethod.POST, ConsolePaths.JOURNEYS + "/*/experiments/*/decision"),
                                PATHS.matcher(HttpMethod.POST, ConsolePaths.JOURNEYS + "/*/experiments/*/stop"))
                            .hasAnyRole(ADMIN, MARKETER)
                        // The console's pages: the period's figures, the journeys on their diagrams, and the customers.
                        .requestMatchers(PATHS.matcher(HttpMethod.GET, ConsolePaths.HOME),
                                PATHS.matcher(HttpMethod.GET, ConsolePaths.STAGE_FLOWS),
                                PATHS.matcher(HttpMethod.GET, ConsolePaths.HOME_FIGURES),
                                PATHS.matcher(HttpMethod.GET, ConsolePaths.JOURNEYS),
                                PATHS.matcher(HttpMethod.GET, ConsolePaths.JOURNEYS + "/**"),
                                PATHS.matcher(HttpMethod.GET, ConsolePaths.CUSTOMERS),
                                PATHS.matcher(HttpMethod.GET, ConsolePaths.CUSTOMERS + "/*"),
                                PATHS.matcher(HttpMethod.GET, ConsolePaths.CUSTOMERS + "/*/emails/*"),
                                PATHS.matcher(HttpMethod.GET, ConsolePaths.CUSTOMERS + "/*/emails/*/html"))
                            .hasAnyRole(ADMIN, MARKETER, OPERATOR)
                        // Deploying a journey file: the marketers' (as on the API and from Camunda Modeler).
                        .requestMatchers(PATHS.matcher(HttpMethod.POST, ConsolePaths.JOURNEYS))
                            .hasAnyRole(ADMIN, MARKETER)
                        // A customer's personal data: the export and the erasure, for admins only (as on the API).
                        .requestMatchers(PATHS.matcher(HttpMethod.GET, ConsolePaths.CUSTOMERS + "/*/export"),
                                PATHS.matcher(HttpMethod.POST, ConsolePaths.CUSTOMERS + "/*/erase"))
                            .hasRole(ADMIN)
                        // Segments: everyone reads them; marketers build and delete them (as on the API).
                        .requestMatchers(PATHS.matcher(HttpMethod.GET, ConsolePaths.SEGMENTS),
                                PATHS.matcher(HttpMethod.GET, ConsolePaths.SEGMENTS + "/**"))
                            .hasAnyRole(ADMIN, MARKETER, OPERATOR)
                        .requestMatchers(PATHS.matcher(HttpMethod.POST, ConsolePaths.SEGMENTS),
                                PATHS.matcher(HttpMethod.POST, ConsolePaths.SEGMENTS + "/**"))
                            .hasAnyRole(ADMIN, MARKETER)
                        // Templates: approvers read them (not the editor) and approve or reject the publishing
                        // asked for; the rest is the marketers' (as on the API).
                        .requestMatchers(PATHS.matcher(HttpMethod.POST, ConsolePaths.TEMPLATES + "/*/versions/*/approve"),
                                PATHS.matcher(HttpMethod.POST, ConsolePaths.TEMPLATES + "/*/versions/*/reject"))
                            .hasAnyRole(ADMIN, APPROVER)
                        .requestMatchers(PATHS.matcher(HttpMethod.GET, ConsolePaths.TEMPLATES + "/*/edit"),
                                PATHS.matcher(HttpMethod.GET, ConsolePaths.TEMPLATES + "/*/edit/**"))
                            .hasAnyRole(ADMIN, MARKETER)
                        .requestMatchers(PATHS.matcher(HttpMethod.GET, ConsolePaths.TEMPLATES),
                                PATHS.matcher(HttpMethod.GET, ConsolePaths.TEMPLATES + "/**"))
                            .hasAnyRole(ADMIN, MARKETER, APPROVER)
                        // Broadcasts and templates: the marketers' (as on the API).
                        .requestMatchers(PATHS.matcher(ConsolePaths.BROADCASTS),
                                PATHS.matcher(ConsolePaths.BROADCASTS + "/**"),
                                PATHS.matcher(ConsolePaths.TEMPLATES),
                                PATHS.matcher(ConsolePaths.TEMPLATES + "/**"))
                            .hasAnyRole(ADMIN, MARKETER)
                        // The audit log: admins only (as on the API).
                        .requestMatchers(PATHS.matcher(HttpMethod.GET, ConsolePaths.AUDIT),
                                PATHS.matcher(HttpMethod.GET, ConsolePaths.AUDIT + "/**")).hasRole(ADMIN)
                        // Imports write customers' personal data in bulk: admins only (as on the API).
                        .requestMatchers(PATHS.matcher(ConsolePaths.IMPORTS), PATHS.matcher(ConsolePaths.IMPORTS + "/**"))
                            .hasRole(ADMIN)
                        .anyRequest().denyAll())
                .build();
    }
}
