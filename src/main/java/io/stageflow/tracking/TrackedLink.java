package io.stageflow.tracking;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import io.stageflow.web.RecipientPage;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;

/**
 * {@code GET|HEAD /c/{token}}: a tracked link, a {@code 302} to exactly the URL recorded for that email and link, and
 * to nothing else: a token that is not genuine, or names no recorded link, gets a 404 page and no redirect. It
 * answers once the click is on disk ({@link HitRecorder}); a link whose destination could not be read gets a 503
 * page. {@code HEAD} is allowed because security scanners send it, and is always counted as a machine's.
 */
@Component
class TrackedLink extends TrackingRoute {

    TrackedLink(TrackingTokens tokens, Engagement engagement, HitRecorder recorder) {
        super(tokens, engagement, recorder, METHOD_GET, METHOD_HEAD);
    }

    @Override
    public void handleRequest(HttpServletRequest request, HttpServletResponse response)
            throws ServletException, IOException {
        checkRequest(request);
        Optional<TrackingTokens.Link> link = tokens.verifyClick(TrackingRoutes.token(request));
        HitRecorder.Recorded click = link.isEmpty() ? new HitRecorder.Recorded(null, HitRecorder.Status.NO_SUCH_LINK)
                : recorder.record(engagement.click(link.get().outboxId(), link.get().index(), request.getMethod(),
                        request.getHeader(HttpHeaders.USER_AGENT)));
        if (click.status() == HitRecorder.Status.NO_SUCH_LINK) {
            page(response, HttpServletResponse.SC_NOT_FOUND, "Link not found",
                    "<p>This link is not valid, or no longer leads anywhere.</p>");
        } else if (click.hit() == null) {
            page(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "Try again in a moment",
                    "<p>This link cannot be followed just now. Please try again in a moment.</p>");
        } else {
            // The redirect waits for the click to be on disk; should that fail, the visitor still gets where they go.
            response.setStatus(HttpServletResponse.SC_FOUND);
            response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
            response.setHeader(HttpHeaders.LOCATION, click.hit().url());
        }
    }

    private static void page(HttpServletResponse response, int status, String title, String body) throws IOException {
        byte[] html = RecipientPage.html(title, body).getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType(MediaType.TEXT_HTML_VALUE + ";charset=UTF-8");
        response.setContentLength(html.length);
        response.getOutputStream().write(html);
    }
}
