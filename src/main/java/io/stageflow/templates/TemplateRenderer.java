package io.stageflow.templates;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.velocity.Template;
import org.apache.velocity.VelocityContext;
import org.apache.velocity.app.VelocityEngine;
import org.apache.velocity.app.event.EventCartridge;
import org.apache.velocity.exception.ParseErrorException;
import org.apache.velocity.exception.VelocityException;
import org.springframework.stereotype.Component;

/**
 * Renders a template folder ({@code templates/<key>/subject.vm, html.vm, text.vm}, optionally
 * {@code preheader.vm}) for one recipient, in the most specific locale folder that exists ({@code de-AT/}, then
 * {@code de/}, then the folder itself), and places the HTML and text bodies into a shared layout
 * ({@code templates/_layouts/<name>/}) in the body's language, with the macros of {@code templates/_macros.vm}.
 * Files are parsed once and cached; the file loader re-checks changed files every
 * {@code template-check-interval} seconds. Folders starting with {@code _} are shared parts, never templates.
 * Every render has the built-in tools {@code $raw} ({@link RawTool}) and {@code $track} ({@link TrackTool}); the
 * {@code $track} of the text part is a new one for each rendering, and what it remembered is the rendered email's
 * {@link RenderedEmail#trackedTextLinks()}.
 */
@Component
public class TemplateRenderer {

    /** Keys are folder names under the templates folder; nothing else (no paths, no shared _folders). */
    private static final Pattern TEMPLATE_KEY = Pattern.compile("[a-z0-9][a-z0-9-]{0,99}");

    private static final List<String> FILES = List.of("subject.vm", "html.vm", "text.vm");
    private static final String PREHEADER = "preheader.vm";
    private static final String MACROS = "_macros.vm";
    private static final String LAYOUTS = "_layouts";
    private static final String DEFAULT_LAYOUT = "default";
    private static final String NO_LAYOUT = "none";
    private static final String VALIDATION = "fails for a sample customer without first name or traits";

    private final VelocityEngine velocity;
    private final Path root;
    private final Map<String, Object> validationSample;
    private final RawTool raw = new RawTool();
    /** {@code $track} where nothing is remembered: subject, preheader and HTML part. Holds no state. */
    private final TrackTool untracked = TrackTool.passingThrough();

    TemplateRenderer(TemplatesProperties properties, List<TemplateLinks> links) {
        this.root = properties.dir().toAbsolutePath();
        this.velocity = SandboxedVelocity.create(root, properties.checkInterval());
        this.validationSample = TemplateModel.validationSample(properties.brand(), links);
    }

    public RenderedEmail render(String templateKey, Locale locale, Map<String, Object> model) {
        return rendering(templateKey, locale, model).email();
    }

    /** Whether {@code templateKey} names a template folder (it may still be incomplete). */
    boolean exists(String templateKey) {
        return TEMPLATE_KEY.matcher(templateKey).matches() && Files.isDirectory(root.resolve(templateKey));
    }

    /**
     * Renders like {@link #render} for a preview or a test send, after the checks deploy-time validation makes:
     * a template validation would refuse, or one that fails for this model, throws
     * {@link InvalidTemplateException} naming the file, line and reference.
     */
    Rendering renderChecked(String templateKey, Locale locale, Map<String, Object> model) {
        TemplateProblem problem = staticProblem(templateKey);
        if (problem != null) {
            throw new InvalidTemplateException(problem);
        }
        try {
            return rendering(templateKey, locale, model);
        } catch (VelocityException e) {
            throw new InvalidTemplateException(TemplateProblem.of(e, "cannot be rendered"));
        } catch (TemplateNotFoundException e) {
            throw new InvalidTemplateException(
                    new TemplateProblem("templates/" + templateKey, 0, 0, null, "cannot be rendered", e.getMessage()));
        }
    }

    /**
     * Why this template cannot be sent, or null when it can: the key is not a folder name, a file is missing, a
     * file (in the folder, any locale folder, the layouts or the macros) does not parse or uses something the
     * sandbox refuses, or rendering it for a customer with no first name and no traits fails (a misspelt or
     * unguarded reference). Checked when a journey is deployed, from Modeler or at startup.
     */
    public String problemWith(String templateKey) {
        TemplateProblem problem = staticProblem(templateKey);
        if (problem == null) {
            problem = trialRenderProblem(templateKey);
        }
        return problem == null ? null : problem.describe();
    }

    /** The locale folders template {@code key} has ({@code de}, {@code de-AT}), sorted; none for an unknown key. */
    List<String> localeFolders(String key) {
        if (!exists(key)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(root.resolve(key))) {
            return entries.filter(Files::isDirectory).map(folder -> folder.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("template folder " + root.resolve(key) + " cannot be read", e);
        }
    }

    /**
     * {@link #problemWith} for every template folder, whether a journey uses it yet or not, one line per problem.
     * A missing templates folder is no problem here: journeys that need a template find it missing on deploy.
     */
    List<String> problemsInAllTemplates() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> folders = Files.list(root)) {
            return folders.filter(Files::isDirectory).map(folder -> folder.getFileName().toString())
                    .filter(name -> !name.startsWith("_") && !name.startsWith(".")).sorted()
                    .map(key -> Optional.ofNullable(problemWith(key)).map(problem -> key + ": " + problem))
                    .flatMap(Optional::stream).toList();
        } catch (IOException e) {
            return List.of("templates folder " + root + " cannot be read: " + e.getMessage());
        }
    }

    /**
     * The keys of every template folder, sorted (the shared {@code _} folders are no templates), for the console's
     * templates list and broadcast form.
     */
    public List<String> templateKeys() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> folders = Files.list(root)) {
            return folders.filter(Files::isDirectory).map(folder -> folder.getFileName().toString())
                    .filter(TEMPLATE_KEY.asMatchPredicate()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("templates folder " + root + " cannot be read", e);
        }
    }

    /** A rendered email and the locale folder its HTML body came from (null: the template's own folder). */
    record Rendering(RenderedEmail email, String localeFolder) {
    }

    private Rendering rendering(String templateKey, Locale locale, Map<String, Object> model) {
        if (!TEMPLATE_KEY.matcher(templateKey).matches()) {
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
        return new Rendering(new RenderedEmail(subject, html, text, textLinks.links()),
                LocaleFolders.localeOf(templateKey, htmlFile));
    }

    private String renderPlain(String file, Map<String, Object> model) {
        return merge(file, context(model, untracked), false);
    }

    /**
     * Renders the body, then the layout it chose with {@code #set($layout = '…')} ({@code default} unless it
     * says otherwise, {@code none} for no layout) around it as {@code $body}, in the language of the body's
     * locale folder. Without a {@code default} layout folder the body stands alone. {@code track} is the
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
        String found = TEMPLATE_KEY.matcher(layout).matches() ? find(LAYOUTS + "/" + layout, bodyLocale, file) : null;
        if (found == null && required) {
            throw new TemplateNotFoundException("templates/" + bodyFile + " asks for layout '" + layout
                    + "', but templates/" + LAYOUTS + "/" + layout + "/" + file + " does not exist");
        }
        return found;
    }

    private VelocityContext context(Map<String, Object> model, TrackTool track) {
        VelocityContext context = new VelocityContext(new HashMap<>(model));
        context.put("raw", raw);
        context.put("track", track);
        EventCartridge cartridge = new EventCartridge();
        cartridge.addIncludeEventHandler(new SafeIncludes());
        cartridge.attachToContext(context);
        return context;
    }

    private String merge(String file, VelocityContext context, boolean html) {
        Template template = velocity.getTemplate(file, "UTF-8");
        StringWriter out = new StringWriter();
        Writer writer = html ? new HtmlEscapingWriter(out) : out;
        template.merge(context, writer, velocity.resourceExists(MACROS) ? List.of(MACROS) : List.of());
        return out.toString();
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
            if (velocity.resourceExists(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static String oneLine(String text) {
        return text.strip().replaceAll("\\s+", " ");
    }

    /** Missing files, parse errors and sandbox violations, in the template's files and in the shared ones. */
    private TemplateProblem staticProblem(String templateKey) {
        if (!TEMPLATE_KEY.matcher(templateKey).matches()) {
            return new TemplateProblem("'" + templateKey + "'", 0, 0, null,
                    "is not a template key (lower-case letters, digits and dashes)", null);
        }
        Path folder = root.resolve(templateKey);
        for (String file : FILES) {
            if (!Files.isRegularFile(folder.resolve(file))) {
                return TemplateProblem.missing("templates/" + templateKey + "/" + file);
            }
        }
        List<Path> files = new ArrayList<>();
        try {
            files.addAll(templateFiles(folder));
            if (Files.isRegularFile(root.resolve(MACROS))) {
                files.add(root.resolve(MACROS));
            }
            if (Files.isDirectory(root.resolve(LAYOUTS))) {
                try (Stream<Path> layouts = Files.walk(root.resolve(LAYOUTS))) {
                    layouts.filter(path -> path.toString().endsWith(".vm") && Files.isRegularFile(path))
                            .sorted().forEach(files::add);
                }
            }
        } catch (IOException e) {
            return new TemplateProblem("templates/" + templateKey, 0, 0, null, "cannot be read", e.getMessage());
        }
        for (Path file : files) {
            TemplateProblem problem = parseOrSandboxProblem(root.relativize(file).toString().replace('\\', '/'));
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    private static List<Path> templateFiles(Path folder) throws IOException {
        List<String> names = new ArrayList<>(FILES);
        names.add(PREHEADER);
        List<Path> files = new ArrayList<>();
        names.stream().map(folder::resolve).filter(Files::isRegularFile).forEach(files::add);
        try (Stream<Path> entries = Files.list(folder)) {
            entries.filter(Files::isDirectory).sorted().forEach(locale -> names.stream().map(locale::resolve)
                    .filter(Files::isRegularFile).forEach(files::add));
        }
        return files;
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
    private TemplateProblem trialRenderProblem(String templateKey) {
        List<Locale> locales = new ArrayList<>();
        locales.add(null);
        try (Stream<Path> entries = Files.list(root.resolve(templateKey))) {
            entries.filter(Files::isDirectory).sorted()
                    .forEach(dir -> locales.add(Locale.forLanguageTag(dir.getFileName().toString())));
        } catch (IOException e) {
            return new TemplateProblem("templates/" + templateKey, 0, 0, null, "cannot be read", e.getMessage());
        }
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
