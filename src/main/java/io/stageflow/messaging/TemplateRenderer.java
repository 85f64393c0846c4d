package io.stageflow.messaging;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.velocity.Template;
import org.apache.velocity.VelocityContext;
import org.apache.velocity.app.VelocityEngine;
import org.apache.velocity.app.event.EventCartridge;
import org.apache.velocity.exception.VelocityException;
import org.apache.velocity.runtime.RuntimeConstants;
import org.apache.velocity.runtime.resource.loader.FileResourceLoader;
import org.apache.velocity.util.introspection.SecureUberspector;
import org.springframework.stereotype.Component;

/**
 * Renders a template folder ({@code templates/<key>/subject.vm, html.vm, text.vm}) for one recipient, in the
 * most specific locale folder that exists ({@code de-AT/}, then {@code de/}, then the folder itself).
 * Templates are parsed once and cached; the file loader re-checks changed files every
 * {@code template-check-interval} seconds.
 */
@Component
public class TemplateRenderer {

    /** Keys are folder names under the templates folder; nothing else (no paths) is accepted. */
    private static final Pattern TEMPLATE_KEY = Pattern.compile("[a-z0-9][a-z0-9-]{0,99}");

    private static final List<String> FILES = List.of("subject.vm", "html.vm", "text.vm");

    private final VelocityEngine velocity;
    private final Path root;

    TemplateRenderer(MessagingProperties properties) {
        this.root = properties.templatesDir().toAbsolutePath();
        Properties config = new Properties();
        config.setProperty(RuntimeConstants.RESOURCE_LOADERS, "file");
        config.setProperty("resource.loader.file.class", FileResourceLoader.class.getName());
        config.setProperty("resource.loader.file.path", root.toString());
        config.setProperty("resource.loader.file.cache", "true");
        config.setProperty("resource.loader.file.modification_check_interval",
                Integer.toString(properties.templateCheckInterval()));
        config.setProperty(RuntimeConstants.INPUT_ENCODING, "UTF-8");
        config.setProperty(RuntimeConstants.SPACE_GOBBLING, "lines");
        // A misspelt reference fails the render instead of reaching a customer as "$customer.fristName".
        // Optional values declare their fallback in the template: ${customer.firstName|'there'}.
        config.setProperty(RuntimeConstants.RUNTIME_REFERENCES_STRICT, "true");
        // Templates reach only the documented context: no getClass(), no class loading, no reflection.
        config.setProperty(RuntimeConstants.UBERSPECT_CLASSNAME, SecureUberspector.class.getName());
        this.velocity = new VelocityEngine(config);
        this.velocity.init();
    }

    public RenderedEmail render(String templateKey, Locale locale, Map<String, Object> model) {
        if (!TEMPLATE_KEY.matcher(templateKey).matches()) {
            throw new TemplateNotFoundException("'" + templateKey + "' is not a template key: use lower-case letters,"
                    + " digits and dashes, as in welcome-reminder");
        }
        String subject = render(templateKey, locale, "subject.vm", model, false);
        return new RenderedEmail(
                subject.strip().replaceAll("\\s+", " "),
                render(templateKey, locale, "html.vm", model, true),
                render(templateKey, locale, "text.vm", model, false));
    }

    private String render(String templateKey, Locale locale, String file, Map<String, Object> model, boolean html) {
        Template template = velocity.getTemplate(resolve(templateKey, locale, file), "UTF-8");
        VelocityContext context = new VelocityContext(new HashMap<>(model));
        if (html) {
            EventCartridge cartridge = new EventCartridge();
            cartridge.addReferenceInsertionEventHandler(new HtmlEscapingInsertion());
            cartridge.attachToContext(context);
        }
        StringWriter out = new StringWriter();
        template.merge(context, out);
        return out.toString();
    }

    /**
     * Why this template cannot be sent, or null when it can: the key is not a folder name, a file is missing, or
     * a file (in the folder or any locale folder) does not parse. Checked when a journey is deployed.
     */
    public String problemWith(String templateKey) {
        if (!TEMPLATE_KEY.matcher(templateKey).matches()) {
            return "'" + templateKey + "' is not a template key (lower-case letters, digits and dashes)";
        }
        Path folder = root.resolve(templateKey);
        List<String> files = new ArrayList<>();
        for (String file : FILES) {
            if (!Files.isRegularFile(folder.resolve(file))) {
                return "templates/" + templateKey + "/" + file + " does not exist";
            }
            files.add(templateKey + "/" + file);
        }
        try (Stream<Path> entries = Files.list(folder)) {
            entries.filter(Files::isDirectory).forEach(locale -> FILES.stream()
                    .filter(file -> Files.isRegularFile(locale.resolve(file)))
                    .forEach(file -> files.add(templateKey + "/" + locale.getFileName() + "/" + file)));
        } catch (IOException e) {
            return "templates/" + templateKey + " cannot be read: " + e.getMessage();
        }
        for (String file : files) {
            try {
                velocity.getTemplate(file, "UTF-8");
            } catch (VelocityException e) {
                return "templates/" + file + " does not parse: " + e.getMessage();
            }
        }
        return null;
    }

    private String resolve(String templateKey, Locale locale, String file) {
        for (String candidate : candidates(templateKey, locale, file)) {
            if (velocity.resourceExists(candidate)) {
                return candidate;
            }
        }
        throw new TemplateNotFoundException("Template '" + templateKey + "' has no " + file
                + " (looked for " + String.join(", ", candidates(templateKey, locale, file)) + ")");
    }

    private static List<String> candidates(String templateKey, Locale locale, String file) {
        List<String> candidates = new ArrayList<>();
        if (locale != null && !locale.getLanguage().isEmpty()) {
            if (!locale.getCountry().isEmpty()) {
                candidates.add(templateKey + "/" + locale.getLanguage() + "-" + locale.getCountry() + "/" + file);
            }
            candidates.add(templateKey + "/" + locale.getLanguage() + "/" + file);
        }
        candidates.add(templateKey + "/" + file);
        return candidates;
    }
}
