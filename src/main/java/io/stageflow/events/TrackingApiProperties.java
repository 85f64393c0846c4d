package io.stageflow.events;

import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code stageflow.events.tracking-api.event-types}: Segment event names that should become a Stageflow type other than
 * their snake_case form ("Order Completed" becomes {@code order_completed} without any entry).
 *
 * @param eventTypes Segment event name to Stageflow event type, for names whose snake_case form is not the type
 */
@ConfigurationProperties("stageflow.events.tracking-api")
record TrackingApiProperties(@DefaultValue Map<String, String> eventTypes) {
}
