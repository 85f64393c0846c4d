package io.stageflow.segments;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The SQL function {@code SF_JSON_SCALAR(json, path, kind)} on H2, which has no {@code JSON_VALUE}: it gives segment
 * rules over traits the same answers on H2 as {@code JSON_TYPE}/{@code JSON_EXTRACT} give on MariaDB and MySQL (see
 * {@link SqlDialect}). Public only because H2 calls it by name (Liquibase changeset {@code 009-segments-h2-json}).
 */
public final class H2JsonFunctions {

    /** Thread-safe once configured, and never reconfigured. */
    private static final ObjectMapper JSON = new ObjectMapper();

    private H2JsonFunctions() {
    }

    /**
     * The value at {@code path} ({@code $.name}, one level: what {@link SegmentField} allows) as text when it has
     * the wanted {@code kind}, else null: {@code string} (the unquoted text), {@code number} (plain decimal
     * notation), {@code boolean} ({@code true} or {@code false}), or {@code any} (any value but JSON null).
     */
    public static String scalar(String json, String path, String kind) {
        if (json == null || path == null || !path.startsWith("$.")) {
            return null;
        }
        JsonNode value;
        try {
            value = JSON.readTree(json).path(path.substring(2));
        } catch (JsonProcessingException e) {
            return null;
        }
        return switch (kind) {
            case "string" -> value.isTextual() ? value.textValue() : null;
            case "number" -> value.isNumber() ? value.decimalValue().toPlainString() : null;
            case "boolean" -> value.isBoolean() ? String.valueOf(value.booleanValue()) : null;
            case "any" -> value.isMissingNode() || value.isNull() ? null : value.toString();
            default -> throw new IllegalArgumentException("kind must be string, number, boolean or any: " + kind);
        };
    }
}
