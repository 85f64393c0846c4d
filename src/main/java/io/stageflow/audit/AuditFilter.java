package io.stageflow.audit;

import java.io.IOException;
import java.util.Optional;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingRequestWrapper;

/**
 * Just inside Spring Security (so the caller is known), around every request: a call of an audited route that
 * succeeded (2xx or 3xx) is a change done; one answered 403 by the route itself or by the engine is a change
 * denied. Spring Security's own refusals never get here; {@link AuditConfiguration} hears of those.
 */
class AuditFilter extends OncePerRequestFilter {

    /** A JSON body naming the target is kept up to this size for reading after the call; it is read anyway. */
    private static final int BODY_KEPT = 64 * 1024;

    private final AuditedRoutes routes;
    private final AuditRecorder recorder;

    AuditFilter(AuditedRoutes routes, AuditRecorder recorder) {
        this.routes = routes;
        this.recorder = recorder;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Optional<AuditedRoutes.Match> match = routes.match(request.getMethod(),
                request.getRequestURI().substring(request.getContextPath().length()));
        if (match.isEmpty()) {
            chain.doFilter(request, response);
            return;
        }
        HttpServletRequest handled = match.get().route().readsJsonBody()
                ? new ContentCachingRequestWrapper(request, BODY_KEPT) : request;
        HeldResponse held = new HeldResponse(response);
        chain.doFilter(handled, held);
        int status = response.getStatus();
        if (status < 400 || status == HttpServletResponse.SC_FORBIDDEN) {
            recorder.record(handled, response, match.get(), SecurityContextHolder.getContext().getAuthentication(),
                    status < 400 ? AuditEntry.DONE : AuditEntry.DENIED, status);
        }
    }
}
