package io.stageflow.segments;

/** A change through the API to a segment that a file or the configuration defines, which the next start would undo. */
class SegmentOwnedByFileException extends RuntimeException {

    SegmentOwnedByFileException(StoredSegment segment) {
        super("Segment '" + segment.key() + "' is defined in " + segment.source() + "; change or delete it there instead");
    }

    static void raise(StoredSegment segment) {
        throw new SegmentOwnedByFileException(segment);
    }
}
