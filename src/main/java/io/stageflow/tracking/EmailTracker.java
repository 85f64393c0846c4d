package io.stageflow.tracking;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.stageflow.delivery.EmailTracking;
import io.stageflow.templates.RenderedEmail;
import io.stageflow.web.WebProperties;

import org.springframework.stereotype.Component;
import org.springframework.web.util.HtmlUtils;

/**
 * Makes an email trackable just before it is sent: every {@code http(s)} link of the HTML part goes through a signed
 * {@code /c/} redirect that leads only to the URL recorded for that email and index; the HTML part gets a 1×1 open
 * pixel, {@code /o/}. In the text part only the URLs the template marked with {@code $track.link(…)}
 * ({@link RenderedEmail#trackedTextLinks()}) are replaced, wherever they stand as a whole URL (not as the start of a
 * longer one, nor inside another), and a URL the HTML part links to as well shares its index, so a click counts for
 * the same link in either part; other text is sent as written. Stageflow's own links (unsubscribe, preferences,
 * surveys, referrals: everything under the public URL) keep their own signed routes. The links are recorded before
 * the email leaves, so a click can never find a link missing. The email returned has no
 * {@code trackedTextLinks} left when click tracking rewrote its text (they are done), and keeps them when click
 * tracking is off for it.
 */
@Component
class EmailTracker implements EmailTracking {

    private static final Pattern HREF = Pattern.compile(
            "(<a\\b[^>]*?\\bhref\\s*=\\s*)([\"'])(.*?)\\2", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern BODY_END = Pattern.compile("</body\\s*>", Pattern.CASE_INSENSITIVE);

    private final TrackingStore store;
    private final ClickTargets targets;
    private final TrackingTokens tokens;
    private final TrackingProperties settings;
    private final String baseUrl;
    private final Clock clock;

    EmailTracker(TrackingStore store, ClickTargets targets, TrackingTokens tokens, TrackingProperties settings,
            WebProperties web, Clock clock) {
        this.store = store;
        this.targets = targets;
        this.tokens = tokens;
        this.settings = settings;
        this.baseUrl = web.baseUrl();
        this.clock = clock;
    }

    @Override
    public Tracked prepare(SentEmail email, RenderedEmail rendered) {
        boolean tracked = settings.tracks(email.templateKey());
        boolean clicks = tracked && settings.clicks();
        boolean opens = tracked && settings.opens();
        List<String> links = new ArrayList<>();
        Instant now = clock.instant();
        String html = rendered.html();
        if (clicks && html != null) {
            html = rewriteHrefs(html, email.outboxId(), links);
        }
        String text = rendered.text();
        List<String> textLinks = rendered.trackedTextLinks();
        if (clicks && text != null && !textLinks.isEmpty()) {
            text = rewriteTextLinks(text, textLinks, email.outboxId(), links);
            textLinks = List.of();
        }
        if (opens && html != null) {
            html = withPixel(html, baseUrl + TrackingRoutes.OPEN + tokens.open(email.outboxId(), now));
        }
        return new Tracked(email, new RenderedEmail(rendered.subject(), html, text, textLinks,
                rendered.templateVersion()), List.copyOf(links), opens || !links.isEmpty(), now);
    }

    @Override
    public void recordAll(List<Tracked> emails) {
        List<Tracked> recorded = emails.stream().filter(Tracked::recorded).toList();
        if (recorded.isEmpty()) {
            return;
        }
        store.recordSends(recorded);
        recorded.forEach(email -> targets.remember(email.sent().outboxId(), email.links(), email.at()));
    }

    /**
     * Rewrites the tracked URL of each {@code <a … href="…">}. The pattern is tried only where an anchor can start (a
     * {@code <} before an {@code a} or {@code A}, found with {@link String#indexOf(int, int)}): {@link Matcher#find()}
     * would try it at every character of the email, and finds the same matches.
     */
    private String rewriteHrefs(String html, long outboxId, List<String> links) {
        Matcher href = HREF.matcher(html).useTransparentBounds(true).useAnchoringBounds(false);
        StringBuilder out = new StringBuilder(html.length() + 256);
        int copied = 0;
        int at = html.indexOf('<');
        while (at >= 0 && at + 1 < html.length()) {
            char next = html.charAt(at + 1);
            if ((next == 'a' || next == 'A') && href.region(at, html.length()).lookingAt()) {
                String url = HtmlUtils.htmlUnescape(href.group(3).strip());
                if (isTracked(url)) {
                    out.append(html, copied, href.start(3)).append(HtmlUtils.htmlEscape(
                            trackedUrl(outboxId, url, links, false)));
                    copied = href.end(3);
                }
                at = html.indexOf('<', href.end());
            } else {
                at = html.indexOf('<', at + 1);
            }
        }
        return out.append(html, copied, html.length()).toString();
    }

    /**
     * Replaces each whole occurrence of the marked URLs that are tracked; indices follow the order the template first
     * used them, after the HTML part's, and a URL the HTML part already has keeps its first index there. At each
     * place the longest URL that fits wins, and the text is read once, so nothing replaced is read again.
     */
    private String rewriteTextLinks(String text, List<String> marked, long outboxId, List<String> links) {
        List<String> urls = marked.stream().filter(this::isTracked).distinct()
                .sorted(Comparator.comparingInt(String::length).reversed()).toList();
        if (urls.isEmpty()) {
            return text;
        }
        Map<Integer, String> found = new TreeMap<>();
        int at = 0;
        while (at < text.length()) {
            String match = null;
            if (at == 0 || !insideUrl(text.charAt(at - 1))) {
                for (String url : urls) {
                    if (text.startsWith(url, at) && !continuesUrl(text, at + url.length())) {
                        match = url;
                        break;
                    }
                }
            }
            if (match != null) {
                found.put(at, match);
            }
            at += match == null ? 1 : match.length();
        }
        Map<String, String> tracked = new HashMap<>();
        marked.stream().filter(found::containsValue).distinct()
                .forEach(url -> tracked.put(url, trackedUrl(outboxId, url, links, true)));
        StringBuilder out = new StringBuilder(text.length() + 64 * found.size());
        int copied = 0;
        for (Map.Entry<Integer, String> occurrence : found.entrySet()) {
            out.append(text, copied, occurrence.getKey()).append(tracked.get(occurrence.getValue()));
            copied = occurrence.getKey() + occurrence.getValue().length();
        }
        return out.append(text, copied, text.length()).toString();
    }

    /** A character a URL can have before its {@code http}: the text there belongs to a longer URL or word. */
    private static boolean insideUrl(char c) {
        return Character.isLetterOrDigit(c) || "-._~/?#@!$&*+,;=%".indexOf(c) >= 0;
    }

    /**
     * Whether the URL that ended at {@code end} goes on there, so that what matched is only the start of a longer
     * one ({@code https://a.example} in {@code https://a.example/shoes}). Punctuation that ends a sentence
     * ({@code .,;:!?)]'}) does not, when a space, the end of the text or anything else no URL has comes after it,
     * which is how mail clients turn plain text into links.
     */
    private static boolean continuesUrl(String text, int end) {
        int at = end;
        while (at < text.length() && ".,;:!?)]'".indexOf(text.charAt(at)) >= 0) {
            at++;
        }
        if (at == text.length()) {
            return false;
        }
        char next = text.charAt(at);
        return Character.isLetterOrDigit(next) || "-._~:/?#[]@!$&'()*+,;=%".indexOf(next) >= 0;
    }

    /** A web link to somewhere else than Stageflow itself. */
    private boolean isTracked(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        return (lower.startsWith("https://") || lower.startsWith("http://")) && !url.startsWith(baseUrl)
                && url.length() <= TrackingStore.MAX_URL;
    }

    /** @param shared reuse the index {@code url} already has (the text part's links); otherwise a new one */
    private String trackedUrl(long outboxId, String url, List<String> links, boolean shared) {
        int index = shared ? links.indexOf(url) : -1;
        if (index < 0) {
            links.add(url);
            index = links.size() - 1;
        }
        return baseUrl + TrackingRoutes.CLICK + tokens.click(outboxId, index);
    }

    private static String withPixel(String html, String pixelUrl) {
        String pixel = "<img src=\"" + HtmlUtils.htmlEscape(pixelUrl) + "\" width=\"1\" height=\"1\" alt=\"\""
                + " style=\"display:block;width:1px;height:1px;border:0\">";
        int at = lastBodyEnd(html);
        return at < 0 ? html + pixel : html.substring(0, at) + pixel + html.substring(at);
    }

    /**
     * Where the last {@code </body>} (any case, spaces allowed before its {@code >}) starts, or -1: read from the end,
     * where it stands, rather than matched through the whole email.
     */
    static int lastBodyEnd(String html) {
        for (int at = html.lastIndexOf("</"); at >= 0; at = at == 0 ? -1 : html.lastIndexOf("</", at - 1)) {
            if (BODY_END.matcher(html).region(at, html.length()).lookingAt()) {
                return at;
            }
        }
        return -1;
    }
}
