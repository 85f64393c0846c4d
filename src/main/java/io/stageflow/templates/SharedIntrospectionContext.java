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
    /** Where the features' entries of a delivered email come from, when first asked for; null for other renders. */
    private final WaveModel features;

    SharedIntrospectionContext(Map<String, Object> values, Map<Object, IntrospectionCacheData> shared) {
        this(values, shared, null);
    }

    /**
     * A context over {@code values} that takes what a template asks of {@code features} from it the first time
     * ({@link WaveModel}): the render sees what a context holding every entry would, and reads only what it uses.
     */
    SharedIntrospectionContext(Map<String, Object> values, Map<Object, IntrospectionCacheData> shared,
            WaveModel features) {
        super(values);
        this.shared = shared;
        this.features = features;
    }

    @Override
    public Object internalGet(String key) {
        Object value = super.internalGet(key);
        if (value == null && features != null && !super.internalContainsKey(key) && features.isFeatureName(key)) {
            value = features.get(key);
            if (value != null) {
                super.internalPut(key, value);
            }
        }
        return value;
    }

    @Override
    public boolean internalContainsKey(String key) {
        return super.internalContainsKey(key) || (features != null && internalGet(key) != null);
    }

    @Override
    public String[] internalGetKeys() {
        if (features != null) {
            features.keySet().forEach(this::internalGet);
        }
        return super.internalGetKeys();
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
