package io.stageflow.templates;

import java.io.Writer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import org.apache.velocity.Template;
import org.apache.velocity.VelocityContext;
import org.apache.velocity.app.VelocityEngine;
import org.apache.velocity.app.event.EventCartridge;
import org.apache.velocity.exception.ParseErrorException;
import org.apache.velocity.exception.VelocityException;
import org.apache.velocity.util.introspection.IntrospectionCacheData;

/**
 * One {@link TemplateFiles} snapshot with the Velocity engine that reads it: renders and checks templates exactly as
 * those files say, whatever is published meanwhile. The renderer keeps one for the published files; a check before
 * publishing makes one for the files as they would be.
 */
final class BoundTemplates {

    private static final List<String> FILES = List.of("subject.vm", "html.vm", "text.vm");
    private static final String PREHEADER = "preheader.vm";
    private static final String MACROS = TemplatePart.MACROS_FILE;
    private static final String LAYOUTS = "_layouts";
    private static final String DEFAULT_LAYOUT = "default";
    private static final String NO_LAYOUT = "none";
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final String VALIDATION = "fails for a sample customer without first name or traits";

    private final TemplateFiles files;
    private final VelocityEngine velocity;
    private final RawTool raw = new RawTool();
    /** {@code $track} where nothing is remembered: subject, preheader and HTML part. Holds no state. */
    private final TrackTool untracked = TrackTool.passingThrough();
    /** What each node of these parsed files calls on a class, found once for all renders. */
    private final Map<Object, IntrospectionCacheData> introspection = new ConcurrentHashMap<>();
    /** The length of each file's last output, so that the next one's buffer is made about large enough at once. */
    private final Map<String, Integer> outputLengths = new ConcurrentHashMap<>();

    BoundTemplates(TemplateFiles files) {
        this.files = files;
        this.velocity = SandboxedVelocity.create(files);
    }

    TemplateFiles files() {
        return files;
    }

    /** Whether {@code templateKey} names a template with files (it may still be incomplete). */
    boolean exists(String templateKey) {
        return TemplatePart.isTemplateKey(templateKey) && !files.filesOf(new TemplatePart(templateKey)).isEmpty();
    }

    /** The locale folders template {@code key} has ({@code de}, {@code de-AT}), sorted; none for an unknown key. */
    List<String> localeFolders(String key) {
        return files.localeFolders(key);
    }

    Rendering rendering(String templateKey, Locale locale, Map<String, Object> model) {
        if (!TemplatePart.isTemplateKey(templateKey)) {
            throw new TemplateNotFoundException("'" + templateKey + "' is not a template key: use lower-case letters,"
                    + " digits and dashes, as in welcome-reminder");
        }
        String subject = oneLine(renderPlain(resolve(templateKey, locale, "subject.vm"), model));
        String preheaderFile = find(templateKey, locale, PREHEADER);
        String preheader = preheaderFile == null ? "" : oneLine(renderPlain(preheaderFile, model));
        String htmlFile = resolve(templateKey, locale, "html.vm");
        String html = renderInLayout(templateKey, htmlFile, model, subject, preheader, true, untracked);
        TrackTool textLinks = TrackTool.recording();
        String text = renderInLayout(templateKey, resolve(templateKey, locale, "text.vm"), model, subject, preheader,
                false, textLinks);
        return new Rendering(new RenderedEmail(subject, html, text, textLinks.links(), files.version(templateKey)),
                LocaleFolders.localeOf(templateKey, htmlFile));
    }

    /** A rendered email and the locale folder its HTML body came from (null: the template's own folder). */
    record Rendering(RenderedEmail email, String localeFolder) {
    }

    /**
     * Why this template cannot be sent, or null when it can: the key is not a template's, a file is missing, a
     * file (of the template, any locale folder, the layouts or the macros) does not parse or uses something the
     * sandbox refuses, or rendering it for a customer with no first name and no traits fails (a misspelt or
     * unguarded reference) with any of the validation samples.
     */
    TemplateProblem problemWith(String templateKey, List<Map<String, Object>> validationSamples) {
        TemplateProblem problem = staticProblem(templateKey);
        for (int i = 0; problem == null && i < validationSamples.size(); i++) {
            problem = trialRenderProblem(templateKey, validationSamples.get(i));
        }
        return problem;
    }

    private String renderPlain(String file, Map<String, Object> model) {
        return merge(file, context(model, untracked), false);
    }

    /**
     * Renders the body, then the layout it chose with {@code #set($layout = '…')} ({@code default} unless it
     * says otherwise, {@code none} for no layout) around it as {@code $body}, in the language of the body's
     * locale folder. Without a {@code default} layout the body stands alone. {@code track} is the
     * {@code $track} of body and layout alike.
     */
    private String renderInLayout(String templateKey, String file, Map<String, Object> model, String subject,
            String preheader, boolean html, TrackTool track) {
        VelocityContext context = context(model, track);
        context.put("subject", subject);
        context.put("preheader", preheader);
        String body = merge(file, context, html);
        Object chosen = context.get("layout");
        String layout = chosen == null ? DEFAULT_LAYOUT : chosen.toString();
        if (NO_LAYOUT.equals(layout)) {
            return body;
        }
        String layoutFile = layoutFile(templateKey, file, layout, html ? "html.vm" : "text.vm", chosen != null);
        if (layoutFile == null) {
            return body;
        }
        context.put("body", html ? new RawHtml(body.strip()) : body.strip());
        return merge(layoutFile, context, html);
    }

    private String layoutFile(String templateKey, String bodyFile, String layout, String file, boolean required) {
        String folder = LocaleFolders.localeOf(templateKey, bodyFile);
        Locale bodyLocale = folder == null ? null : Locale.forLanguageTag(folder);
        String found = TemplatePart.isTemplateKey(layout) ? find(LAYOUTS + "/" + layout, bodyLocale, file) : null;
        if (found == null && required) {
            throw new TemplateNotFoundException("templates/" + bodyFile + " asks for layout '" + layout
                    + "', but templates/" + LAYOUTS + "/" + layout + "/" + file + " does not exist");
        }
        return found;
    }

    private VelocityContext context(Map<String, Object> model, TrackTool track) {
        VelocityContext context = model instanceof WaveModel delivered
                ? new SharedIntrospectionContext(new HashMap<>(delivered.own()), introspection, delivered)
                : new SharedIntrospectionContext(new HashMap<>(model), introspection);
        context.put("raw", raw);
        context.put("track", track);
        EventCartridge cartridge = new EventCartridge();
        cartridge.addIncludeEventHandler(new SafeIncludes());
        cartridge.attachToContext(context);
        return context;
    }

    private String merge(String file, VelocityContext context, boolean html) {
        Template template = velocity.getTemplate(file, "UTF-8");
        RenderBuffer out = new RenderBuffer(outputLengths.getOrDefault(file, 1024) + 256);
        Writer writer = html ? new HtmlEscapingWriter(out) : out;
        template.merge(context, writer, files.has(MACROS) ? List.of(MACROS) : List.of());
        String rendered = out.toString();
        outputLengths.put(file, rendered.length());
        return rendered;
    }

    private String resolve(String templateKey, Locale locale, String file) {
        String found = find(templateKey, locale, file);
        if (found == null) {
            throw new TemplateNotFoundException("Template '" + templateKey + "' has no " + file
                    + " (looked for " + String.join(", ", LocaleFolders.candidates(templateKey, locale, file)) + ")");
        }
        return found;
    }

    private String find(String folder, Locale locale, String file) {
        for (String candidate : LocaleFolders.candidates(folder, locale, file)) {
            if (files.has(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static String oneLine(String text) {
        return WHITESPACE.matcher(text.strip()).replaceAll(" ");
    }

    /** Missing files, parse errors and sandbox violations, in the template's files and in the shared ones. */
    TemplateProblem staticProblem(String templateKey) {
        if (!TemplatePart.isTemplateKey(templateKey)) {
            return new TemplateProblem("'" + templateKey + "'", 0, 0, null,
                    "is not a template key (lower-case letters, digits and dashes)", null);
        }
        TemplatePart part = new TemplatePart(templateKey);
        for (String file : FILES) {
            if (!files.has(part.path(file))) {
                return TemplateProblem.missing("templates/" + part.path(file));
            }
        }
        List<String> checked = new ArrayList<>();
        files.filesOf(part).keySet().forEach(file -> checked.add(part.path(file)));
        if (files.has(MACROS)) {
            checked.add(MACROS);
        }
        files.files().keySet().stream().filter(path -> path.startsWith(LAYOUTS + "/")).sorted().forEach(checked::add);
        for (String file : checked) {
            TemplateProblem problem = parseOrSandboxProblem(file);
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    private TemplateProblem parseOrSandboxProblem(String file) {
        Template template;
        try {
            template = velocity.getTemplate(file, "UTF-8");
        } catch (ParseErrorException e) {
            TemplateProblem problem = TemplateProblem.of(e, "does not parse");
            return new TemplateProblem("templates/" + file, problem.line(), problem.column(), null, "does not parse",
                    problem.detail() + "; look for a missing ) or #end, or a # or $ meant as text, just before it");
        } catch (VelocityException e) {
            return new TemplateProblem("templates/" + file, 0, 0, null, "cannot be read", e.getMessage());
        }
        return SandboxCheck.check(template);
    }

    /** Renders the template in every locale folder it has for the validation sample customer. */
    private TemplateProblem trialRenderProblem(String templateKey, Map<String, Object> validationSample) {
        List<Locale> locales = new ArrayList<>();
        locales.add(null);
        localeFolders(templateKey).forEach(folder -> locales.add(Locale.forLanguageTag(folder)));
        for (Locale locale : locales) {
            try {
                rendering(templateKey, locale, validationSample);
            } catch (VelocityException e) {
                return TemplateProblem.of(e, VALIDATION);
            } catch (TemplateNotFoundException e) {
                return new TemplateProblem("templates/" + templateKey, 0, 0, null, "cannot be rendered", e.getMessage());
            }
        }
        return null;
    }
}
