package io.stageflow.segments;

import java.util.List;

import io.stageflow.web.FieldViolation;
import io.stageflow.web.InvalidInputException;

/** A segment the API or a segment file got wrong, with each problem's path in the segment's JSON. */
class InvalidSegmentException extends InvalidInputException {

    InvalidSegmentException(List<FieldViolation> violations) {
        super(violations);
    }
}
