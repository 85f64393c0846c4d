package io.stageflow.journeys;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.stageflow.security.LoginThrottle;
import io.stageflow.security.LoginThrottledException;
import io.stageflow.security.Roles;
import io.stageflow.web.WebProperties;

import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.identity.Group;
import org.camunda.bpm.engine.impl.plugin.AdministratorAuthorizationPlugin;
import org.camunda.bpm.engine.rest.security.auth.ProcessEngineAuthenticationFilter;
import org.camunda.bpm.engine.rest.security.auth.impl.HttpBasicAuthenticationProvider;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.web.filter.RequestContextFilter;

/**
 * One set of users for everything: Camunda's identity service (ACT_ID_*), which Cockpit, Tasklist and the REST
 * API already use, also backs Stageflow's own API. A user's Camunda groups are their Stageflow roles.
 */
@Configuration(proxyBeanMethods = false)
class EngineSecurityConfiguration {

    /** Members of Camunda's administrator group are Stageflow admins. */
    static final String ADMIN_GROUP = "camunda-admin";

    /** Late in the servlet filter chain (Spring Security runs before), with room for the two filters after it. */
    private static final int ENGINE_AUTHENTICATION_ORDER = Ordered.LOWEST_PRECEDENCE - 10;

    /** Grants the administrator group every permission on every resource, at each engine start. */
    @Bean
    AdministratorAuthorizationPlugin administratorAuthorizationPlugin() {
        AdministratorAuthorizationPlugin plugin = new AdministratorAuthorizationPlugin();
        plugin.setAdministratorGroupName(ADMIN_GROUP);
        return plugin;
    }

    /** HTTP Basic on {@code /engine-rest}, as Camunda Modeler sends it when it deploys, checked by the engine. */
    @Bean
    FilterRegistrationBean<ProcessEngineAuthenticationFilter> engineRestAuthentication() {
        FilterRegistrationBean<ProcessEngineAuthenticationFilter> registration =
                new FilterRegistrationBean<>(new ProcessEngineAuthenticationFilter());
        registration.setName("engine-rest-authentication");
        registration.addInitParameter("authentication-provider", HttpBasicAuthenticationProvider.class.getName());
        registration.addUrlPatterns("/engine-rest/*");
        registration.setOrder(ENGINE_AUTHENTICATION_ORDER);
        return registration;
    }

    /** After Camunda's authentication (which sets the user and groups it reads): who may call what. */
    @Bean
    FilterRegistrationBean<EngineRestAccess> engineRestAccess(IdentityService identityService, ObjectMapper json) {
        FilterRegistrationBean<EngineRestAccess> registration =
                new FilterRegistrationBean<>(new EngineRestAccess(identityService, new EngineProblems(json)));
        registration.setName("engine-rest-access");
        registration.addUrlPatterns("/engine-rest/*");
        registration.setOrder(ENGINE_AUTHENTICATION_ORDER + 1);
        return registration;
    }

    /**
     * After authentication and access, so strangers get 401 and the wrong role 403 whatever they send: no
     * expression outside the allow-list reaches either of the engine's REST APIs.
     */
    @Bean
    FilterRegistrationBean<EngineRequestExpressionWall> engineRequestExpressionWall(ObjectMapper json,
            WebProperties web) {
        FilterRegistrationBean<EngineRequestExpressionWall> registration = new FilterRegistrationBean<>(
                new EngineRequestExpressionWall(new QueryExpressionAllowList(), json, new EngineProblems(json),
                        web.otherMaxRequestSize().toBytes()));
        registration.setName("engine-request-expression-wall");
        registration.addUrlPatterns("/engine-rest/*", "/camunda/api/engine/*");
        registration.setOrder(ENGINE_AUTHENTICATION_ORDER + 2);
        return registration;
    }

    /**
     * The request on the serving thread from the start, for the engine's password checks ({@link ThrottledPasswords})
     * wherever they come from: Spring Security's filters on {@code /api} run before the request context Spring MVC
     * and Jersey would otherwise establish (Jersey's, which this one replaces, comes after them).
     */
    @Bean
    FilterRegistrationBean<RequestContextFilter> requestContextFilter() {
        FilterRegistrationBean<RequestContextFilter> registration = new FilterRegistrationBean<>(new RequestContextFilter());
        registration.setName("requestContextFilter");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 5);
        return registration;
    }

    /**
     * {@code 429} for a throttled sign-in on {@code /engine-rest} and the webapps' login form, before Camunda's
     * authentication filter; after a forwarded-headers filter, so it sees the client's address.
     */
    @Bean
    FilterRegistrationBean<LoginThrottleFilter> loginThrottleFilter(LoginThrottle throttle) {
        FilterRegistrationBean<LoginThrottleFilter> registration =
                new FilterRegistrationBean<>(new LoginThrottleFilter(throttle));
        registration.setName("login-throttle");
        registration.addUrlPatterns("/engine-rest/*", "/camunda/api/admin/auth/user/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return registration;
    }

    @Bean
    AuthenticationProvider engineUserAuthentication(IdentityService identityService, LoginThrottle throttle) {
        return new EngineUserAuthentication(identityService, throttle);
    }

    /**
     * Checks a user's password with the engine, whose password checks are throttled per user and client address
     * ({@link ThrottledPasswords}); a throttled sign-in gets {@code 429} without its password being looked at.
     */
    static final class EngineUserAuthentication implements AuthenticationProvider {

        private final IdentityService identityService;
        private final LoginThrottle throttle;

        EngineUserAuthentication(IdentityService identityService, LoginThrottle throttle) {
            this.identityService = identityService;
            this.throttle = throttle;
        }

        @Override
        public Authentication authenticate(Authentication authentication) {
            String user = authentication.getName();
            Object password = authentication.getCredentials();
            ThrottledPasswords.currentAttempt(user).flatMap(throttle::refusal).ifPresent(wait -> {
                throw new LoginThrottledException(wait);
            });
            if (user == null || password == null || !identityService.checkPassword(user, password.toString())) {
                throw new BadCredentialsException("Bad credentials");
            }
            List<GrantedAuthority> roles = new ArrayList<>();
            for (Group group : identityService.createGroupQuery().groupMember(user).list()) {
                String role = switch (group.getId()) {
                    case ADMIN_GROUP -> Roles.ADMIN;
                    case Roles.MARKETER -> Roles.MARKETER;
                    case Roles.OPERATOR -> Roles.OPERATOR;
                    case Roles.APPROVER -> Roles.APPROVER;
                    default -> null;
                };
                if (role != null) {
                    roles.add(new SimpleGrantedAuthority("ROLE_" + role));
                }
            }
            return UsernamePasswordAuthenticationToken.authenticated(user, null, roles);
        }

        @Override
        public boolean supports(Class<?> authentication) {
            return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
        }
    }
}
