package io.stageflow.templates;

import jakarta.validation.Valid;

import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Lets a marketer see a template before a journey sends it: rendered for a real customer or for sample traits,
 * exactly as delivery would render it. A template with a mistake answers 422 naming the file, line and reference,
 * the same check a deployment makes. (Mailing it once to a test address is delivery's: {@code TestSendController}.)
 */
@RestController
@RequestMapping("/api/v1/templates/{key}")
class TemplateController {

    private final TemplatePreviews previews;

    TemplateController(TemplatePreviews previews) {
        this.previews = previews;
    }

    @PostMapping("/preview")
    TemplatePreview preview(@PathVariable String key, @Valid @RequestBody PreviewRequest body) {
        return previews.preview(key, body);
    }
}
