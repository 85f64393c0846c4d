package io.stageflow.tracking;

import java.io.IOException;
import java.util.Optional;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;

/**
 * {@code GET /o/{token}}: the open pixel, a 1×1 transparent GIF that is never cached, answered once its open is on
 * disk ({@link HitRecorder}). A token that is not genuine gets a 404; an open that could not be recorded a 503, so
 * that the mail client may ask again.
 */
@Component
class OpenPixel extends TrackingRoute {

    /** The smallest transparent GIF: 1×1, one colour. */
    private static final byte[] PIXEL = java.util.Base64.getDecoder()
            .decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7");

    OpenPixel(TrackingTokens tokens, Engagement engagement, HitRecorder recorder) {
        super(tokens, engagement, recorder, METHOD_GET);
    }

    @Override
    public void handleRequest(HttpServletRequest request, HttpServletResponse response)
            throws ServletException, IOException {
        checkRequest(request);
        response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        Optional<Engagement.Hit> open = tokens.verifyOpen(TrackingRoutes.token(request))
                .flatMap(pixel -> engagement.open(pixel, request.getHeader(HttpHeaders.USER_AGENT)));
        if (open.isEmpty()) {
            response.setStatus(HttpServletResponse.SC_NOT_FOUND);
        } else if (!recorder.record(open.get())) {
            response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        } else {
            response.setContentType(MediaType.IMAGE_GIF_VALUE);
            response.setContentLength(PIXEL.length);
            response.getOutputStream().write(PIXEL);
        }
    }
}
