package io.stageflow.templates;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

import org.apache.velocity.exception.VelocityException;
import org.springframework.stereotype.Component;

/**
 * Renders a template ({@code templates/<key>/subject.vm, html.vm, text.vm}, optionally {@code preheader.vm}) for
 * one recipient, in the most specific locale folder it has ({@code de-AT/}, then {@code de/}, then the template's
 * own files), and places the HTML and text bodies into a shared layout ({@code templates/_layouts/<name>/}) in the
 * body's language, with the macros of {@code templates/_macros.vm}. The files are the published versions
 * ({@link TemplateLibrary}); each is parsed once per version. Every render has the built-in tools {@code $raw}
 * ({@link RawTool}) and {@code $track} ({@link TrackTool}); the {@code $track} of the text part is a new one for
 * each rendering, and what it remembered is the rendered email's {@link RenderedEmail#trackedTextLinks()}.
 */
@Component
public class TemplateRenderer {

    private final TemplateSource source;
    private final TemplateChecks checks;
    private volatile BoundTemplates bound;
    private final StepSnippets snippets = new StepSnippets();

    TemplateRenderer(TemplateSource source, TemplateChecks checks) {
        this.source = source;
        this.checks = checks;
    }

    /** The template as published now, for this recipient; the email names the version it was rendered from. */
    public RenderedEmail render(String templateKey, Locale locale, Map<String, Object> model) {
        return bound().rendering(templateKey, locale, model).email();
    }

    /**
     * Renders a step's own short template (a webhook's JSON body, an SMS text) with the same sandbox and strictness
     * as template files; {@code label} names it in problems, as "Body of step 'notify'".
     *
     * @throws InvalidSnippetException when it does not parse, the sandbox refuses it, or it fails for this model
     */
    public String renderSnippet(String label, String source, Map<String, Object> model) {
        try {
            return snippets.render(label, source, model);
        } catch (InvalidTemplateException e) {
            throw new InvalidSnippetException(e.getMessage());
        }
    }

    /** As {@link #snippetProblem(String, String, UnaryOperator)}, with anything the snippet renders accepted. */
    public String snippetProblem(String label, String source) {
        return snippetProblem(label, source, null);
    }

    /**
     * Why a step's own short template cannot be sent, or null when it can: as {@link #problemWith} for a template,
     * it must parse, pass the sandbox and render for the validation sample customers, and {@code outputProblem} must
     * find nothing wrong with what it renders for them (null: anything goes). Checked at deploy.
     */
    public String snippetProblem(String label, String source, UnaryOperator<String> outputProblem) {
        TemplateProblem problem = checks.snippetProblem(snippets, label, source, outputProblem);
        return problem == null ? null : problem.describe();
    }

    /** Whether {@code templateKey} names a published template (it may still be incomplete). */
    boolean exists(String templateKey) {
        return bound().exists(templateKey);
    }

    /**
     * Renders like {@link #render} for a preview or a test send, after the checks deploy-time validation makes:
     * a template validation would refuse, or one that fails for this model, throws
     * {@link InvalidTemplateException} naming the file, line and reference.
     */
    BoundTemplates.Rendering renderChecked(String templateKey, Locale locale, Map<String, Object> model) {
        return renderChecked(bound(), templateKey, locale, model);
    }

    /** The same, for files that are not (or not yet) the published ones: a draft, or an earlier version. */
    BoundTemplates.Rendering renderChecked(BoundTemplates files, String templateKey, Locale locale,
            Map<String, Object> model) {
        TemplateProblem problem = files.staticProblem(templateKey);
        if (problem != null) {
            throw new InvalidTemplateException(problem);
        }
        try {
            return files.rendering(templateKey, locale, model);
        } catch (VelocityException e) {
            throw new InvalidTemplateException(TemplateProblem.of(e, "cannot be rendered"));
        } catch (TemplateNotFoundException e) {
            throw new InvalidTemplateException(
                    new TemplateProblem("templates/" + templateKey, 0, 0, null, "cannot be rendered", e.getMessage()));
        }
    }

    /**
     * Why this template cannot be sent, or null when it can: the key is not a template's, a file is missing, a
     * file (in the template, any locale folder, the layouts or the macros) does not parse or uses something the
     * sandbox refuses, or rendering it for a customer with no first name and no traits fails (a misspelt or
     * unguarded reference). Checked when a journey is deployed, from Modeler or at startup.
     */
    public String problemWith(String templateKey) {
        TemplateProblem problem = checks.problemWith(bound(), templateKey);
        return problem == null ? null : problem.describe();
    }

    /** The locale folders template {@code key} has ({@code de}, {@code de-AT}), sorted; none for an unknown key. */
    List<String> localeFolders(String key) {
        return bound().localeFolders(key);
    }

    /**
     * The keys of every published template, sorted (layouts and macros are no templates), for the console's
     * templates list and broadcast form.
     */
    public List<String> templateKeys() {
        return bound().files().templateKeys();
    }

    /** The published files, and the engine that renders them: a new pair whenever a new version is published. */
    BoundTemplates bound() {
        TemplateFiles now = source.current();
        BoundTemplates current = bound;
        if (current == null || current.files() != now) {
            synchronized (this) {
                current = bound;
                if (current == null || current.files() != now) {
                    current = new BoundTemplates(now);
                    bound = current;
                }
            }
        }
        return current;
    }
}
