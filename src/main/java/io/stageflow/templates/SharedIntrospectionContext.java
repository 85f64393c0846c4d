package io.stageflow.templates;

import java.util.Map;

import org.apache.velocity.VelocityContext;
import org.apache.velocity.util.introspection.IntrospectionCacheData;

/**
 * A Velocity context whose introspection cache is shared by every render of one set of published files. Velocity
 * remembers, per node of a parsed template (and per method name and argument types), which getter or method the
 * sandboxed uberspector allowed for an object's class, but keeps that in the context, which is new for each render:
 * without sharing, every render looked each property up again through the sandbox. An entry holds the class it was
 * found for, and Velocity uses it only for an object of that class, so sharing changes no result; the cache lives
 * and dies with the parsed templates ({@link BoundTemplates}).
 */
final class SharedIntrospectionContext extends VelocityContext {

    private final Map<Object, IntrospectionCacheData> shared;

    SharedIntrospectionContext(Map<String, Object> values, Map<Object, IntrospectionCacheData> shared) {
        super(values);
        this.shared = shared;
    }

    @Override
    public IntrospectionCacheData icacheGet(Object key) {
        return shared.get(key);
    }

    @Override
    public void icachePut(Object key, IntrospectionCacheData data) {
        if (key != null && data != null) {
            shared.put(key, data);
        }
    }
}
