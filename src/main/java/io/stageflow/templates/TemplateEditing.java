package io.stageflow.templates;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;

import io.stageflow.web.FieldViolation;
import io.stageflow.web.InvalidInputException;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.web.server.ResponseStatusException;

/**
 * What a marketer does to a template's versions: save a new one (a draft, or published at once), publish a draft,
 * roll back to an earlier one (a new version with its files), and compare two. Nothing is published that fails the
 * checks a send would fail ({@link UnpublishableTemplateException}, naming the file, line and reason), and nothing
 * saved over a version the author has not seen ({@code NewerVersionException}, naming the newer version). Every
 * node renders a published version within {@code check-interval}; this one at once.
 *
 * <p>With {@code stageflow.templates.require-approval} on, a publish (a roll-back too) only asks for the version to
 * be published ({@link TemplateApprovals}), after the same checks; a second user, an approver, approves it (it is
 * published, checked again) or rejects it with a reason. Nobody approves or rejects their own request.
 */
@Service
class TemplateEditing {

    private static final int MAX_FILE_CHARS = 256 * 1024;
    private static final Set<String> REQUIRED = Set.of("subject.vm", "html.vm", "text.vm");
    /** Keys a new template may not have: the console's pages under {@code /templates/}. */
    static final Set<String> RESERVED_KEYS = Set.of("approvals", "new");

    private final TemplateVersions versions;
    private final TemplateLibrary library;
    private final TemplateChecks checks;
    private final TemplateApprovals approvals;
    private final ApprovalSetting approval;

    TemplateEditing(TemplateVersions versions, TemplateLibrary library, TemplateChecks checks,
            TemplateApprovals approvals, ApprovalSetting approval) {
        this.versions = versions;
        this.library = library;
        this.checks = checks;
        this.approvals = approvals;
        this.approval = approval;
    }

    /**
     * What a save, publish or roll-back did: the version, and the request for its approval when publishing it waits
     * for an approver (null when it was published, or kept as a draft).
     */
    record Outcome(TemplateVersions.Version version, TemplateApprovals.Request request) {

        boolean awaitingApproval() {
            return request != null;
        }
    }

    /**
     * An approval refused: nothing waits to be approved for that version, or the approver asked for it themselves.
     * Answered 409, with {@code title}.
     */
    static final class ApprovalConflictException extends RuntimeException {

        private final String title;

        ApprovalConflictException(String title, String message) {
            super(message);
            this.title = title;
        }

        String title() {
            return title;
        }
    }

    /** A template key that is taken already (by a template, a draft, or a folder removed): answered 409. */
    static final class TemplateExistsException extends RuntimeException {

        TemplateExistsException(String key) {
            super("Template '" + key + "' exists already: open it, and save a new version of it");
        }
    }

    /** Whether publishing waits for an approver now. */
    boolean approvalRequired() {
        return approval.required();
    }

    /**
     * A publish refused: the files as they would be published fail a check; the problem names file and line. A kind
     * of {@link InvalidTemplateException}, answered 400 rather than 422: the request, not the template in use, is bad.
     */
    static final class UnpublishableTemplateException extends InvalidTemplateException {

        UnpublishableTemplateException(TemplateProblem problem) {
            super(problem);
        }
    }

    /**
     * Saves the files as the part's next version, published when asked (or, with approval on, asked to be
     * published).
     */
    Outcome save(String key, NewTemplateVersion change, String author) {
        TemplatePart part = part(key);
        checkFiles(part, change.files());
        if (change.publish()) {
            requirePublishable(part, change.files());
        }
        boolean ask = change.publish() && approval.required();
        int version = versions.add(new TemplateVersions.Change(part, change.files(), TemplateVersions.Origin.CONSOLE,
                change.baseVersion() == 0 ? null : change.baseVersion(), author, change.comment()),
                change.publish() && !ask, change.baseVersion());
        library.refresh();
        return new Outcome(versions.version(key, version).orElseThrow(),
                ask ? approvals.ask(key, version, author, change.comment()) : null);
    }

    /**
     * A new template, {@code key}, whose version 1 has {@code files} (a template needs subject.vm, html.vm and
     * text.vm): a draft, or published (asked to be, with approval on) like any version. A key that is taken, by a
     * template, a draft or a removed folder, is refused.
     */
    Outcome create(String key, Map<String, String> files, String comment, boolean publish, String author) {
        if (!TemplatePart.isTemplateKey(key) || RESERVED_KEYS.contains(key)) {
            throw new InvalidInputException("key", key == null || key.isBlank() ? "must not be blank"
                    : RESERVED_KEYS.contains(key) ? "'" + key + "' is a page of the console: choose another name"
                    : "must be lower-case letters, digits and dashes, starting with a letter or digit, at most 100"
                            + " characters");
        }
        if (versions.head(key).isPresent()) {
            throw new TemplateExistsException(key);
        }
        try {
            return save(key, new NewTemplateVersion(0, files, comment, publish), author);
        } catch (TemplateVersions.NewerVersionException createdMeanwhile) {
            throw new TemplateExistsException(key);
        }
    }

    /** Publishes version {@code version}, which must be the newest; with approval on, asks for it to be. */
    Outcome publish(String key, int version, String author, String comment) {
        if (!approval.required()) {
            publishNow(key, version);
            return new Outcome(versions.version(key, version).orElseThrow(), null);
        }
        TemplatePart part = part(key);
        requirePublishable(part, files(part, version));
        TemplateVersions.Head head = versions.head(key).orElseThrow(() -> notFound(key, version));
        if (version != head.latestVersion()) {
            throw new TemplateVersions.NewerVersionException(versions.version(key, head.latestVersion())
                    .orElseThrow());
        }
        return new Outcome(versions.version(key, version).orElseThrow(),
                approvals.ask(key, version, author, comment));
    }

    /**
     * Publishes the files of {@code version} again, as a new version that says where it came from; with approval on,
     * that new version is asked to be published.
     */
    Outcome rollBack(String key, int version, String comment, String author) {
        TemplatePart part = part(key);
        Map<String, String> files = files(part, version);
        requirePublishable(part, files);
        String why = comment == null || comment.isBlank() ? "rolled back to version " + version : comment;
        boolean ask = approval.required();
        int added = versions.add(new TemplateVersions.Change(part, files, TemplateVersions.Origin.ROLLBACK, version,
                author, why), !ask, null);
        library.refresh();
        return new Outcome(versions.version(key, added).orElseThrow(),
                ask ? approvals.ask(key, added, author, why) : null);
    }

    /**
     * Approves the request waiting for {@code version}: it is published, after the checks a publish makes (which may
     * refuse it, as a newer version may; the request then still waits, to be rejected). Not by its requester.
     */
    TemplateVersions.Version approve(String key, int version, String approver) {
        part(key);
        TemplateApprovals.Request request = waiting(key, version, approver, "approve");
        publishNow(key, version);
        approvals.decide(request.id(), TemplateApprovals.Decision.APPROVED, approver, null);
        return versions.version(key, version).orElseThrow();
    }

    /** Rejects the request waiting for {@code version}, with the reason, which the requester reads. */
    TemplateApprovals.Request reject(String key, int version, String approver, String reason) {
        part(key);
        if (reason == null || reason.isBlank()) {
            throw new InvalidInputException("reason", "must not be blank: say what to change");
        }
        if (reason.strip().length() > 500) {
            throw new InvalidInputException("reason", "must be at most 500 characters");
        }
        TemplateApprovals.Request request = waiting(key, version, approver, "reject");
        approvals.decide(request.id(), TemplateApprovals.Decision.REJECTED, approver, reason);
        return approvals.of(key, version).stream().filter(decided -> decided.id() == request.id()).findFirst()
                .orElseThrow();
    }

    /** The request waiting for {@code version}, unless none waits or {@code approver} made it. */
    private TemplateApprovals.Request waiting(String key, int version, String approver, String action) {
        files(part(key), version);
        TemplateApprovals.Request request = approvals.pending(key, version).orElseThrow(() ->
                new ApprovalConflictException("Nothing to " + action, "No request to publish version " + version
                        + " of " + key + " waits for approval"));
        if (request.requestedBy().equals(approver)) {
            throw new ApprovalConflictException("Your own request", "You asked for version " + version + " of " + key
                    + " to be published: another approver must " + action + " it");
        }
        return request;
    }

    private void publishNow(String key, int version) {
        TemplatePart part = part(key);
        requirePublishable(part, files(part, version));
        if (!versions.publish(key, version)) {
            throw notFound(key, version);
        }
        library.refresh();
    }

    /** Line by line, what changed in each file from version {@code from} to {@code to}. */
    TemplateDiff diff(String key, int from, int to) {
        TemplatePart part = part(key);
        Map<String, String> before = files(part, from);
        Map<String, String> after = files(part, to);
        Set<String> names = new TreeSet<>(before.keySet());
        names.addAll(after.keySet());
        List<TemplateDiff.FileDiff> diffs = new ArrayList<>();
        for (String name : names) {
            String old = before.get(name);
            String now = after.get(name);
            String change = old == null ? "added" : now == null ? "removed" : old.equals(now) ? "unchanged" : "changed";
            List<String> oldLines = lines(old);
            List<String> newLines = lines(now);
            String unified = "unchanged".equals(change) ? "" : String.join("\n", UnifiedDiffUtils.generateUnifiedDiff(
                    part.path(name) + " (version " + from + ")", part.path(name) + " (version " + to + ")", oldLines,
                    DiffUtils.diff(oldLines, newLines), 3));
            diffs.add(new TemplateDiff.FileDiff(name, change, unified));
        }
        return new TemplateDiff(key, from, to, diffs);
    }

    /** The files of one version of a part, or 404. */
    Map<String, String> files(TemplatePart part, int version) {
        return versions.files(part.key(), version).orElseThrow(() -> notFound(part.key(), version));
    }

    static TemplatePart part(String key) {
        return TemplatePart.named(key).orElseThrow(() -> new InvalidInputException("key", "'" + key
                + "' names no template part: a template's key (lower-case letters, digits and dashes), a layout"
                + " (_layouts.default) or _macros"));
    }

    private void requirePublishable(TemplatePart part, Map<String, String> files) {
        TemplateProblem problem = checks.problemBeforePublishing(library.current().with(part, files, 0), part);
        if (problem != null) {
            throw new UnpublishableTemplateException(problem);
        }
    }

    private static void checkFiles(TemplatePart part, Map<String, String> files) {
        List<FieldViolation> violations = new ArrayList<>();
        files.forEach((name, text) -> {
            if (!part.holds(name)) {
                violations.add(new FieldViolation("files." + name, part.macros()
                        ? "the macros are one file, _macros.vm"
                        : "is no file name of a template: a name like html.vm, or a locale folder and a name, like"
                                + " de/html.vm or de-AT/html.vm"));
            } else if (text == null) {
                violations.add(new FieldViolation("files." + name, "must be text"));
            } else if (text.length() > MAX_FILE_CHARS) {
                violations.add(new FieldViolation("files." + name, "must be at most " + MAX_FILE_CHARS
                        + " characters"));
            }
        });
        if (!part.shared()) {
            REQUIRED.stream().filter(name -> !files.containsKey(name)).sorted().forEach(name -> violations.add(
                    new FieldViolation("files." + name, "a template needs subject.vm, html.vm and text.vm")));
        }
        if (!violations.isEmpty()) {
            throw new InvalidInputException(violations);
        }
    }

    private static List<String> lines(String text) {
        return text == null ? List.of() : Arrays.asList(text.split("\n", -1));
    }

    private static ResponseStatusException notFound(String key, int version) {
        return new ResponseStatusException(HttpStatus.NOT_FOUND, "Template part '" + key + "' has no version "
                + version);
    }
}
