package io.stageflow.templates;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Size;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * Templates, layouts and macros as versions (docs/templates.md): list them, read any version, create a template,
 * save a new version as a draft or published, publish a draft, roll back, and compare two versions; for marketers and
 * admins. With {@code require-approval} on, a publish answers 202 and waits: approvers (and admins) list the requests
 * and approve or reject them; approvers read everything, and change nothing.
 */
@RestController
@RequestMapping("/api/v1/templates")
class TemplateVersionController {

    private static final String AWAITING_APPROVAL = "awaiting-approval";

    private final TemplateVersions versions;
    private final TemplateEditing editing;
    private final TemplateApprovals approvals;

    TemplateVersionController(TemplateVersions versions, TemplateEditing editing, TemplateApprovals approvals) {
        this.versions = versions;
        this.editing = editing;
        this.approvals = approvals;
    }

    /** A template part and where its versions stand. */
    record PartView(String key, String folder, Integer publishedVersion, int latestVersion, Integer fileVersion,
            boolean fileKeptBack, Instant updatedAt) {

        static PartView of(TemplateVersions.Head head) {
            return new PartView(head.key(), new TemplatePart(head.key()).label(), head.publishedVersion(),
                    head.latestVersion(), head.fileVersion(), head.fileKeptBack(), head.updatedAt());
        }
    }

    /**
     * One version; {@code files} only when a single version is asked for. {@code status} is {@code published},
     * {@code awaiting-approval} (with {@code approval}, the request) or {@code draft}.
     */
    record VersionView(String key, int version, boolean published, String status, String origin, Integer basedOn,
            String author, String comment, Instant createdAt, ApprovalView approval, Map<String, String> files) {

        static VersionView of(TemplateVersions.Version version, Integer published, TemplateApprovals.Request waiting,
                Map<String, String> files) {
            boolean isPublished = Objects.equals(published, version.version());
            return new VersionView(version.key(), version.version(), isPublished,
                    isPublished ? "published" : waiting != null ? AWAITING_APPROVAL : "draft",
                    version.origin().name().toLowerCase(Locale.ROOT), version.basedOn(), version.author(),
                    version.comment(), version.createdAt(), waiting == null ? null : ApprovalView.of(waiting), files);
        }
    }

    /**
     * A request to publish a version: who asked, when and why, and once decided who decided, when, what
     * ({@code approved}, {@code rejected}) and why; {@code status} is {@code awaiting-approval} until then.
     */
    record ApprovalView(String key, int version, String status, String requestedBy, Instant requestedAt,
            String comment, String decidedBy, Instant decidedAt, String reason) {

        static ApprovalView of(TemplateApprovals.Request request) {
            return new ApprovalView(request.key(), request.version(), request.pending() ? AWAITING_APPROVAL
                    : request.decision().name().toLowerCase(Locale.ROOT), request.requestedBy(),
                    request.requestedAt(), request.comment(), request.decidedBy(), request.decidedAt(),
                    request.reason());
        }
    }

    /** An optional comment for the request, when publishing waits for approval. */
    record PublishRequest(@Size(max = 500) String comment) {
    }

    /** Why a request is rejected: required, for the marketer who asked. */
    record RejectRequest(String reason) {
    }

    @GetMapping
    List<PartView> parts() {
        return versions.heads().stream().map(PartView::of).toList();
    }

    /** A new template: its version 1, a draft or published (202 when that waits for approval); 409 when taken. */
    @PostMapping
    ResponseEntity<VersionView> create(@Valid @RequestBody NewTemplate body, Authentication author) {
        return answer(editing.create(body.key(), body.filesOrSkeleton(), body.comment(), body.publish(),
                author.getName()), body.publish(), HttpStatus.CREATED);
    }

    /** The requests waiting for an approver, oldest first. */
    @GetMapping("/approvals")
    List<ApprovalView> approvals() {
        return approvals.pending().stream().map(ApprovalView::of).toList();
    }

    @GetMapping("/{key}/versions")
    List<VersionView> versions(@PathVariable String key) {
        TemplateVersions.Head head = head(key);
        List<TemplateApprovals.Request> waiting = approvals.pending().stream()
                .filter(request -> request.key().equals(key)).toList();
        return versions.versions(key).stream().map(version -> VersionView.of(version, head.publishedVersion(),
                waiting.stream().filter(request -> request.version() == version.version()).findFirst().orElse(null),
                null)).toList();
    }

    @GetMapping("/{key}/versions/{version}")
    VersionView version(@PathVariable String key, @PathVariable int version) {
        TemplateVersions.Head head = head(key);
        TemplatePart part = TemplateEditing.part(key);
        TemplateVersions.Version found = versions.version(key, version).orElseThrow(() -> notFound(key, version));
        return VersionView.of(found, head.publishedVersion(), approvals.pending(key, version).orElse(null),
                editing.files(part, version));
    }

    /** A new version: 201, or 202 when it is to be published and that waits for approval. */
    @PostMapping("/{key}/versions")
    ResponseEntity<VersionView> save(@PathVariable String key, @Valid @RequestBody NewTemplateVersion body,
            Authentication author) {
        return answer(editing.save(key, body, author.getName()), body.publish(), HttpStatus.CREATED);
    }

    /** Publishes the newest version: 200, or 202 with approval on (the request is made). */
    @PostMapping("/{key}/versions/{version}/publish")
    ResponseEntity<VersionView> publish(@PathVariable String key, @PathVariable int version,
            @Valid @RequestBody(required = false) PublishRequest body, Authentication author) {
        return answer(editing.publish(key, version, author.getName(), body == null ? null : body.comment()), true,
                HttpStatus.OK);
    }

    /** An approver publishes the version asked for: the checks run again. Never the requester. */
    @PostMapping("/{key}/versions/{version}/approve")
    VersionView approve(@PathVariable String key, @PathVariable int version, Authentication approver) {
        TemplateVersions.Version approved = editing.approve(key, version, approver.getName());
        return VersionView.of(approved, version, null, null);
    }

    /** An approver rejects the version asked for, with a reason ({@code reason}, required). Never the requester. */
    @PostMapping("/{key}/versions/{version}/reject")
    ApprovalView reject(@PathVariable String key, @PathVariable int version,
            @RequestBody(required = false) RejectRequest body, Authentication approver) {
        return ApprovalView.of(editing.reject(key, version, approver.getName(), body == null ? null : body.reason()));
    }

    @PostMapping("/{key}/rollback")
    ResponseEntity<VersionView> rollBack(@PathVariable String key, @Valid @RequestBody RollBackRequest body,
            Authentication author) {
        return answer(editing.rollBack(key, body.version(), body.comment(), author.getName()), true,
                HttpStatus.CREATED);
    }

    @GetMapping("/{key}/diff")
    TemplateDiff diff(@PathVariable String key, @RequestParam int from, @RequestParam int to) {
        return editing.diff(key, from, to);
    }

    /** The version made or published, with {@code status}; 202 when publishing it waits for an approver. */
    private ResponseEntity<VersionView> answer(TemplateEditing.Outcome outcome, boolean publish, HttpStatus done) {
        TemplateVersions.Version version = outcome.version();
        Integer published = publish && !outcome.awaitingApproval() ? Integer.valueOf(version.version())
                : head(version.key()).publishedVersion();
        return ResponseEntity.status(outcome.awaitingApproval() ? HttpStatus.ACCEPTED : done)
                .body(VersionView.of(version, published, outcome.request(), null));
    }

    private TemplateVersions.Head head(String key) {
        TemplateEditing.part(key);
        return versions.head(key).orElseThrow(() -> new ResponseStatusException(
                HttpStatus.NOT_FOUND, "No template part '" + key + "'"));
    }

    private static RuntimeException notFound(String key, int version) {
        return new ResponseStatusException(HttpStatus.NOT_FOUND,
                "Template part '" + key + "' has no version " + version);
    }
}
