package io.stageflow.segments;

/** A change through the API to a segment that a file defines, which the next start would silently undo. */
class SegmentOwnedByFileException extends RuntimeException {

    SegmentOwnedByFileException(StoredSegment segment) {
        super("Segment '" + segment.key() + "' is defined in " + segment.source() + "; change or delete that file instead");
    }

    static void raise(StoredSegment segment) {
        throw new SegmentOwnedByFileException(segment);
    }
}
