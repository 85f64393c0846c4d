package io.stageflow.templates;

import org.apache.velocity.app.event.IncludeEventHandler;
import org.apache.velocity.context.Context;
import org.apache.velocity.exception.VelocityException;

/**
 * Velocity's file loader resolves {@code #parse("../x")} outside its folder; this handler stops any
 * {@code #parse} or {@code #include} that is not a plain path inside the templates folder, so a template can
 * never read the application's configuration or any other file on the host.
 */
final class SafeIncludes implements IncludeEventHandler {

    @Override
    public String includeEvent(Context context, String includeResourcePath, String currentResourcePath,
            String directiveName) {
        if (!SandboxRules.allowsInclude(includeResourcePath)) {
            throw new VelocityException("#" + directiveName + "('" + includeResourcePath + "') in "
                    + currentResourcePath + " is refused: templates may only include files inside the templates folder");
        }
        return includeResourcePath;
    }
}
