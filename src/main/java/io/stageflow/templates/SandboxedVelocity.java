package io.stageflow.templates;

import java.util.function.BiConsumer;

import org.apache.velocity.app.VelocityEngine;
import org.apache.velocity.runtime.RuntimeConstants;
import org.apache.velocity.runtime.RuntimeInstance;

/**
 * The one Velocity configuration Stageflow renders with, kept apart from the rendering so its security choices
 * read in one place: the files of one {@link TemplateFiles} snapshot, each parsed once and cached (a new version is
 * a new snapshot and a new engine), strict references, macros local to the file that defines them, and the
 * sandboxed uberspector.
 */
final class SandboxedVelocity {

    private SandboxedVelocity() {
    }

    static VelocityEngine create(TemplateFiles files) {
        VelocityEngine velocity = new VelocityEngine();
        configure(velocity::setProperty, files);
        velocity.init();
        return velocity;
    }

    /**
     * The same configuration for a step's own short templates ({@link StepSnippets}), with no files: an include or
     * a parse has nothing to find.
     */
    static RuntimeInstance forSnippets() {
        RuntimeInstance velocity = new RuntimeInstance();
        configure(velocity::setProperty, TemplateFiles.NONE);
        velocity.init();
        return velocity;
    }

    private static void configure(BiConsumer<String, Object> velocity, TemplateFiles files) {
        velocity.accept(RuntimeConstants.RESOURCE_LOADERS, "snapshot");
        velocity.accept("resource.loader.snapshot." + RuntimeConstants.RESOURCE_LOADER_INSTANCE,
                new SnapshotResourceLoader(files));
        velocity.accept("resource.loader.snapshot.cache", "true");
        velocity.accept("resource.loader.snapshot.modification_check_interval", "0");
        velocity.accept(RuntimeConstants.INPUT_ENCODING, "UTF-8");
        velocity.accept(RuntimeConstants.SPACE_GOBBLING, "lines");
        // A misspelt reference fails the render instead of reaching a customer as "$customer.fristName".
        // Optional values declare their fallback in the template: ${customer.firstName|'there'}.
        velocity.accept(RuntimeConstants.RUNTIME_REFERENCES_STRICT, "true");
        // A #macro in one template stays in that template. Shared macros come from _macros.vm, handed to every
        // merge as a library: a part of the snapshot like any other, versioned like any other.
        velocity.accept(RuntimeConstants.VM_PERM_INLINE_LOCAL, "true");
        // Templates reach only the documented context: no getClass(), no class loading, no reflection.
        velocity.accept(RuntimeConstants.UBERSPECT_CLASSNAME, SandboxUberspector.class.getName());
        velocity.accept(RuntimeConstants.INTROSPECTOR_RESTRICT_PACKAGES, SandboxRules.RESTRICTED_PACKAGES);
        velocity.accept(RuntimeConstants.INTROSPECTOR_RESTRICT_CLASSES, SandboxRules.RESTRICTED_CLASSES);
    }
}
