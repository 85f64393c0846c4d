package io.stageflow.templates;

import java.util.Set;

/**
 * What a template may not touch, in one place, so that the uberspector refuses at run time exactly what
 * deploy-time validation rejects: no class objects ({@code getClass()}, {@code .class}), no class loading, no
 * reflection, no runtime, process or thread access, and no {@code $class} tool.
 */
final class SandboxRules {

    /** Method names refused on every object: each is a first step from data towards Java classes or the host. */
    static final Set<String> METHODS = Set.of(
            "getClass", "getClassLoader", "getContextClassLoader", "getSystemClassLoader", "forName", "loadClass",
            "newInstance", "getDeclaredMethods", "getDeclaredMethod", "getDeclaredFields", "getDeclaredField",
            "getDeclaredConstructors", "getDeclaredConstructor", "getDeclaredClasses", "getMethods", "getMethod",
            "getFields", "getField", "getConstructors", "getConstructor", "getSuperclass", "getModule",
            "getProtectionDomain", "getResource", "getResourceAsStream", "getRuntime", "exec", "invoke",
            "setAccessible", "getenv", "currentThread", "inspect", "wait", "notify", "notifyAll");

    /** Property names refused on every object: {@code $x.class} is {@code $x.getClass()}, and so on. */
    static final Set<String> PROPERTIES = Set.of(
            "class", "classLoader", "contextClassLoader", "systemClassLoader", "declaredMethods", "declaredFields",
            "declaredConstructors", "declaredClasses", "superclass", "protectionDomain");

    /** Context names refused outright: Velocity Tools' class tool ({@code $class.inspect(...)}) is reflection. */
    static final Set<String> ROOTS = Set.of("class");

    /** Directives refused: {@code #evaluate} runs text built at run time, which no validation can see. */
    static final Set<String> DIRECTIVES = Set.of("evaluate");

    /** Packages and classes whose methods Velocity's secure introspector never calls (its defaults and more). */
    static final String RESTRICTED_PACKAGES = String.join(",",
            "java.lang.reflect", "java.lang.invoke", "java.lang.management", "java.io", "java.nio.file",
            "java.nio.channels", "java.net", "javax.script", "javax.management", "sun.nio.fs");

    static final String RESTRICTED_CLASSES = String.join(",",
            "java.lang.Class", "java.lang.ClassLoader", "java.lang.Compiler", "java.lang.InheritableThreadLocal",
            "java.lang.Module", "java.lang.ModuleLayer", "java.lang.Package", "java.lang.Process",
            "java.lang.ProcessBuilder", "java.lang.ProcessHandle", "java.lang.Runtime", "java.lang.RuntimePermission",
            "java.lang.SecurityManager", "java.lang.StackWalker", "java.lang.System", "java.lang.Thread",
            "java.lang.ThreadGroup", "java.lang.ThreadLocal", "java.net.Socket", "javax.management.MBeanServer",
            "javax.script.ScriptEngine");

    private SandboxRules() {
    }

    static boolean refusesMethod(String name) {
        return METHODS.contains(name);
    }

    static boolean refusesProperty(String name) {
        return PROPERTIES.contains(name);
    }

    static boolean refusesRoot(String name) {
        return ROOTS.contains(name);
    }

    static boolean refusesDirective(String name) {
        return DIRECTIVES.contains(name);
    }

    /** A path for {@code #parse} or {@code #include}: relative, inside the templates folder, no way up. */
    static boolean allowsInclude(String path) {
        return path != null && !path.isBlank() && !path.startsWith("/") && !path.contains("\\")
                && !path.contains(":") && !(("/" + path + "/").contains("/../"));
    }
}
