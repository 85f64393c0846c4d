package io.stageflow.audit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.stageflow.web.Csv;
import io.stageflow.web.InvalidInputException;

import org.springframework.http.ResponseEntity;

/**
 * The audit log of a filtered period as one CSV file, for the API ({@code Accept: text/csv}) and the console's
 * download alike: every entry, newest first, or a refusal naming the period when it holds more than one export may.
 */
final class AuditExport {

    static final List<String> HEADER = List.of("id", "occurred_at", "actor", "action", "target_kind", "target", "route",
            "outcome", "http_status", "address_hash");

    private AuditExport() {
    }

    static ResponseEntity<String> csv(AuditLog auditLog, AuditProperties settings, AuditLog.Filter filter) {
        long count = auditLog.count(filter);
        if (count > settings.exportLimit()) {
            throw new InvalidInputException("from", "the period holds " + count + " entries, more than one export"
                    + " may (" + settings.exportLimit() + "): choose a shorter one");
        }
        List<List<Object>> rows = new ArrayList<>();
        for (AuditEntry entry : auditLog.page(filter, null, settings.exportLimit())) {
            rows.add(Arrays.asList(entry.id(), entry.occurredAt(), entry.actor(), entry.action(), entry.targetKind(),
                    entry.target(), entry.route(), entry.outcome(), entry.httpStatus(), entry.addressHash()));
        }
        return Csv.of("audit-" + filter.firstDay() + "-" + filter.lastDay(), HEADER, rows);
    }
}
