package io.stageflow.events;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import org.springframework.stereotype.Component;

/**
 * Names Segment events the Stageflow way. Segment's spec names events in Title Case ("Signed Up",
 * "Order Completed", "Product Added"); Stageflow types are their snake_case form, unless the configured
 * table says otherwise (for example a shop that tracks "Purchase" instead of "Order Completed").
 */
@Component
class TrackingApiEventTypes {

    private final Map<String, String> overrides = new HashMap<>();

    TrackingApiEventTypes(TrackingApiProperties properties) {
        properties.eventTypes().forEach((name, type) -> overrides.put(normalise(name), type));
    }

    String typeOf(String segmentEventName) {
        String type = overrides.get(normalise(segmentEventName));
        return type != null ? type : snakeCase(segmentEventName);
    }

    private static String normalise(String name) {
        return name.strip().toLowerCase(Locale.ROOT);
    }

    /** "Order Completed" → order_completed, "checkoutStarted" → checkout_started, "Signed-Up!" → signed_up. */
    static String snakeCase(String name) {
        String words = name.strip().replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
        String snake = words.replaceAll("[^a-z0-9]+", "_").replaceAll("^_+|_+$", "");
        if (!snake.isEmpty() && Character.isDigit(snake.charAt(0))) {
            snake = "event_" + snake;
        }
        return snake;
    }
}
