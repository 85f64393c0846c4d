package io.stageflow.messaging;

import java.util.Optional;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.util.HtmlUtils;

/**
 * The unsubscribe link of every marketing email. A POST (what mail clients send for RFC 8058 one-click, and what
 * the confirmation page's button sends) unsubscribes at once; a GET only shows the confirmation page, because
 * link scanners and prefetchers follow GETs. Every journey's later marketing email to the address is suppressed.
 */
@Controller
@RequestMapping(UnsubscribeController.PATH)
class UnsubscribeController {

    static final String PATH = "/u/";
    static final String PREFERENCES = "/preferences";

    private final UnsubscribeLinks links;
    private final Suppressions suppressions;
    private final String brand;

    UnsubscribeController(UnsubscribeLinks links, Suppressions suppressions, MessagingProperties properties) {
        this.links = links;
        this.suppressions = suppressions;
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
                <p class="small">You will still receive messages about your orders and your account.</p>"""
                .formatted(brand));
    }

    /**
     * The footer's "Email preferences" link. Marketing email on or off is the one preference there is so far, so
     * the page offers that, through the same confirmed POST as the unsubscribe link.
     */
    @GetMapping("{token}" + PREFERENCES)
    ResponseEntity<String> preferences(@PathVariable String token) {
        if (links.addressHashOf(token).isEmpty()) {
            return invalidLink();
        }
        return page(HttpStatus.OK, "Email preferences", """
                <p>You receive marketing email from %s: news, offers and reminders.</p>
                <form method="post" action="%s"><button type="submit">Unsubscribe from marketing email</button></form>
                <p class="small">Messages about your orders and your account always reach you.</p>"""
                .formatted(brand, HtmlUtils.htmlEscape(PATH + token)));
    }

    @PostMapping("{token}")
    ResponseEntity<String> unsubscribe(@PathVariable String token) {
        Optional<String> address = links.addressHashOf(token);
        if (address.isEmpty()) {
            return invalidLink();
        }
        suppressions.suppressHash(address.get(), Suppressions.Reason.UNSUBSCRIBED);
        return page(HttpStatus.OK, "You are unsubscribed", """
                <p>You will not receive marketing email from %s any more.</p>
                <p class="small">Messages about your orders and your account still reach you.</p>""".formatted(brand));
    }

    private static ResponseEntity<String> invalidLink() {
        return page(HttpStatus.NOT_FOUND, "Link not valid", "<p>This unsubscribe link is not valid or has expired.</p>");
    }

    private static ResponseEntity<String> page(HttpStatus status, String title, String body) {
        String html = """
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
                <meta name="robots" content="noindex"><title>%1$s</title>
                <style>body{font-family:Arial,Helvetica,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#111827}
                button{font-size:1rem;padding:.6rem 1.2rem;border:0;border-radius:6px;background:#111827;color:#fff;cursor:pointer}
                .small{color:#6b7280;font-size:.85rem}</style></head>
                <body><h1>%1$s</h1>%2$s</body></html>""".formatted(title, body);
        return ResponseEntity.status(status).contentType(MediaType.TEXT_HTML).body(html);
    }
}
