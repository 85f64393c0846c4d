package io.stageflow.templates;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import org.springframework.stereotype.Component;

/**
 * The checks a template passes before it can be sent, in one place for the renderer, the folder and the console:
 * every file parses and keeps to the sandbox, and the template renders for a sample customer with no first name and
 * no traits, both with the samples of the {@link TemplateExtras} (a cart of two products, an order) and with what
 * they give a customer they have nothing on (an empty cart, no order); the first with a sample {@code $event}, the
 * second without one (a broadcast has none, so a template must ask {@code #if($event)}). A layout or the macros are checked through
 * every template they would change.
 */
@Component
class TemplateChecks {

    private final List<Map<String, Object>> validationSamples;

    TemplateChecks(TemplatesProperties properties, List<TemplateLinks> links, List<TemplateExtras> extras,
            List<TriggeringEvents> triggeringEvents) {
        this.validationSamples = TemplateModel.validationSamples(properties.brand(), links, extras, triggeringEvents);
    }

    /** Why a step's own template {@code source} cannot be sent, or null. */
    TemplateProblem snippetProblem(StepSnippets snippets, String label, String source,
            UnaryOperator<String> outputProblem) {
        return snippets.problemWith(label, source, validationSamples, outputProblem);
    }

    /** Why template {@code key} of {@code files} cannot be sent, or null. */
    TemplateProblem problemWith(BoundTemplates files, String key) {
        return files.problemWith(key, validationSamples);
    }

    /**
     * Why {@code files} cannot be published, or null: for a template, its own problem; for a layout or the macros,
     * the first problem of any template they would break.
     */
    TemplateProblem problemBeforePublishing(TemplateFiles files, TemplatePart part) {
        BoundTemplates candidate = new BoundTemplates(files);
        Collection<String> affected = part.shared() ? files.templateKeys() : List.of(part.key());
        for (String key : affected) {
            TemplateProblem problem = candidate.problemWith(key, validationSamples);
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }
}
