package io.stageflow.security;

import java.io.IOException;
import java.util.Locale;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Marks the CSRF cookie of Camunda's webapps ({@code XSRF-TOKEN}) {@code Secure} on every request that came over TLS,
 * as Tomcat does for the session cookie, and leaves it usable on a plain-http host. Camunda's own switch
 * ({@code camunda.bpm.webapp.csrf.enable-secure-cookie}) marks it Secure on every request, which keeps Cockpit from
 * signing in on plain http, so Stageflow leaves that switch off in every profile (docs/security.md).
 */
@Configuration(proxyBeanMethods = false)
class WebappCsrfCookie {

    static final String COOKIE = "XSRF-TOKEN=";

    @Bean
    FilterRegistrationBean<OncePerRequestFilter> webappCsrfCookieSecureOverTls() {
        FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(new SecureOverTls());
        registration.addUrlPatterns("/camunda/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE); // around Camunda's filters, which set the cookie
        return registration;
    }

    /** Wraps the response of a request that came over TLS so that the cookie it sets is Secure. */
    static final class SecureOverTls extends OncePerRequestFilter {

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            chain.doFilter(request, request.isSecure() ? new SecureCookieResponse(response) : response);
        }
    }

    private static final class SecureCookieResponse extends HttpServletResponseWrapper {

        SecureCookieResponse(HttpServletResponse response) {
            super(response);
        }

        @Override
        public void addHeader(String name, String value) {
            super.addHeader(name, secured(name, value));
        }

        @Override
        public void setHeader(String name, String value) {
            super.setHeader(name, secured(name, value));
        }

        private static String secured(String name, String value) {
            if ("Set-Cookie".equalsIgnoreCase(name) && value != null && value.startsWith(COOKIE)
                    && !value.toLowerCase(Locale.ROOT).replace(" ", "").contains(";secure")) {
                return value + ";Secure";
            }
            return value;
        }
    }
}
