package io.stageflow.events;

import java.io.IOException;
import io.stageflow.security.WriteKey;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsUtils;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Cross-origin calls to the tracking API from web pages (analytics.js), for browser write keys only, from the
 * origins {@code stageflow.events.tracking-api.allowed-origins} lists. The preflight ({@code OPTIONS} with
 * {@code Access-Control-Request-Method}, which carries no key) is answered here for an allowed origin, since the
 * key's kind is not known yet; the call itself gets {@code Access-Control-Allow-Origin} from the controller only
 * when its key is a browser key, so a page can never read what a server key's call answered.
 */
@Component
class TrackingApiCors extends OncePerRequestFilter {

    /** Headers analytics.js sends: its text/plain body, the key as HTTP Basic, and its retry counter. */
    private static final String ALLOWED_HEADERS = "Content-Type, Authorization, X-Retry-Count";

    private final CorsConfiguration origins = new CorsConfiguration();

    TrackingApiCors(TrackingApiProperties properties) {
        origins.setAllowedOriginPatterns(properties.allowedOrigins());
    }

    /** The CORS headers of an answer to this key's call: none for a server key or an origin not listed. */
    HttpHeaders headersFor(WriteKey.Kind kind, HttpServletRequest request) {
        HttpHeaders headers = new HttpHeaders();
        String origin = request.getHeader(HttpHeaders.ORIGIN);
        if (origin != null) {
            headers.add(HttpHeaders.VARY, HttpHeaders.ORIGIN);
            String allowed = origins.checkOrigin(origin);
            if (kind == WriteKey.Kind.BROWSER && allowed != null) {
                headers.set(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            }
        }
        return headers;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !request.getRequestURI().startsWith(request.getContextPath() + "/v1/")
                || !CorsUtils.isPreFlightRequest(request);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String origin = request.getHeader(HttpHeaders.ORIGIN);
        response.addHeader(HttpHeaders.VARY, HttpHeaders.ORIGIN);
        String method = request.getHeader(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD);
        if (origins.checkOrigin(origin) == null || !HttpMethod.POST.matches(method)) {
            response.setStatus(HttpStatus.FORBIDDEN.value());
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            response.getWriter().write("""
                    {"type":"about:blank","title":"Forbidden","status":403,"detail":"Cross-origin calls are \
                    accepted from the origins stageflow.events.tracking-api.allowed-origins lists, with POST"}""");
            return;
        }
        response.setStatus(HttpStatus.NO_CONTENT.value());
        response.setHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        response.setHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, "POST");
        response.setHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS, ALLOWED_HEADERS);
        response.setHeader(HttpHeaders.ACCESS_CONTROL_MAX_AGE, "86400");
    }
}
