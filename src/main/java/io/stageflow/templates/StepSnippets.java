package io.stageflow.templates;

import java.io.StringReader;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

import org.apache.velocity.Template;
import org.apache.velocity.VelocityContext;
import org.apache.velocity.app.event.EventCartridge;
import org.apache.velocity.exception.VelocityException;
import org.apache.velocity.runtime.RuntimeInstance;
import org.apache.velocity.runtime.parser.ParseException;
import org.apache.velocity.runtime.parser.node.SimpleNode;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * A journey step's own short templates, written into the step rather than kept as files: a webhook's JSON body, an
 * SMS text, a WhatsApp template's parameters. Each is parsed once (cached by its text), checked by the same
 * {@link SandboxCheck} as a template file, and rendered by an engine configured like the files' one
 * ({@link SandboxedVelocity#forSnippets}): strict references, the sandboxed uberspector, nothing to include.
 */
final class StepSnippets {

    private final RuntimeInstance velocity = SandboxedVelocity.forSnippets();
    private final Cache<String, Parsed> parsed = Caffeine.newBuilder().maximumSize(2_000).build();

    /** A parsed snippet, or why it cannot be used (it does not parse, or the sandbox refuses it). */
    private record Parsed(Template template, TemplateProblem problem) {
    }

    /** Renders {@code source} with {@code model}; {@code label} names it in problems ("body of step 'notify'"). */
    String render(String label, String source, Map<String, Object> model) {
        Parsed snippet = parse(label, source);
        if (snippet.problem() != null) {
            throw new InvalidTemplateException(snippet.problem());
        }
        VelocityContext context = new VelocityContext(new HashMap<>(model));
        context.put("raw", new RawTool());
        context.put("track", TrackTool.passingThrough());
        context.put("json", new JsonTool());
        EventCartridge cartridge = new EventCartridge();
        cartridge.addIncludeEventHandler(new SafeIncludes());
        cartridge.attachToContext(context);
        RenderBuffer out = new RenderBuffer(source.length() + 256);
        try {
            snippet.template().merge(context, out);
        } catch (VelocityException e) {
            throw new InvalidTemplateException(named(TemplateProblem.of(e, "cannot be rendered"), label));
        }
        return out.toString();
    }

    /**
     * Why {@code source} cannot be used, or null: it does not parse, the sandbox refuses it, or it fails for one of
     * the validation samples (a customer without first name or traits), or what it renders for one of them has the
     * problem {@code outputProblem} finds (such as not being JSON).
     */
    TemplateProblem problemWith(String label, String source, List<Map<String, Object>> validationSamples,
            UnaryOperator<String> outputProblem) {
        Parsed snippet = parse(label, source);
        if (snippet.problem() != null) {
            return snippet.problem();
        }
        for (Map<String, Object> sample : validationSamples) {
            try {
                String rendered = render(label, source, sample);
                String problem = outputProblem == null ? null : outputProblem.apply(rendered);
                if (problem != null) {
                    return new TemplateProblem(label, 0, 0, null, "renders wrong for a sample customer", problem);
                }
            } catch (InvalidTemplateException e) {
                return new TemplateProblem(label, e.problem().line(), e.problem().column(), e.problem().reference(),
                        "fails for a sample customer without first name or traits", e.problem().detail());
            }
        }
        return null;
    }

    private Parsed parse(String label, String source) {
        Objects.requireNonNull(source, "source");
        return parsed.get(label + '\u0000' + source, key -> {
            Template template = new Template();
            template.setName(label);
            template.setRuntimeServices(velocity);
            try {
                SimpleNode root = velocity.parse(new StringReader(source), template);
                template.setData(root);
                template.initDocument();
            } catch (ParseException | VelocityException e) {
                String detail = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
                return new Parsed(null, new TemplateProblem(label, 0, 0, null, "does not parse", detail
                        + "; look for a missing ) or #end, or a # or $ meant as text"));
            }
            TemplateProblem refused = SandboxCheck.check(template);
            return refused == null ? new Parsed(template, null) : new Parsed(null, named(refused, label));
        });
    }

    /** The problem with the snippet's label as its place, not a template file's path. */
    private static TemplateProblem named(TemplateProblem problem, String label) {
        return new TemplateProblem(label, problem.line(), problem.column(), problem.reference(), problem.summary(),
                problem.detail());
    }
}
