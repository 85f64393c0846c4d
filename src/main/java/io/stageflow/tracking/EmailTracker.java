package io.stageflow.tracking;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.stageflow.delivery.EmailTracking;
import io.stageflow.templates.RenderedEmail;
import io.stageflow.web.WebProperties;

import org.springframework.stereotype.Component;
import org.springframework.web.util.HtmlUtils;

/**
 * Makes an email trackable just before it is sent: every {@code http(s)} link of the HTML part goes through a signed
 * {@code /c/} redirect that leads only to the URL recorded for that email and index (the text part is left as it
 * is); the HTML part gets a 1×1 open pixel, {@code /o/}. Stageflow's own links
 * (unsubscribe, preferences, surveys, referrals: everything under the public URL) keep their own signed routes.
 * The links are recorded before the email leaves, so a click can never find a link missing.
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
    public RenderedEmail track(SentEmail email, RenderedEmail rendered) {
        boolean tracked = settings.tracks(email.templateKey());
        boolean clicks = tracked && settings.clicks();
        boolean opens = tracked && settings.opens();
        List<String> links = new ArrayList<>();
        Instant now = clock.instant();
        String html = rendered.html();
        if (clicks && html != null) {
            html = rewriteHrefs(html, email.outboxId(), links);
        }
        if (opens && html != null) {
            html = withPixel(html, baseUrl + TrackingController.OPEN + tokens.open(email.outboxId(), now));
        }
        if (opens || !links.isEmpty()) {
            store.recordSend(email, links, now);
            targets.remember(email.outboxId(), links, now);
        }
        return new RenderedEmail(rendered.subject(), html, rendered.text());
    }

    private String rewriteHrefs(String html, long outboxId, List<String> links) {
        Matcher href = HREF.matcher(html);
        StringBuilder out = new StringBuilder(html.length() + 256);
        while (href.find()) {
            String url = HtmlUtils.htmlUnescape(href.group(3).strip());
            String replacement = isTracked(url)
                    ? href.group(1) + href.group(2) + HtmlUtils.htmlEscape(trackedUrl(outboxId, url, links))
                            + href.group(2)
                    : href.group();
            href.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        href.appendTail(out);
        return out.toString();
    }

    /** A web link to somewhere else than Stageflow itself. */
    private boolean isTracked(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        return (lower.startsWith("https://") || lower.startsWith("http://")) && !url.startsWith(baseUrl)
                && url.length() <= TrackingStore.MAX_URL;
    }

    private String trackedUrl(long outboxId, String url, List<String> links) {
        links.add(url);
        return baseUrl + TrackingController.CLICK + tokens.click(outboxId, links.size() - 1);
    }

    private static String withPixel(String html, String pixelUrl) {
        String pixel = "<img src=\"" + HtmlUtils.htmlEscape(pixelUrl) + "\" width=\"1\" height=\"1\" alt=\"\""
                + " style=\"display:block;width:1px;height:1px;border:0\">";
        Matcher end = BODY_END.matcher(html);
        int at = -1;
        while (end.find()) {
            at = end.start();
        }
        return at < 0 ? html + pixel : html.substring(0, at) + pixel + html.substring(at);
    }
}
