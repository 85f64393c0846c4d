package io.stageflow.journeys;

import java.util.ArrayList;
import java.util.List;

import io.stageflow.security.Roles;

import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.identity.Group;
import org.camunda.bpm.engine.impl.plugin.AdministratorAuthorizationPlugin;
import org.camunda.bpm.engine.rest.security.auth.ProcessEngineAuthenticationFilter;
import org.camunda.bpm.engine.rest.security.auth.impl.HttpBasicAuthenticationProvider;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * One set of users for everything: Camunda's identity service (ACT_ID_*), which Cockpit, Tasklist and the REST
 * API already use, also backs Stageflow's own API. A user's Camunda groups are their Stageflow roles.
 */
@Configuration(proxyBeanMethods = false)
class EngineSecurityConfiguration {

    /** Members of Camunda's administrator group are Stageflow admins. */
    static final String ADMIN_GROUP = "camunda-admin";

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
        return registration;
    }

    @Bean
    AuthenticationProvider engineUserAuthentication(IdentityService identityService) {
        return new EngineUserAuthentication(identityService);
    }

    /** Checks a user's password with the engine (which also locks accounts after repeated failures). */
    static final class EngineUserAuthentication implements AuthenticationProvider {

        private final IdentityService identityService;

        EngineUserAuthentication(IdentityService identityService) {
            this.identityService = identityService;
        }

        @Override
        public Authentication authenticate(Authentication authentication) {
            String user = authentication.getName();
            Object password = authentication.getCredentials();
            if (user == null || password == null || !identityService.checkPassword(user, password.toString())) {
                throw new BadCredentialsException("Bad credentials");
            }
            List<GrantedAuthority> roles = new ArrayList<>();
            for (Group group : identityService.createGroupQuery().groupMember(user).list()) {
                String role = switch (group.getId()) {
                    case ADMIN_GROUP -> Roles.ADMIN;
                    case Roles.MARKETER -> Roles.MARKETER;
                    case Roles.OPERATOR -> Roles.OPERATOR;
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
