package io.stageflow.templates;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/** Template folders written by tests, and the context a journey would render them with, without a database. */
final class TemplateFixtures {

    static final String UNSUBSCRIBE = "https://stageflow.test/u/token";
    static final String PREFERENCES = "https://stageflow.test/u/token/preferences";
    static final String SURVEY = "https://stageflow.test/s/token";

    private TemplateFixtures() {
    }

    static TemplateRenderer renderer(Path templates) {
        return TestTemplateSettings.renderer(templates);
    }

    /** Writes {@code templates/<key>/subject.vm, html.vm, text.vm}; returns the folder. */
    static Path template(Path templates, String key, String subject, String html, String text) {
        Path folder = templates.resolve(key);
        write(folder.resolve("subject.vm"), subject);
        write(folder.resolve("html.vm"), html);
        write(folder.resolve("text.vm"), text);
        return folder;
    }

    static void write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A copy of the shipped {@code templates/} folder, layouts and macros included. */
    static void copyShippedTemplates(Path target) throws IOException {
        Path source = Path.of("templates");
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Path copy = target.resolve(source.relativize(file).toString());
                Files.createDirectories(copy.getParent());
                Files.copy(file, copy);
            }
        }
    }

    static Map<String, Object> model(String firstName) {
        return model(firstName, Map.of());
    }

    static Map<String, Object> model(String firstName, Map<String, Object> traits) {
        Map<String, Object> customer = new HashMap<>();
        customer.put("id", "c-1");
        customer.put("email", "ada@example.com");
        customer.put("firstName", firstName);
        customer.put("locale", "en");
        customer.put("timeZone", "Europe/London");
        customer.put("traits", traits);
        return Map.of(
                "customer", customer,
                "brand", Map.of("name", "Demo Shop", "websiteUrl", "https://shop.example.com",
                        "postalAddress", "1 Example Street, Springfield"),
                "journey", Map.of("key", "welcome"),
                "links", Map.of("unsubscribe", UNSUBSCRIBE, "preferences", PREFERENCES, "survey", SURVEY),
                "offer", TemplateModel.SAMPLE_OFFER);
    }
}
