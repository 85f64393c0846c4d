package io.stageflow.templates;

import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;

/**
 * A template rendered for one recipient exactly as delivery would render it, for the preview endpoint and for test
 * sends. A missing template is a 404; a template with a mistake is an {@link InvalidTemplateException} and an
 * unusable recipient an {@code UnknownCustomerException}, both answered 422 by {@link TemplateProblems}.
 */
@Component
public class TemplatePreviews {

    private final TemplateRenderer renderer;
    private final TemplateRecipients recipients;

    TemplatePreviews(TemplateRenderer renderer, TemplateRecipients recipients) {
        this.renderer = renderer;
        this.recipients = recipients;
    }

    /** Template {@code key} as it would be delivered to the recipient. */
    public TemplatePreview preview(String key, TemplateRecipient recipient) {
        requireTemplate(key);
        TemplateRecipients.Prepared prepared = recipients.forPreview(recipient);
        return TemplatePreview.of(renderer.renderChecked(key, prepared.locale(), prepared.model()));
    }

    /** The same, with unsubscribe and preference links acting for {@code to}, where a test send goes. */
    public TemplatePreview previewForTestSend(String key, TemplateRecipient recipient, String to) {
        requireTemplate(key);
        TemplateRecipients.Prepared prepared = recipients.forTestSend(recipient, to);
        return TemplatePreview.of(renderer.renderChecked(key, prepared.locale(), prepared.model()));
    }

    /**
     * Template {@code templateKey} as it would be delivered to the recipient once {@code files} are published as part
     * {@code part} (the template itself, or a layout or the macros it uses), for the editor's live preview.
     */
    TemplatePreview previewDraft(TemplatePart part, Map<String, String> files, String templateKey,
            TemplateRecipient recipient) {
        return draft(part, files, templateKey, recipients.forPreview(recipient));
    }

    /** The same, with unsubscribe and preference links acting for {@code to}, where the draft's test send goes. */
    TemplatePreview previewDraftForTestSend(TemplatePart part, Map<String, String> files, String templateKey,
            TemplateRecipient recipient, String to) {
        return draft(part, files, templateKey, recipients.forTestSend(recipient, to));
    }

    private TemplatePreview draft(TemplatePart part, Map<String, String> files, String templateKey,
            TemplateRecipients.Prepared prepared) {
        BoundTemplates draft = new BoundTemplates(renderer.bound().files().with(part, files, 0));
        if (!draft.exists(templateKey)) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "No template '" + templateKey + "'");
        }
        return TemplatePreview.of(renderer.renderChecked(draft, templateKey, prepared.locale(), prepared.model()));
    }

    private void requireTemplate(String key) {
        if (!renderer.exists(key)) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "No template '" + key + "': a template is a"
                    + " folder under templates/ named with lower-case letters, digits and dashes");
        }
    }
}
