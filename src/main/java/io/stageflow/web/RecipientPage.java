package io.stageflow.web;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.util.HtmlUtils;

/**
 * The small pages a recipient reaches from an email (unsubscribe, preferences, survey): one plain, readable,
 * unindexed look, and no scripts. Callers escape what they put in.
 */
public final class RecipientPage {

    private RecipientPage() {
    }

    public static ResponseEntity<String> of(HttpStatus status, String title, String body) {
        return of(status, "en", title, body);
    }

    /** The page in {@code language} (a BCP 47 tag, for {@code <html lang>}). */
    public static ResponseEntity<String> of(HttpStatus status, String language, String title, String body) {
        return ResponseEntity.status(status).contentType(MediaType.TEXT_HTML)
                .header("Content-Language", language).body(html(language, title, body));
    }

    /** The page itself, for a route that writes its response without Spring MVC's converters. */
    public static String html(String title, String body) {
        return html("en", title, body);
    }

    private static String html(String language, String title, String body) {
        return """
                <!DOCTYPE html>
                <html lang="%3$s"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
                <meta name="robots" content="noindex"><title>%1$s</title>
                <style>body{font-family:Arial,Helvetica,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#111827}
                button{font-size:1rem;padding:.6rem 1.2rem;border:0;border-radius:6px;background:#111827;color:#fff;cursor:pointer}
                textarea{width:100%%;min-height:5rem} .scores label{display:inline-block;margin:.2rem .4rem .2rem 0}
                .small{color:#6b7280;font-size:.85rem}</style></head>
                <body><h1>%1$s</h1>%2$s</body></html>""".formatted(title, body,
                HtmlUtils.htmlEscape(language));
    }
}
