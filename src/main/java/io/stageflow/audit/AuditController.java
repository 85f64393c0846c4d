package io.stageflow.audit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.stageflow.web.Csv;
import io.stageflow.web.FieldViolation;
import io.stageflow.web.InvalidInputException;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/audit}: the audit log for admins, newest first, a page at a time ({@code before} the last id
 * of the page before, {@code limit}), filtered by period ({@code from} and {@code to}, days in UTC, both
 * included; the last 30 days when left out), {@code actor}, {@code action}, {@code targetKind} and {@code target};
 * with {@code Accept: text/csv}, the whole filtered period as CSV.
 */
@RestController
class AuditController {

    private static final String PATH = "/api/v1/audit";

    private final AuditLog auditLog;
    private final AuditProperties settings;

    AuditController(AuditLog auditLog, AuditProperties settings) {
        this.auditLog = auditLog;
        this.settings = settings;
    }

    @GetMapping(path = PATH, produces = "application/json")
    AuditPage page(@RequestParam(required = false) String from, @RequestParam(required = false) String to,
            @RequestParam(required = false) String actor, @RequestParam(required = false) String action,
            @RequestParam(required = false) String targetKind, @RequestParam(required = false) String target,
            @RequestParam(required = false) Long before, @RequestParam(required = false) Integer limit) {
        AuditLog.Filter filter = AuditLog.Filter.parse(from, to, actor, action, targetKind, target);
        int size = limit == null ? settings.pageSize() : limit;
        List<FieldViolation> problems = new ArrayList<>();
        if (size < 1 || size > settings.maxPageSize()) {
            problems.add(new FieldViolation("limit", "between 1 and " + settings.maxPageSize()));
        }
        if (before != null && before < 1) {
            problems.add(new FieldViolation("before", "the id of an entry: 1 or more"));
        }
        if (!problems.isEmpty()) {
            throw new InvalidInputException(problems);
        }
        List<AuditEntry> entries = auditLog.page(filter, before, size);
        Long next = entries.size() == size ? entries.get(entries.size() - 1).id() : null;
        return new AuditPage(filter.from(), filter.to(), entries, next);
    }

    @GetMapping(path = PATH, produces = Csv.MEDIA_TYPE)
    ResponseEntity<String> export(@RequestParam(required = false) String from,
            @RequestParam(required = false) String to, @RequestParam(required = false) String actor,
            @RequestParam(required = false) String action, @RequestParam(required = false) String targetKind,
            @RequestParam(required = false) String target) {
        AuditLog.Filter filter = AuditLog.Filter.parse(from, to, actor, action, targetKind, target);
        return AuditExport.csv(auditLog, settings, filter);
    }

    /**
     * One page of the audit log.
     *
     * @param from    the start of the period (inclusive)
     * @param to      its end (exclusive)
     * @param entries newest first
     * @param before  what to pass as {@code before} for the next page; null on the last
     */
    record AuditPage(Instant from, Instant to, List<AuditEntry> entries, Long before) {
    }
}
