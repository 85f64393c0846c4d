package io.stageflow.events;

import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code stageflow.events.tracking-api.*}: how Segment's tracking API names events, and which web pages may call it.
 *
 * @param eventTypes     Segment event name to Stageflow event type, for names whose snake_case form is not the type
 *                       ("Order Completed" becomes {@code order_completed} without any entry)
 * @param allowedOrigins origins whose pages may call the tracking API with a browser write key (CORS), such as
 *                       {@code https://shop.example.com}; patterns as {@code https://*.example.com} or
 *                       {@code http://localhost:[*]} are allowed. Empty: no cross-origin calls. Server keys never
 *                       get CORS headers
 */
@ConfigurationProperties("stageflow.events.tracking-api")
record TrackingApiProperties(@DefaultValue Map<String, String> eventTypes, @DefaultValue List<String> allowedOrigins) {
}
