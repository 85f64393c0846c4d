package io.stageflow.security;

import io.stageflow.web.ConsolePaths;

import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The console's sign-in form (it posts to Spring Security's form login, with its CSRF token) and the page a signed-in
 * user sees for what their roles do not allow. Someone already signed in who opens the form goes home.
 */
@Controller
class SignInPage {

    /** The form; {@code ?error}, {@code ?throttled} and {@code ?signed-out} say what happened before. */
    @GetMapping(ConsolePaths.LOGIN)
    String signIn(Authentication signedIn, @RequestParam(required = false) String error,
            @RequestParam(required = false) String throttled,
            @RequestParam(name = "signed-out", required = false) String signedOut, Model model) {
        if (signedIn != null && signedIn.isAuthenticated() && !(signedIn instanceof AnonymousAuthenticationToken)) {
            return "redirect:" + ConsolePaths.HOME;
        }
        model.addAttribute("wrongPassword", error != null);
        model.addAttribute("throttled", throttled != null);
        model.addAttribute("signedOut", signedOut != null);
        return "login";
    }

    /**
     * Shown with 403 when security forwards a refused request here (whatever its method: a POST without its CSRF
     * token too); 200 when asked for directly.
     */
    @RequestMapping(ConsolePaths.FORBIDDEN)
    String forbidden() {
        return "forbidden";
    }
}
