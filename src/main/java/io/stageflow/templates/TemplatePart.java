package io.stageflow.templates;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What is versioned as one: a template's folder ({@code welcome}), a shared layout ({@code _layouts.default}, the
 * folder {@code templates/_layouts/default}) or the shared macros ({@code _macros}, the file
 * {@code templates/_macros.vm}). Each version of a part holds all its files, named relative to the part's folder:
 * {@code html.vm}, {@code de/html.vm}. One rule, here, says which files belong to which part.
 *
 * @param key the part's name in the API, the console and the database
 */
record TemplatePart(String key) {

    static final String MACROS_KEY = "_macros";
    static final String MACROS_FILE = "_macros.vm";
    private static final String LAYOUTS = "_layouts";
    private static final Pattern TEMPLATE_KEY = Pattern.compile("[a-z0-9][a-z0-9-]{0,99}");
    private static final Pattern LAYOUT_KEY = Pattern.compile("_layouts\\.[a-z0-9][a-z0-9-]{0,99}");
    /** A file of a part: a name in the part's folder or in one of its locale folders ({@code de}, {@code de-AT}). */
    private static final Pattern PART_FILE = Pattern.compile("([a-z]{2,3}(-[A-Z]{2,3})?/)?[a-z0-9][a-z0-9_-]{0,59}\\.vm");

    /** The part named {@code key}, or empty when no part can have that name. */
    static Optional<TemplatePart> named(String key) {
        if (key != null && (TEMPLATE_KEY.matcher(key).matches() || LAYOUT_KEY.matcher(key).matches()
                || MACROS_KEY.equals(key))) {
            return Optional.of(new TemplatePart(key));
        }
        return Optional.empty();
    }

    /** Whether {@code key} can name a template that is sent (no shared part). */
    static boolean isTemplateKey(String key) {
        return key != null && TEMPLATE_KEY.matcher(key).matches();
    }

    /** The part a file belongs to, from its path under the templates folder; empty for a file of no part. */
    static Optional<TemplatePart> owning(String path) {
        if (MACROS_FILE.equals(path)) {
            return Optional.of(new TemplatePart(MACROS_KEY));
        }
        String[] segments = path.split("/");
        if (segments.length >= 3 && LAYOUTS.equals(segments[0])) {
            return named(LAYOUTS + "." + segments[1]).filter(part -> part.holds(part.relative(path)));
        }
        if (segments.length >= 2) {
            return named(segments[0]).filter(part -> !part.shared() && part.holds(part.relative(path)));
        }
        return Optional.empty();
    }

    /** Whether this is a layout or the macros, which templates use, rather than a template that is sent. */
    public boolean shared() {
        return key.startsWith("_");
    }

    boolean macros() {
        return MACROS_KEY.equals(key);
    }

    /** Whether {@code file} (relative to the part's folder) can be one of this part's files. */
    boolean holds(String file) {
        return macros() ? MACROS_FILE.equals(file) : PART_FILE.matcher(file).matches();
    }

    /** The part's files' common prefix under the templates folder: {@code welcome/}, {@code _layouts/default/}. */
    String prefix() {
        if (macros()) {
            return "";
        }
        return key.startsWith(LAYOUTS + ".") ? LAYOUTS + "/" + key.substring(LAYOUTS.length() + 1) + "/" : key + "/";
    }

    /** {@code file} of this part as a path under the templates folder. */
    String path(String file) {
        return prefix() + file;
    }

    /** A path under the templates folder as a file of this part. */
    String relative(String path) {
        return path.substring(prefix().length());
    }

    /** How people know the part: the folder or file under {@code templates/}. */
    public String label() {
        return macros() ? "templates/" + MACROS_FILE : "templates/" + prefix().substring(0, prefix().length() - 1);
    }
}
