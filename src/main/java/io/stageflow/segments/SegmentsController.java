package io.stageflow.segments;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import io.stageflow.web.InvalidInputException;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * Lets marketers define segments and see who is in them before a journey or a broadcast uses them. A preview
 * lists customer ids and stages only: enough to check a rule, no personal data.
 */
@RestController
@RequestMapping("/api/v1/segments")
class SegmentsController {

    private final Segments segments;
    private final RuleParser parser;
    private final int maxPreview;

    SegmentsController(Segments segments, RuleParser parser, SegmentsProperties properties) {
        this.segments = segments;
        this.parser = parser;
        this.maxPreview = properties.maxPreview();
    }

    @PostMapping
    ResponseEntity<StoredSegment> save(@RequestBody JsonNode body) {
        SegmentDefinition segment = parser.segment(body);
        boolean created = segments.save(segment);
        return ResponseEntity.status(created ? HttpStatus.CREATED : HttpStatus.OK).body(get(segment.key()));
    }

    @GetMapping
    List<StoredSegment> list() {
        return segments.list();
    }

    @GetMapping("/{key}")
    StoredSegment get(@PathVariable String key) {
        return segments.find(key).orElseThrow(() -> notFound(key));
    }

    @GetMapping("/{key}/count")
    Count count(@PathVariable String key) {
        get(key);
        return new Count(key, segments.count(key));
    }

    /** The first customers of the segment by id; {@code limit} is capped at {@code stageflow.segments.max-preview}. */
    @GetMapping("/{key}/preview")
    Preview preview(@PathVariable String key, @RequestParam(defaultValue = "20") int limit) {
        if (limit < 1) {
            throw new InvalidInputException("limit", "must be at least 1");
        }
        get(key);
        int capped = Math.min(limit, maxPreview);
        return new Preview(key, capped, segments.preview(key, capped));
    }

    @DeleteMapping("/{key}")
    ResponseEntity<Void> delete(@PathVariable String key) {
        if (!segments.delete(key)) {
            throw notFound(key);
        }
        return ResponseEntity.noContent().build();
    }

    @ExceptionHandler(SegmentOwnedByFileException.class)
    ProblemDetail ownedByFile(SegmentOwnedByFileException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, e.getMessage());
        problem.setTitle("Segment defined in a file");
        return problem;
    }

    private static ResponseStatusException notFound(String key) {
        return new ResponseStatusException(HttpStatus.NOT_FOUND, "No segment '" + key + "'");
    }

    record Count(String key, long count) {
    }

    record Preview(String key, int limit, List<SegmentStore.Member> customers) {
    }
}
