package io.stageflow.tracking;

import java.util.Map;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.servlet.handler.SimpleUrlHandlerMapping;

/**
 * The two public routes of tracking: {@code GET /o/{token}}, the open pixel ({@link OpenPixel}), and
 * {@code GET|HEAD /c/{token}}, a tracked link ({@link TrackedLink}). They are mapped ahead of every annotated
 * controller, by URL alone. After a broadcast they take more requests than all other routes together, and finding
 * them among the application's hundreds of {@code @RequestMapping}s (which Spring MVC does twice per request: once
 * for Spring Security's introspection and once to dispatch) took a third of each request's time in the benchmark.
 */
@Configuration(proxyBeanMethods = false)
class TrackingRoutes {

    static final String OPEN = "/o/";
    static final String CLICK = "/c/";
    /** The path variable of both routes. */
    static final String TOKEN = "token";

    @Bean
    SimpleUrlHandlerMapping trackingHandlerMapping(OpenPixel pixel, TrackedLink link) {
        return new SimpleUrlHandlerMapping(Map.of(OPEN + "{" + TOKEN + "}", pixel, CLICK + "{" + TOKEN + "}", link),
                Ordered.HIGHEST_PRECEDENCE);
    }

    /** The token the route's pattern took from the path. */
    static String token(jakarta.servlet.http.HttpServletRequest request) {
        Object variables = request.getAttribute(org.springframework.web.servlet.HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
        return variables instanceof Map<?, ?> map && map.get(TOKEN) instanceof String token ? token : "";
    }
}
