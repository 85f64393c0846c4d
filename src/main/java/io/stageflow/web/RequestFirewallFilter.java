package io.stageflow.web;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.web.firewall.HttpFirewall;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.security.web.firewall.StrictHttpFirewall;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Applies Spring Security's {@link StrictHttpFirewall} first, before any other filter, and answers what it rejects
 * with a 400 problem+json. Spring Security applies the same rules later, but a path such as
 * {@code /v1/track/..;/..;/engine-rest}, which Tomcat maps to another servlet, makes Spring's request-path filter
 * fail with a 500 before the security chain is reached. Nothing is rejected here that Spring Security would let
 * through.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class RequestFirewallFilter extends OncePerRequestFilter {

    private final HttpFirewall firewall = new StrictHttpFirewall();

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            firewall.getFirewalledRequest(request);
        } catch (RequestRejectedException rejected) {
            HttpStatus status = HttpStatus.BAD_REQUEST;
            response.setStatus(status.value());
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            response.getWriter().write("""
                    {"type":"about:blank","title":"%s","status":%d,"detail":"%s"}""".formatted(status.getReasonPhrase(),
                    status.value(), "The request path or a header holds characters or sequences that are refused"
                            + " (such as ;, %25, %2F, // or /../)."));
            return;
        }
        chain.doFilter(request, response);
    }
}
