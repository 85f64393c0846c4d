package io.stageflow.web;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * An email's HTML served to the console for an {@code <iframe sandbox="">}: with a Content-Security-Policy of its
 * own that runs no script, loads no style or font from elsewhere, submits no form and may be framed only by the
 * console, and with {@code <base target="_blank">}, so that a click on one of its links tries to open a window,
 * which the sandbox refuses: looking at an email in the console never follows its links (an unsubscribe link
 * included), and counts no open and no click.
 */
public final class SandboxedHtml {

    /** The email's own policy: its images (from anywhere over https, or inline), its inline styles, nothing else. */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; img-src https: data:; "
            + "style-src 'unsafe-inline'; font-src https: data:; base-uri 'none'; form-action 'none'; "
            + "frame-ancestors 'self'; sandbox";

    private static final Pattern HEAD = Pattern.compile("<head(\\s[^>]*)?>", Pattern.CASE_INSENSITIVE);
    private static final String BASE = "<base target=\"_blank\">";

    private SandboxedHtml() {
    }

    /** The response for the frame: the HTML with its base target, as {@code text/html}, never cached. */
    public static ResponseEntity<String> of(String html) {
        return of(HttpStatus.OK, html);
    }

    /**
     * The same with another status (a preview that could not be rendered says why, in the frame). The headers are
     * set on the response itself, so that they replace the console's own (its policy forbids any framing).
     */
    public static ResponseEntity<String> of(HttpStatus status, String html) {
        return ResponseEntity.status(status)
                .contentType(new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8))
                .header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .header("X-Frame-Options", "SAMEORIGIN")
                .header("Referrer-Policy", "no-referrer")
                .header("X-Content-Type-Options", "nosniff")
                .cacheControl(CacheControl.noStore())
                .body(withBaseTarget(html == null ? "" : html));
    }

    static String withBaseTarget(String html) {
        Matcher head = HEAD.matcher(html);
        if (head.find()) {
            return html.substring(0, head.end()) + BASE + html.substring(head.end());
        }
        return BASE + html;
    }
}
