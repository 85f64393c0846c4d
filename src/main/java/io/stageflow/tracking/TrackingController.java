package io.stageflow.tracking;

import java.util.Optional;

import io.stageflow.web.RecipientPage;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

/**
 * The two public routes of tracking. {@code GET /o/{token}}: the open pixel, a 1×1 transparent GIF that is never
 * cached. {@code GET|HEAD /c/{token}}: a tracked link, a {@code 302} to exactly the URL recorded for that email and
 * link, and to nothing else: a token that is not genuine, or names no recorded link, gets a 404 page and no redirect.
 * Both answer once the hit is on disk ({@link HitRecorder}); a pixel whose hit could not be recorded answers 503, and
 * so does a link whose destination could not be read.
 */
@RestController
class TrackingController {

    static final String OPEN = "/o/";
    static final String CLICK = "/c/";

    /** The smallest transparent GIF: 1×1, one colour. */
    private static final byte[] PIXEL = java.util.Base64.getDecoder()
            .decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7");

    private final TrackingTokens tokens;
    private final Engagement engagement;
    private final HitRecorder recorder;

    TrackingController(TrackingTokens tokens, Engagement engagement, HitRecorder recorder) {
        this.tokens = tokens;
        this.engagement = engagement;
        this.recorder = recorder;
    }

    @RequestMapping(path = OPEN + "{token}", method = RequestMethod.GET)
    ResponseEntity<byte[]> open(@PathVariable String token,
            @RequestHeader(name = HttpHeaders.USER_AGENT, required = false) String userAgent) {
        Optional<Engagement.Hit> open = tokens.verifyOpen(token).flatMap(pixel -> engagement.open(pixel, userAgent));
        if (open.isEmpty()) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND).cacheControl(CacheControl.noStore()).build();
        }
        if (!recorder.record(open.get())) {
            return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).cacheControl(CacheControl.noStore()).build();
        }
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).contentType(MediaType.IMAGE_GIF).body(PIXEL);
    }

    @RequestMapping(path = CLICK + "{token}", method = {RequestMethod.GET, RequestMethod.HEAD})
    ResponseEntity<String> click(@PathVariable String token, HttpServletRequest request,
            @RequestHeader(name = HttpHeaders.USER_AGENT, required = false) String userAgent) {
        Optional<TrackingTokens.Link> link = tokens.verifyClick(token);
        HitRecorder.Recorded click = link.isEmpty() ? new HitRecorder.Recorded(null, HitRecorder.Status.NO_SUCH_LINK)
                : recorder.record(engagement.click(link.get().outboxId(), link.get().index(), request.getMethod(),
                        userAgent));
        if (click.status() == HitRecorder.Status.NO_SUCH_LINK) {
            return RecipientPage.of(HttpStatus.NOT_FOUND, "Link not found",
                    "<p>This link is not valid, or no longer leads anywhere.</p>");
        }
        if (click.hit() == null) {
            return RecipientPage.of(HttpStatus.SERVICE_UNAVAILABLE, "Try again in a moment",
                    "<p>This link cannot be followed just now. Please try again in a moment.</p>");
        }
        // The redirect waits for the click to be on disk; should that fail, the visitor still gets where they go.
        return ResponseEntity.status(HttpStatus.FOUND).cacheControl(CacheControl.noStore())
                .header(HttpHeaders.LOCATION, click.hit().url()).build();
    }
}
