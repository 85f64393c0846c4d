package io.stageflow.templates;

import java.nio.file.Path;
import java.util.Properties;

import org.apache.velocity.app.VelocityEngine;
import org.apache.velocity.runtime.RuntimeConstants;
import org.apache.velocity.runtime.resource.loader.FileResourceLoader;

/**
 * The one Velocity configuration Stageflow renders with, kept apart from the rendering so its security choices
 * read in one place: files parsed once and cached (re-checked every {@code checkInterval} seconds, never when
 * 0), strict references, macros local to the file that defines them, and the sandboxed uberspector.
 */
final class SandboxedVelocity {

    private SandboxedVelocity() {
    }

    static VelocityEngine create(Path root, int checkInterval) {
        Properties config = new Properties();
        config.setProperty(RuntimeConstants.RESOURCE_LOADERS, "file");
        config.setProperty("resource.loader.file.class", FileResourceLoader.class.getName());
        config.setProperty("resource.loader.file.path", root.toString());
        config.setProperty("resource.loader.file.cache", "true");
        config.setProperty("resource.loader.file.modification_check_interval", Integer.toString(checkInterval));
        config.setProperty(RuntimeConstants.INPUT_ENCODING, "UTF-8");
        config.setProperty(RuntimeConstants.SPACE_GOBBLING, "lines");
        // A misspelt reference fails the render instead of reaching a customer as "$customer.fristName".
        // Optional values declare their fallback in the template: ${customer.firstName|'there'}.
        config.setProperty(RuntimeConstants.RUNTIME_REFERENCES_STRICT, "true");
        // A #macro in one template stays in that template. Shared macros come from _macros.vm, handed to every
        // merge as a library: it is a cached template like any other, so an edit is picked up like any other.
        config.setProperty(RuntimeConstants.VM_PERM_INLINE_LOCAL, "true");
        // Templates reach only the documented context: no getClass(), no class loading, no reflection.
        config.setProperty(RuntimeConstants.UBERSPECT_CLASSNAME, SandboxUberspector.class.getName());
        config.setProperty(RuntimeConstants.INTROSPECTOR_RESTRICT_PACKAGES, SandboxRules.RESTRICTED_PACKAGES);
        config.setProperty(RuntimeConstants.INTROSPECTOR_RESTRICT_CLASSES, SandboxRules.RESTRICTED_CLASSES);
        VelocityEngine velocity = new VelocityEngine(config);
        velocity.init();
        return velocity;
    }
}
