package io.stageflow.templates;

import org.apache.velocity.util.introspection.Info;
import org.apache.velocity.util.introspection.SecureUberspector;
import org.apache.velocity.util.introspection.VelMethod;
import org.apache.velocity.util.introspection.VelPropertyGet;

/**
 * Velocity's {@link SecureUberspector} blocks methods on dangerous classes but still hands out {@code getClass()}
 * on any object; this one refuses the {@link SandboxRules} names on every object, so a template cannot even name
 * a class. A refused call resolves to nothing, which strict mode turns into an error. Public only because
 * Velocity instantiates it by class name.
 */
public class SandboxUberspector extends SecureUberspector {

    @Override
    public VelMethod getMethod(Object obj, String methodName, Object[] args, Info info) {
        if (SandboxRules.refusesMethod(methodName)) {
            log.warn("Template sandbox refused {}() at {}", methodName, info);
            return null;
        }
        return super.getMethod(obj, methodName, args, info);
    }

    @Override
    public VelPropertyGet getPropertyGet(Object obj, String identifier, Info info) {
        if (SandboxRules.refusesProperty(identifier)) {
            log.warn("Template sandbox refused .{} at {}", identifier, info);
            return null;
        }
        return super.getPropertyGet(obj, identifier, info);
    }
}
