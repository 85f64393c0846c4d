package io.stageflow.imports;

import java.util.List;

import io.stageflow.web.FieldViolation;

/**
 * A row that breaks a rule: the step skips it (without rolling back its chunk) and the error report lists each
 * violation. The message names the line and the columns, never a value, so it is safe to log.
 */
final class InvalidRowException extends RuntimeException {

    private final long line;
    private final transient List<FieldViolation> violations;

    InvalidRowException(long line, List<FieldViolation> violations) {
        super("line " + line + ": " + violations.stream().map(FieldViolation::field).toList());
        this.line = line;
        this.violations = List.copyOf(violations);
    }

    long line() {
        return line;
    }

    List<FieldViolation> violations() {
        return violations;
    }
}
