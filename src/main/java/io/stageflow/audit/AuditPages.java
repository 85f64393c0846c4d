package io.stageflow.audit;

import java.util.List;

import io.stageflow.web.ConsolePage;
import io.stageflow.web.ConsolePaths;
import io.stageflow.web.InvalidInputException;

import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The console's audit log (docs/console.md), for admins: the entries of a period, newest first, a page at a time,
 * narrowed by who, what was done and what it was done to; and the same as a CSV download.
 */
@Controller
@ConsolePage
class AuditPages {

    /** Entries per page of the console's list. */
    static final int PAGE = 50;

    private final AuditLog auditLog;
    private final AuditProperties settings;

    AuditPages(AuditLog auditLog, AuditProperties settings) {
        this.auditLog = auditLog;
        this.settings = settings;
    }

    @GetMapping(ConsolePaths.AUDIT)
    String audit(@RequestParam(required = false) String from, @RequestParam(required = false) String to,
            @RequestParam(required = false) String actor, @RequestParam(required = false) String action,
            @RequestParam(required = false) String target, @RequestParam(required = false) Long before,
            Model model) {
        AuditLog.Filter filter;
        String problem = null;
        try {
            filter = AuditLog.Filter.parse(from, to, actor, action, null, target);
        } catch (InvalidInputException e) {
            problem = e.violations().get(0).field() + ": " + e.violations().get(0).message();
            filter = AuditLog.Filter.parse(null, null, actor, action, null, target);
        }
        List<AuditEntry> entries = auditLog.page(filter, before, PAGE);
        model.addAttribute("filter", filter);
        model.addAttribute("problem", problem);
        model.addAttribute("entries", entries);
        model.addAttribute("before", entries.size() == PAGE ? entries.get(entries.size() - 1).id() : null);
        return "audit";
    }

    @GetMapping(ConsolePaths.AUDIT + "/export.csv")
    ResponseEntity<String> export(@RequestParam(required = false) String from,
            @RequestParam(required = false) String to, @RequestParam(required = false) String actor,
            @RequestParam(required = false) String action, @RequestParam(required = false) String target) {
        return AuditExport.csv(auditLog, settings, AuditLog.Filter.parse(from, to, actor, action, null, target));
    }
}
