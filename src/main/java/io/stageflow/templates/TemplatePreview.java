package io.stageflow.templates;

/**
 * A template rendered for a preview, as delivery would render it; {@code locale} is the locale folder the body
 * came from ({@code de} for a {@code de-AT} customer of a template with a {@code de/} folder), or
 * {@code default} for the template's own folder.
 */
public record TemplatePreview(String subject, String html, String text, String locale) {

    static TemplatePreview of(BoundTemplates.Rendering rendering) {
        RenderedEmail email = rendering.email();
        return new TemplatePreview(email.subject(), email.html(), email.text(),
                rendering.localeFolder() == null ? "default" : rendering.localeFolder());
    }
}
