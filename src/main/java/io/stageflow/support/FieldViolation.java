package io.stageflow.support;

/** One bad field in a request: its path as the client wrote it (for example {@code [2].type}) and why. */
public record FieldViolation(String field, String message) {
}
