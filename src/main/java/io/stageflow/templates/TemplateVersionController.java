package io.stageflow.templates;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import jakarta.validation.Valid;

import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * Templates, layouts and macros as versions (docs/templates.md): list them, read any version, save a new one as a
 * draft or published, publish a draft, roll back, and compare two versions. For marketers and admins.
 */
@RestController
@RequestMapping("/api/v1/templates")
class TemplateVersionController {

    private final TemplateVersions versions;
    private final TemplateEditing editing;

    TemplateVersionController(TemplateVersions versions, TemplateEditing editing) {
        this.versions = versions;
        this.editing = editing;
    }

    /** A template part and where its versions stand. */
    record PartView(String key, String folder, Integer publishedVersion, int latestVersion, Integer fileVersion,
            boolean fileKeptBack, Instant updatedAt) {

        static PartView of(TemplateVersions.Head head) {
            return new PartView(head.key(), new TemplatePart(head.key()).label(), head.publishedVersion(),
                    head.latestVersion(), head.fileVersion(), head.fileKeptBack(), head.updatedAt());
        }
    }

    /** One version; {@code files} only when a single version is asked for. */
    record VersionView(String key, int version, boolean published, String origin, Integer basedOn, String author,
            String comment, Instant createdAt, Map<String, String> files) {

        static VersionView of(TemplateVersions.Version version, Integer published, Map<String, String> files) {
            return new VersionView(version.key(), version.version(), Objects.equals(published, version.version()),
                    version.origin().name().toLowerCase(Locale.ROOT), version.basedOn(), version.author(),
                    version.comment(), version.createdAt(), files);
        }
    }

    @GetMapping
    List<PartView> parts() {
        return versions.heads().stream().map(PartView::of).toList();
    }

    @GetMapping("/{key}/versions")
    List<VersionView> versions(@PathVariable String key) {
        TemplateVersions.Head head = head(key);
        return versions.versions(key).stream().map(version -> VersionView.of(version, head.publishedVersion(), null))
                .toList();
    }

    @GetMapping("/{key}/versions/{version}")
    VersionView version(@PathVariable String key, @PathVariable int version) {
        TemplateVersions.Head head = head(key);
        TemplatePart part = TemplateEditing.part(key);
        TemplateVersions.Version found = versions.version(key, version).orElseThrow(() -> notFound(key, version));
        return VersionView.of(found, head.publishedVersion(), editing.files(part, version));
    }

    @PostMapping("/{key}/versions")
    @ResponseStatus(HttpStatus.CREATED)
    VersionView save(@PathVariable String key, @Valid @RequestBody NewTemplateVersion body,
            Authentication author) {
        TemplateVersions.Version saved = editing.save(key, body, author.getName());
        return VersionView.of(saved, body.publish() ? saved.version() : head(key).publishedVersion(), null);
    }

    @PostMapping("/{key}/versions/{version}/publish")
    VersionView publish(@PathVariable String key, @PathVariable int version) {
        editing.publish(key, version);
        return VersionView.of(versions.version(key, version).orElseThrow(), version, null);
    }

    @PostMapping("/{key}/rollback")
    @ResponseStatus(HttpStatus.CREATED)
    VersionView rollBack(@PathVariable String key, @Valid @RequestBody RollBackRequest body, Authentication author) {
        TemplateVersions.Version added = editing.rollBack(key, body.version(), body.comment(), author.getName());
        return VersionView.of(added, added.version(), null);
    }

    @GetMapping("/{key}/diff")
    TemplateDiff diff(@PathVariable String key, @RequestParam int from, @RequestParam int to) {
        return editing.diff(key, from, to);
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
