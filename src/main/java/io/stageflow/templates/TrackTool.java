package io.stageflow.templates;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code $track} in every template: {@code $track.link($brand.websiteUrl)} marks a link of the text part for click
 * tracking. The HTML part needs no such call (every {@code href} is a link), but in plain text a URL is just text,
 * and guessing which words are links would rewrite text nobody meant as one; an explicit call keeps every tracked
 * text link visible in the template and in review. The URL is returned unchanged, so previews, test sends and
 * deploy-time validation show the plain address; while the text part is rendered the URL is also remembered
 * ({@link RenderedEmail#trackedTextLinks()}), and tracking swaps it for a tracked link just before the email is
 * sent. One instance per rendering, never shared. Public because Velocity only calls public methods of public
 * classes.
 */
public final class TrackTool {

    /** Null for an instance that does not remember (subject, preheader and HTML part). */
    private final Set<String> remembered;

    private TrackTool(Set<String> remembered) {
        this.remembered = remembered;
    }

    /** A tool for one rendering of a text part: remembers the URLs it is given. */
    static TrackTool recording() {
        return new TrackTool(new LinkedHashSet<>());
    }

    /** A tool that only returns the URL (the HTML part tracks its links anyway; subject lines have none). */
    static TrackTool passingThrough() {
        return new TrackTool(null);
    }

    /** The URL as it is; null (which strict mode reports) when there is none. */
    public String link(String url) {
        if (url == null || url.isBlank()) {
            return null;
        }
        if (remembered != null) {
            remembered.add(url.strip());
        }
        return url;
    }

    /** The distinct URLs this tool was given, in the order of their first use. */
    List<String> links() {
        return remembered == null ? List.of() : List.copyOf(remembered);
    }
}
