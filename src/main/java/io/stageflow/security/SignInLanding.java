package io.stageflow.security;

import io.stageflow.web.ConsolePaths;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.web.authentication.SavedRequestAwareAuthenticationSuccessHandler;

/**
 * Where the console's sign-in lands: the page asked for before signing in, else home; but an approver with no other
 * role, who may not see home, lands on the templates waiting for approval.
 */
class SignInLanding extends SavedRequestAwareAuthenticationSuccessHandler {

    static final String APPROVALS = ConsolePaths.TEMPLATES + "/approvals";

    SignInLanding() {
        setDefaultTargetUrl(ConsolePaths.HOME);
    }

    @Override
    protected String determineTargetUrl(HttpServletRequest request, HttpServletResponse response,
            Authentication authentication) {
        boolean approverOnly = authentication != null && authentication.getAuthorities().stream()
                .map(GrantedAuthority::getAuthority).anyMatch(("ROLE_" + Roles.APPROVER)::equals)
                && authentication.getAuthorities().stream().map(GrantedAuthority::getAuthority).noneMatch(role ->
                        role.equals("ROLE_" + Roles.ADMIN) || role.equals("ROLE_" + Roles.MARKETER)
                                || role.equals("ROLE_" + Roles.OPERATOR));
        return approverOnly ? APPROVALS : super.determineTargetUrl(request, response, authentication);
    }
}
