package io.stageflow.segments;

import com.fasterxml.jackson.databind.JsonNode;

/** A segment as written ({@code ruleJson}, stored and shown back verbatim) and as understood ({@code rule}). */
record SegmentDefinition(String key, String name, JsonNode ruleJson, Rule rule) {
}
