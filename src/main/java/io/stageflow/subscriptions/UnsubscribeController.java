package io.stageflow.subscriptions;

import java.util.Locale;
import java.util.Optional;

import io.stageflow.templates.RecipientTexts;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.util.HtmlUtils;

/**
 * The unsubscribe link of every marketing email, and the preference page it leads to. A POST to the link (what
 * mail clients send for RFC 8058 one-click, and what the confirmation page's button sends) unsubscribes at once;
 * a GET only shows the confirmation page, because link scanners and prefetchers follow GETs. Every journey's
 * later marketing email to the address is suppressed. On the preference page the recipient can also choose
 * marketing email again; transactional email cannot be turned off there, and a bounced or erased address stays
 * suppressed whatever is chosen. Every page speaks the language of the customer the email went to
 * ({@link RecipientTexts}).
 */
@Controller
@RequestMapping(UnsubscribeController.PATH)
class UnsubscribeController {

    static final String PATH = "/u/";
    static final String PREFERENCES = "/preferences";
    private static final String ACCEPT_LANGUAGE = "Accept-Language";

    private final UnsubscribeLinks links;
    private final Suppressions suppressions;
    private final RecipientTexts texts;
    private final RecipientLocales locales;
    private final ApplicationEventPublisher events;

    UnsubscribeController(UnsubscribeLinks links, Suppressions suppressions, RecipientTexts texts,
            RecipientLocales locales, ApplicationEventPublisher events) {
        this.links = links;
        this.suppressions = suppressions;
        this.texts = texts;
        this.locales = locales;
        this.events = events;
    }

    @GetMapping("{token}")
    ResponseEntity<String> confirm(@PathVariable String token,
            @RequestHeader(name = ACCEPT_LANGUAGE, required = false) String acceptLanguage) {
        Optional<Unsubscribed> link = links.unsubscribeOf(token);
        RecipientTexts.Texts words = textsFor(link, acceptLanguage);
        if (link.isEmpty()) {
            return invalidLink(words);
        }
        return words.page(HttpStatus.OK, "unsubscribe.confirm.title", """
                <p>%s</p>
                <form method="post"><button type="submit">%s</button></form>
                <p class="small">%s <a href="%s">%s</a>.</p>""".formatted(words.html("unsubscribe.confirm.question"),
                words.html("unsubscribe.confirm.button"), words.html("unsubscribe.confirm.note"),
                preferencesLink(token), words.html("unsubscribe.confirm.preferences")));
    }

    @PostMapping("{token}")
    ResponseEntity<String> unsubscribe(@PathVariable String token,
            @RequestHeader(name = ACCEPT_LANGUAGE, required = false) String acceptLanguage) {
        Optional<Unsubscribed> unsubscribe = links.unsubscribeOf(token);
        RecipientTexts.Texts words = textsFor(unsubscribe, acceptLanguage);
        if (unsubscribe.isEmpty()) {
            return invalidLink(words);
        }
        suppressions.suppressHash(unsubscribe.get().addressHash(), Suppressions.Reason.UNSUBSCRIBED);
        events.publishEvent(unsubscribe.get());
        return words.page(HttpStatus.OK, "unsubscribe.done.title", """
                <p>%s</p>
                <p class="small">%s <a href="%s">%s</a></p>""".formatted(words.html("unsubscribe.done.text"),
                words.html("unsubscribe.done.note"), preferencesLink(token), words.html("unsubscribe.done.undo")));
    }

    @GetMapping("{token}" + PREFERENCES)
    ResponseEntity<String> preferences(@PathVariable String token,
            @RequestHeader(name = ACCEPT_LANGUAGE, required = false) String acceptLanguage) {
        Optional<Unsubscribed> link = links.unsubscribeOf(token);
        RecipientTexts.Texts words = textsFor(link, acceptLanguage);
        if (link.isEmpty()) {
            return invalidLink(words);
        }
        return preferencesPage(words, link.get().addressHash(), null);
    }

    /** The form posts {@code marketing=yes} when its box is ticked, and nothing for it when not. */
    @PostMapping("{token}" + PREFERENCES)
    ResponseEntity<String> choose(@PathVariable String token,
            @RequestParam(name = "marketing", required = false) String marketing,
            @RequestHeader(name = ACCEPT_LANGUAGE, required = false) String acceptLanguage) {
        Optional<Unsubscribed> link = links.unsubscribeOf(token);
        RecipientTexts.Texts words = textsFor(link, acceptLanguage);
        if (link.isEmpty()) {
            return invalidLink(words);
        }
        if ("yes".equals(marketing)) {
            suppressions.lift(link.get().addressHash());
        } else {
            suppressions.suppressHash(link.get().addressHash(), Suppressions.Reason.UNSUBSCRIBED);
            events.publishEvent(link.get());
        }
        return preferencesPage(words, link.get().addressHash(), words.html("preferences.saved"));
    }

    private ResponseEntity<String> preferencesPage(RecipientTexts.Texts words, String addressHash, String notice) {
        Suppressions.Reason reason = suppressions.reasonFor(addressHash);
        String marketing = reason != null && !reason.isChoice()
                ? "<p>" + words.html("preferences.blocked") + "</p>"
                : """
                <form method="post">
                <p><label><input type="checkbox" name="marketing" value="yes"%s> <strong>%s</strong>: %s</label></p>
                <p class="small"><label><input type="checkbox" checked disabled> <strong>%s</strong>: %s</label></p>
                <button type="submit">%s</button>
                </form>""".formatted(reason == null ? " checked" : "", words.html("preferences.marketing"),
                words.html("preferences.marketing.detail"), words.html("preferences.transactional"),
                words.html("preferences.transactional.detail"), words.html("preferences.save"));
        return words.page(HttpStatus.OK, "preferences.title",
                (notice == null ? "" : "<p><strong>" + notice + "</strong></p>") + marketing);
    }

    /**
     * The words in the language of the customer the link's email went to; for a link that names no email (or a
     * forged one), in the browser's language.
     */
    private RecipientTexts.Texts textsFor(Optional<Unsubscribed> link, String acceptLanguage) {
        Locale customer = link.map(Unsubscribed::outboxId).flatMap(locales::ofEmail).orElse(null);
        return texts.forRecipient(customer, acceptLanguage);
    }

    /** Relative to the unsubscribe page, so it works behind any path prefix the public URL has. */
    private static String preferencesLink(String token) {
        return HtmlUtils.htmlEscape(token + PREFERENCES);
    }

    private static ResponseEntity<String> invalidLink(RecipientTexts.Texts words) {
        return words.page(HttpStatus.NOT_FOUND, "link.invalid.title", "<p>" + words.html("unsubscribe.invalid")
                + "</p>");
    }

}
