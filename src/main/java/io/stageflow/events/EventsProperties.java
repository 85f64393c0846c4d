package io.stageflow.events;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** Limits of the ingestion API. */
@ConfigurationProperties("stageflow.api")
record EventsProperties(@DefaultValue("500") int maxBatchSize) {
}
