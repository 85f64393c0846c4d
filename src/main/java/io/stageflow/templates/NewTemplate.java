package io.stageflow.templates;

import java.util.Map;
import java.util.TreeMap;

import jakarta.validation.constraints.Size;

/**
 * A new template, as {@code POST /api/v1/templates} and the console's "New template" form make it: its version 1.
 *
 * @param key     its name: lower-case letters, digits and dashes ({@code spring-sale})
 * @param files   its files, named as a version's are ({@code subject.vm}, {@code html.vm}, {@code text.vm},
 *                {@code de/html.vm}); none: {@link #skeleton(String) a skeleton} on the default layout
 * @param comment why, for the history
 * @param publish publish version 1 at once (after the checks a send would make), rather than keep it as a draft
 */
record NewTemplate(
        String key,
        @Size(max = 200) Map<String, String> files,
        @Size(max = 500) String comment,
        boolean publish) {

    /** The subject a skeleton has when none is given. */
    static final String DEFAULT_SUBJECT = "Hi ${customer.firstName|'there'}, news from $brand.name";

    /** The files version 1 has: those given, or the skeleton. */
    Map<String, String> filesOrSkeleton() {
        return files == null || files.isEmpty() ? skeleton(null) : files;
    }

    /**
     * A template to start from: the subject line, a preheader, and an HTML and a text part that the default layout
     * wraps in the brand's header and footer (with the unsubscribe link), using the shared macros. It passes the checks
     * a send makes, so it can be published as it is.
     */
    static Map<String, String> skeleton(String subject) {
        Map<String, String> files = new TreeMap<>();
        files.put("subject.vm", subject == null || subject.isBlank() ? DEFAULT_SUBJECT : subject.strip());
        files.put("preheader.vm", "A line or two that inbox lists show after the subject.");
        files.put("html.vm", """
                ## The email's content. The shared layout (_layouts/default/html.vm) adds the header and the footer.
                #heading("A heading")
                <p style="margin:0 0 16px 0;">Hi ${customer.firstName|'there'},</p>
                <p style="margin:0 0 16px 0;">Say what this email is about.</p>
                #button($brand.websiteUrl "Visit $brand.name")
                <p style="margin:0;">Cheers,<br>The $brand.name team</p>
                """);
        files.put("text.vm", """
                ## The text part's content. The shared layout (_layouts/default/text.vm) adds the header and the footer.
                A heading

                Hi ${customer.firstName|'there'},

                Say what this email is about.

                Visit $brand.name: $track.link($brand.websiteUrl)

                Cheers,
                The $brand.name team
                """);
        return files;
    }
}
