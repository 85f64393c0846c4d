package io.stageflow.audit;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.autoconfigure.security.SecurityProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authorization.AuthorizationEventPublisher;
import org.springframework.security.authorization.SpringAuthorizationEventPublisher;
import org.springframework.security.authorization.event.AuthorizationDeniedEvent;
import org.springframework.security.core.Authentication;

/**
 * Wires the audit log in: its filter just inside Spring Security, and a listener for the calls Spring Security
 * refuses for want of a role, which Spring Security reports as events once such a publisher exists.
 */
@Configuration(proxyBeanMethods = false)
class AuditConfiguration {

    private final AuditedRoutes routes;
    private final AuditRecorder recorder;

    AuditConfiguration(AuditedRoutes routes, AuditRecorder recorder) {
        this.routes = routes;
        this.recorder = recorder;
    }

    @Bean
    FilterRegistrationBean<AuditFilter> auditFilter() {
        FilterRegistrationBean<AuditFilter> registration = new FilterRegistrationBean<>(
                new AuditFilter(routes, recorder));
        registration.setName("audit-log");
        registration.setOrder(SecurityProperties.DEFAULT_FILTER_ORDER + 1);
        return registration;
    }

    /** Spring Security publishes its refusals only through such a publisher; granted calls are not published. */
    @Bean
    AuthorizationEventPublisher authorizationEventPublisher(ApplicationEventPublisher events) {
        return new SpringAuthorizationEventPublisher(events);
    }

    /** A signed-in user or key refused an audited route: a change denied. Strangers (401) are not audited. */
    @EventListener
    void denied(AuthorizationDeniedEvent<?> event) {
        if (!(event.getObject() instanceof HttpServletRequest request)) {
            return;
        }
        Authentication authentication = event.getAuthentication().get();
        if (authentication == null || !authentication.isAuthenticated()
                || authentication instanceof AnonymousAuthenticationToken) {
            return;
        }
        routes.match(request.getMethod(), request.getRequestURI().substring(request.getContextPath().length()))
                .ifPresent(match -> recorder.record(request, null, match, authentication, AuditEntry.DENIED, 403));
    }
}
