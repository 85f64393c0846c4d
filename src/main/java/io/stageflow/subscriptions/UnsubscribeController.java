package io.stageflow.subscriptions;

import java.util.Optional;

import io.stageflow.templates.TemplatesProperties;
import io.stageflow.web.RecipientPage;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.util.HtmlUtils;

/**
 * The unsubscribe link of every marketing email, and the preference page it leads to. A POST to the link (what
 * mail clients send for RFC 8058 one-click, and what the confirmation page's button sends) unsubscribes at once;
 * a GET only shows the confirmation page, because link scanners and prefetchers follow GETs. Every journey's
 * later marketing email to the address is suppressed. On the preference page the recipient can also choose
 * marketing email again; transactional email cannot be turned off there, and a bounced or erased address stays
 * suppressed whatever is chosen.
 */
@Controller
@RequestMapping(UnsubscribeController.PATH)
class UnsubscribeController {

    static final String PATH = "/u/";
    static final String PREFERENCES = "/preferences";

    private final UnsubscribeLinks links;
    private final Suppressions suppressions;
    private final String brand;
    private final ApplicationEventPublisher events;

    UnsubscribeController(UnsubscribeLinks links, Suppressions suppressions, TemplatesProperties properties,
            ApplicationEventPublisher events) {
        this.links = links;
        this.suppressions = suppressions;
        this.events = events;
        this.brand = HtmlUtils.htmlEscape(properties.brand().name());
    }

    @GetMapping("{token}")
    ResponseEntity<String> confirm(@PathVariable String token) {
        if (links.addressHashOf(token).isEmpty()) {
            return invalidLink();
        }
        return page(HttpStatus.OK, "Unsubscribe from " + brand, """
                <p>Stop receiving marketing email from %s?</p>
                <form method="post"><button type="submit">Unsubscribe</button></form>
                <p class="small">You will still receive messages about your orders and your account.
                <a href="%s">Choose which email you receive</a>.</p>""".formatted(brand, preferencesLink(token)));
    }

    @PostMapping("{token}")
    ResponseEntity<String> unsubscribe(@PathVariable String token) {
        Optional<Unsubscribed> unsubscribe = links.unsubscribeOf(token);
        if (unsubscribe.isEmpty()) {
            return invalidLink();
        }
        suppressions.suppressHash(unsubscribe.get().addressHash(), Suppressions.Reason.UNSUBSCRIBED);
        events.publishEvent(unsubscribe.get());
        return page(HttpStatus.OK, "You are unsubscribed", """
                <p>You will not receive marketing email from %s any more.</p>
                <p class="small">Messages about your orders and your account still reach you.
                <a href="%s">Changed your mind?</a></p>""".formatted(brand, preferencesLink(token)));
    }

    @GetMapping("{token}" + PREFERENCES)
    ResponseEntity<String> preferences(@PathVariable String token) {
        Optional<String> address = links.addressHashOf(token);
        if (address.isEmpty()) {
            return invalidLink();
        }
        return preferencesPage(address.get(), null);
    }

    /** The form posts {@code marketing=yes} when its box is ticked, and nothing for it when not. */
    @PostMapping("{token}" + PREFERENCES)
    ResponseEntity<String> choose(@PathVariable String token,
            @RequestParam(name = "marketing", required = false) String marketing) {
        Optional<String> address = links.addressHashOf(token);
        if (address.isEmpty()) {
            return invalidLink();
        }
        if ("yes".equals(marketing)) {
            suppressions.lift(address.get());
        } else {
            suppressions.suppressHash(address.get(), Suppressions.Reason.UNSUBSCRIBED);
            links.unsubscribeOf(token).ifPresent(events::publishEvent);
        }
        return preferencesPage(address.get(), "Your choice is saved.");
    }

    private ResponseEntity<String> preferencesPage(String addressHash, String notice) {
        Suppressions.Reason reason = suppressions.reasonFor(addressHash);
        String marketing = reason != null && !reason.isChoice()
                ? "<p>This address receives no email from us: it could not be delivered to, or its data was erased.</p>"
                : """
                <form method="post">
                <p><label><input type="checkbox" name="marketing" value="yes"%s> <strong>Marketing email</strong>:
                offers, tips and news from %s</label></p>
                <p class="small"><label><input type="checkbox" checked disabled> <strong>Transactional email</strong>:
                receipts, account and security messages. These are needed to serve you and cannot be turned off.</label></p>
                <button type="submit">Save</button>
                </form>""".formatted(reason == null ? " checked" : "", brand);
        return page(HttpStatus.OK, "Email preferences", (notice == null ? "" : "<p><strong>" + notice + "</strong></p>")
                + marketing);
    }

    /** Relative to the unsubscribe page, so it works behind any path prefix the public URL has. */
    private static String preferencesLink(String token) {
        return HtmlUtils.htmlEscape(token + PREFERENCES);
    }

    private static ResponseEntity<String> invalidLink() {
        return page(HttpStatus.NOT_FOUND, "Link not valid", "<p>This unsubscribe link is not valid or has expired.</p>");
    }

    private static ResponseEntity<String> page(HttpStatus status, String title, String body) {
        return RecipientPage.of(status, title, body);
    }
}
