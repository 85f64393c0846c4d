package io.stageflow.delivery;

import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.springframework.stereotype.Component;

/**
 * The journey variables an email's template sees ({@code $journey.<name>}) as the outbox stores them: a JSON object in
 * {@code sf_outbox.journey_variables}, null when there are none.
 */
@Component
class JourneyVariablesJson {

    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {
    };

    private final ObjectMapper json;

    JourneyVariablesJson(ObjectMapper json) {
        this.json = json;
    }

    /** The column's value: null for no variables. */
    String toJson(Map<String, Object> variables) {
        if (variables == null || variables.isEmpty()) {
            return null;
        }
        try {
            return json.writeValueAsString(variables);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Journey variables that are not simple values: " + variables.keySet(), e);
        }
    }

    /** The variables of a stored row; empty for none. Only {@link #toJson} writes the column. */
    Map<String, Object> fromJson(String stored) {
        if (stored == null || stored.isBlank()) {
            return Map.of();
        }
        try {
            return json.readValue(stored, OBJECT);
        } catch (JsonProcessingException e) {
            return Map.of();
        }
    }
}
