package io.stageflow.audit;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A route whose calls are changes worth a line in the audit log, with the action it stands for and where the
 * thing it changes is named: in the path ({@code path:key}, several joined by {@code /}), in the JSON body
 * ({@code json:/key}, a JSON pointer), in a form field ({@code param:key}), in the variables of the first of
 * some path patterns the answer's {@code Location} matches ({@code location:/api/v1/jobs/{id}}, alternatives
 * separated by {@code |}), or nowhere ({@code none}).
 *
 * @param method     the HTTP method
 * @param pattern    the path pattern, as the route's controller maps it
 * @param action     what a call does, such as {@code segment.saved}
 * @param targetKind what kind of thing it changes, such as {@code segment}
 * @param targetFrom where that thing is named, as above
 * @param erases     whether the call erases the customer it names, whose id is then never written
 */
record AuditedRoute(String method, String pattern, String action, String targetKind, String targetFrom,
        boolean erases) {

    private static final Pattern VARIABLE = Pattern.compile("\\{([^}:]+)[^}]*}");

    AuditedRoute {
        if (!targetFrom.equals("none") && !targetFrom.matches("(path|json|param|location):.+")) {
            throw new IllegalArgumentException("Where the target of " + method + " " + pattern + " is named: "
                    + targetFrom);
        }
    }

    static AuditedRoute of(String method, String pattern, String action, String targetKind, String targetFrom) {
        return new AuditedRoute(method, pattern, action, targetKind, targetFrom, false);
    }

    /** The same route, whose call erases the customer in its path. */
    AuditedRoute erasing() {
        return new AuditedRoute(method, pattern, action, targetKind, targetFrom, true);
    }

    /** {@code "POST /api/v1/segments"}: the route as the log names it. */
    String route() {
        return method + " " + pattern;
    }

    String source() {
        int colon = targetFrom.indexOf(':');
        return colon < 0 ? targetFrom : targetFrom.substring(0, colon);
    }

    String argument() {
        int colon = targetFrom.indexOf(':');
        return colon < 0 ? "" : targetFrom.substring(colon + 1);
    }

    /** The path variables that name the target, in order. */
    List<String> pathVariables() {
        return source().equals("path") ? Arrays.asList(argument().split(",")) : List.of();
    }

    /** The names of a path pattern's variables, in order: {@code /a/{key}/b/{id:\\d+}} has key and id. */
    static List<String> variablesOf(String pattern) {
        return VARIABLE.matcher(pattern).results().map(result -> result.group(1)).toList();
    }

    boolean readsJsonBody() {
        return source().equals("json");
    }
}
