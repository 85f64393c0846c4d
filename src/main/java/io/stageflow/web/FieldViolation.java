package io.stageflow.web;

import com.fasterxml.jackson.databind.JsonMappingException;

/** One bad field in a request: its path as the client wrote it (for example {@code [2].type}) and why. */
public record FieldViolation(String field, String message) {

    /** The path of the field Jackson could not bind, in the same notation: {@code traits.plan}, {@code [2].type}. */
    public static String pathOf(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }
}
