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
 */
@Service
class TemplateEditing {

    private static final int MAX_FILE_CHARS = 256 * 1024;
    private static final Set<String> REQUIRED = Set.of("subject.vm", "html.vm", "text.vm");

    private final TemplateVersions versions;
    private final TemplateLibrary library;
    private final TemplateChecks checks;

    TemplateEditing(TemplateVersions versions, TemplateLibrary library, TemplateChecks checks) {
        this.versions = versions;
        this.library = library;
        this.checks = checks;
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

    /** Saves the files as the part's next version, published when asked; returns it. */
    TemplateVersions.Version save(String key, NewTemplateVersion change, String author) {
        TemplatePart part = part(key);
        checkFiles(part, change.files());
        if (change.publish()) {
            requirePublishable(part, change.files());
        }
        int version = versions.add(new TemplateVersions.Change(part, change.files(), TemplateVersions.Origin.CONSOLE,
                change.baseVersion() == 0 ? null : change.baseVersion(), author, change.comment()),
                change.publish(), change.baseVersion());
        library.refresh();
        return versions.version(key, version).orElseThrow();
    }

    /** Publishes version {@code version}, which must be the newest. */
    void publish(String key, int version) {
        TemplatePart part = part(key);
        requirePublishable(part, files(part, version));
        if (!versions.publish(key, version)) {
            throw notFound(key, version);
        }
        library.refresh();
    }

    /** Publishes the files of {@code version} again, as a new version that says where it came from. */
    TemplateVersions.Version rollBack(String key, int version, String comment, String author) {
        TemplatePart part = part(key);
        Map<String, String> files = files(part, version);
        requirePublishable(part, files);
        int added = versions.add(new TemplateVersions.Change(part, files, TemplateVersions.Origin.ROLLBACK, version,
                author, comment == null || comment.isBlank() ? "rolled back to version " + version : comment),
                true, null);
        library.refresh();
        return versions.version(key, added).orElseThrow();
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
