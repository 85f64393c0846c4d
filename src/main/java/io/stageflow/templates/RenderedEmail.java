package io.stageflow.templates;

import java.util.List;

/**
 * A template rendered for one recipient: one subject line, and the same content as HTML and as plain text.
 *
 * @param trackedTextLinks the distinct URLs the text part (its layout included) marked with {@code $track.link(…)},
 *                         in the order of their first use; they appear in {@code text} as written, and tracking
 *                         replaces them with tracked links just before the email is sent
 * @param templateVersion  the version of the template it was rendered from (0: none, as for a test's folder)
 */
public record RenderedEmail(String subject, String html, String text, List<String> trackedTextLinks,
        int templateVersion) {

    public RenderedEmail {
        trackedTextLinks = trackedTextLinks == null ? List.of() : List.copyOf(trackedTextLinks);
    }

    /** An email from no versioned template. */
    public RenderedEmail(String subject, String html, String text, List<String> trackedTextLinks) {
        this(subject, html, text, trackedTextLinks, 0);
    }

    /** An email whose text part asks for no tracked links, from no versioned template. */
    public RenderedEmail(String subject, String html, String text) {
        this(subject, html, text, List.of(), 0);
    }
}
