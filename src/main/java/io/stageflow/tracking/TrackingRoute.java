package io.stageflow.tracking;

import org.springframework.web.HttpRequestHandler;
import org.springframework.web.servlet.support.WebContentGenerator;

/**
 * What the open pixel and the tracked link share: they verify a signed token, make a hit of it and wait for the
 * hit to be on disk, and they answer only the methods they state ({@link TrackingRoutes} maps them).
 */
abstract class TrackingRoute extends WebContentGenerator implements HttpRequestHandler {

    final TrackingTokens tokens;
    final Engagement engagement;
    final HitRecorder recorder;

    TrackingRoute(TrackingTokens tokens, Engagement engagement, HitRecorder recorder, String... methods) {
        super(methods);
        this.tokens = tokens;
        this.engagement = engagement;
        this.recorder = recorder;
    }
}
