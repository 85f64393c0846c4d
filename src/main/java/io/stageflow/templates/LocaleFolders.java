package io.stageflow.templates;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The fallback order shared by templates and layouts: for {@code de-AT}, a file in {@code de-AT/}, then in
 * {@code de/}, then in the folder itself. One rule, so a layout speaks the language its template body speaks.
 */
final class LocaleFolders {

    private LocaleFolders() {
    }

    /** The paths to try for {@code file} under {@code folder}, most specific first. */
    static List<String> candidates(String folder, Locale locale, String file) {
        List<String> candidates = new ArrayList<>();
        if (locale != null && !locale.getLanguage().isEmpty()) {
            if (!locale.getCountry().isEmpty()) {
                candidates.add(folder + "/" + locale.getLanguage() + "-" + locale.getCountry() + "/" + file);
            }
            candidates.add(folder + "/" + locale.getLanguage() + "/" + file);
        }
        candidates.add(folder + "/" + file);
        return candidates;
    }

    /** The locale folder names to try for {@code locale}, most specific first, ending with "" (the default). */
    static List<String> tags(Locale locale) {
        return candidates("", locale, "").stream().map(path -> path.replace("/", "")).toList();
    }

    /** The locale folder a candidate of {@code folder} lies in ({@code de}, {@code de-AT}), or null for none. */
    static String localeOf(String folder, String path) {
        String rest = path.substring(folder.length() + 1);
        int slash = rest.indexOf('/');
        return slash < 0 ? null : rest.substring(0, slash);
    }
}
