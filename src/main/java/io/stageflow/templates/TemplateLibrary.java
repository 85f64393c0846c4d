package io.stageflow.templates;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.stageflow.support.PollingWorker;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The template files this node renders: the published version of every part, from the database, so that all nodes
 * render the same copy. On start, and then every {@code check-interval} seconds (unless 0), it reads the templates
 * folder (a changed part becomes a new version, as {@code bpmn/} seeds the engine); every {@code refresh-interval}
 * it looks for versions published on other nodes; a version published on this node is read at once. A part changed in the console is never overwritten by a
 * later change of its files: that version is kept back, and said so at start-up and in the console.
 */
@Component
class TemplateLibrary implements TemplateSource, InitializingBean, SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(TemplateLibrary.class);
    static final String FOLDER_AUTHOR = "templates/ folder";

    private final TemplateVersions versions;
    private final TemplateChecks checks;
    private final Path folder;
    private final long folderEveryNanos;
    private final PollingWorker worker;
    private long folderReadAt = System.nanoTime();
    private volatile TemplateFiles current = TemplateFiles.NONE;
    /** The fingerprint of each part as this node last read it from its folder. */
    private Map<TemplatePart, String> folderAsRead = Map.of();
    /** Why parts of the folder could not be published when the application started. */
    private List<String> problemsAtStart = List.of();

    TemplateLibrary(TemplateVersions versions, TemplateChecks checks, TemplatesProperties properties) {
        this.versions = versions;
        this.checks = checks;
        this.folder = properties.dir().toAbsolutePath();
        this.folderEveryNanos = properties.checkInterval() > 0
                ? Duration.ofSeconds(properties.checkInterval()).toNanos() : -1;
        Duration every = properties.checkInterval() > 0
                && Duration.ofSeconds(properties.checkInterval()).compareTo(properties.refreshInterval()) < 0
                ? Duration.ofSeconds(properties.checkInterval()) : properties.refreshInterval();
        this.worker = new PollingWorker("template-library", every, this::checkOnce);
    }

    @Override
    public void afterPropertiesSet() {
        readFolder(true);
        refresh();
        for (TemplateVersions.Head head : versions.heads()) {
            if (head.fileKeptBack()) {
                log.warn("{} changed on disk, but version {} (changed in the console) stays published: the folder's"
                        + " copy is version {}, kept back. Publish version {} in the console to use it, or change"
                        + " the folder to match.", new TemplatePart(head.key()).label(), head.publishedVersion(),
                        head.fileVersion(), head.fileVersion());
            }
        }
    }

    @Override
    public TemplateFiles current() {
        return current;
    }

    /**
     * Why parts of the templates folder were not published when the application started, one line each: a file
     * that does not parse, breaks the sandbox or fails for a sample customer (checked with the folder's layouts and
     * macros). Nothing broken reaches the other nodes; {@link TemplateFolderCheck} stops this one.
     */
    synchronized List<String> problemsAtStart() {
        return problemsAtStart;
    }

    /** Reads the versions published now; called after this node publishes one, and on every check. */
    synchronized void refresh() {
        Map<String, Integer> published = versions.published();
        if (published.equals(current.versions())) {
            return;
        }
        TemplateFiles next = current;
        for (String key : current.versions().keySet()) {
            if (!published.containsKey(key)) {
                next = next.without(new TemplatePart(key));
            }
        }
        for (Map.Entry<String, Integer> part : published.entrySet()) {
            if (next.version(part.getKey()) != part.getValue()) {
                TemplatePart templatePart = new TemplatePart(part.getKey());
                Map<String, String> files = versions.files(part.getKey(), part.getValue()).orElseThrow();
                next = next.with(templatePart, files, part.getValue());
            }
        }
        current = next;
    }

    /** One check: the folder when it is due, then the published versions. Never says there is more to do at once. */
    boolean checkOnce() {
        if (folderEveryNanos > 0 && System.nanoTime() - folderReadAt >= folderEveryNanos) {
            folderReadAt = System.nanoTime();
            readFolder(false);
        }
        refresh();
        return false;
    }

    /**
     * Records each part whose files differ from this node's last reading. At start every part is compared with the
     * last version read from any node's folder; later only changes seen here count, so nodes whose folders differ do
     * not undo each other every few seconds. A part whose folder went away while running stops being published
     * (unless the console's version is), as removing a folder did before templates had versions.
     */
    private synchronized void readFolder(boolean atStart) {
        Map<TemplatePart, Map<String, String>> parts = TemplateFiles.partsInFolder(folder);
        Map<TemplatePart, String> read = new HashMap<>();
        List<String> problems = new ArrayList<>();
        TemplateFiles asInFolder = atStart ? folderOverPublished(parts) : null;
        parts.forEach((part, files) -> {
            String fingerprint = TemplateFiles.fingerprint(files);
            read.put(part, fingerprint);
            if (fingerprint.equals(folderAsRead.get(part))) {
                return;
            }
            TemplateProblem problem = atStart ? checks.problemBeforePublishing(asInFolder, part) : null;
            if (problem != null) {
                problems.add(part.key() + ": " + problem.describe());
                return;
            }
            TemplateVersions.FileOutcome outcome = versions.readFromFolder(part, files, FOLDER_AUTHOR);
            if (outcome == TemplateVersions.FileOutcome.PUBLISHED) {
                log.info("{} read as a new version and published", part.label());
            } else if (outcome == TemplateVersions.FileOutcome.KEPT_BACK) {
                log.warn("{} changed on disk, but a version changed in the console is published: the folder's copy"
                        + " is kept back as a new version, unpublished", part.label());
            }
        });
        if (!atStart) {
            for (TemplatePart gone : folderAsRead.keySet()) {
                if (!read.containsKey(gone) && versions.removedFromFolder(gone)) {
                    log.info("{} was removed from the folder: no longer published", gone.label());
                }
            }
        }
        folderAsRead = Map.copyOf(read);
        if (atStart) {
            problemsAtStart = List.copyOf(problems);
        }
    }

    /** The published files with every part the folder has as the folder has it: what a start would publish. */
    private TemplateFiles folderOverPublished(Map<TemplatePart, Map<String, String>> parts) {
        refresh();
        TemplateFiles files = current;
        for (Map.Entry<TemplatePart, Map<String, String>> part : parts.entrySet()) {
            files = files.with(part.getKey(), part.getValue(), 0);
        }
        return files;
    }

    @Override
    public void start() {
        worker.start();
    }

    @Override
    public void stop() {
        worker.stop();
    }

    @Override
    public boolean isRunning() {
        return worker.isRunning();
    }
}
