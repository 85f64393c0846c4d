package io.stageflow.templates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.velocity.exception.VelocityException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Renders every template under {@code templates/} with real Velocity, the way the dispatcher does. */
class TemplateRenderingTest {

    private static final Pattern UNRENDERED = Pattern.compile("\\$!?\\{?[A-Za-z]");

    private final TemplateRenderer renderer = TestTemplateSettings.renderer(Path.of("templates"));

    static Stream<String> templateKeys() throws IOException {
        try (Stream<Path> folders = Files.list(Path.of("templates"))) {
            return folders.filter(Files::isDirectory).map(folder -> folder.getFileName().toString())
                    .filter(name -> !name.startsWith("_") && !name.startsWith(".")).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("templateKeys")
    void rendersPersonalisedInEveryLocaleFolder(String key) throws IOException {
        for (Locale locale : localesOf(key)) {
            RenderedEmail email = renderer.render(key, locale, model("Ada"));

            assertThat(email.subject()).as("%s/%s subject", key, locale).isNotBlank().doesNotContain("\n");
            assertThat(email.text()).as("%s/%s text", key, locale).contains("Ada").contains("1 Example Street");
            assertThat(email.html()).as("%s/%s html", key, locale).contains("Ada").contains("1 Example Street")
                    .contains("href=\"https://shop.example.com").contains("href=\"https://stageflow.test/u/token\"");
            assertThat(email.text()).as("%s/%s text unsubscribe link", key, locale)
                    .contains("https://stageflow.test/u/token");
            assertThat(List.of(email.subject(), email.text(), email.html()))
                    .as("%s/%s leaves no reference unrendered", key, locale)
                    .noneMatch(part -> UNRENDERED.matcher(part).find());
        }
    }

    @ParameterizedTest
    @MethodSource("templateKeys")
    void fallsBackWhenTheFirstNameIsMissing(String key) throws IOException {
        for (Locale locale : localesOf(key)) {
            RenderedEmail email = renderer.render(key, locale, model(null));

            assertThat(List.of(email.subject(), email.text(), email.html()))
                    .as("%s/%s without a first name", key, locale)
                    .noneMatch(part -> part.contains("null") || UNRENDERED.matcher(part).find());
        }
    }

    @ParameterizedTest
    @MethodSource("templateKeys")
    void escapesMarkupInTheHtmlPartOnly(String key) {
        RenderedEmail email = renderer.render(key, Locale.ENGLISH, model("<script>alert(1)</script>"));

        assertThat(email.html()).contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script>");
        assertThat(email.text()).contains("<script>alert(1)</script>");
    }

    @ParameterizedTest
    @MethodSource("templateKeys")
    void everyShippedTemplatePassesDeployValidation(String key) {
        assertThat(renderer.problemWith(key)).isNull();
    }

    @Test
    void deployValidationNamesAMissingFileOrAFileThatDoesNotParse(@TempDir Path templates) throws IOException {
        Path folder = Files.createDirectories(templates.resolve("broken"));
        Files.writeString(folder.resolve("subject.vm"), "Hi");
        Files.writeString(folder.resolve("text.vm"), "Hi");
        TemplateRenderer validating = TestTemplateSettings.renderer(templates);

        assertThat(validating.problemWith("broken")).isEqualTo("templates/broken/html.vm does not exist");
        Files.writeString(folder.resolve("html.vm"), "<p>Hi</p>");
        Files.createDirectories(folder.resolve("de"));
        Files.writeString(folder.resolve("de/html.vm"), "#if($customer.firstName <p>Hallo</p>");
        assertThat(validating.problemWith("broken")).startsWith("templates/broken/de/html.vm does not parse");
        assertThat(validating.problemWith("../secrets")).contains("is not a template key");
    }

    @Test
    void theStartupCheckCoversTemplatesNoJourneyUsesYet(@TempDir Path templates) throws IOException {
        for (String key : List.of("fine", "unused-and-broken")) {
            Path folder = Files.createDirectories(templates.resolve(key));
            Files.writeString(folder.resolve("subject.vm"), "Hi");
            Files.writeString(folder.resolve("text.vm"), "Hi");
            Files.writeString(folder.resolve("html.vm"), key.equals("fine") ? "<p>Hi</p>" : "<p>$customer.getClass()</p>");
        }
        Files.createDirectories(templates.resolve("_layouts"));

        List<String> problems = problemsOfEveryTemplate(templates);

        assertThat(problems).singleElement().asString().startsWith("unused-and-broken: templates/unused-and-broken/html.vm");
        assertThat(problemsOfEveryTemplate(Path.of("templates"))).as("the shipped templates").isEmpty();
    }

    @Test
    void picksTheMostSpecificLocaleFolder() {
        String english = renderer.render("welcome", Locale.ENGLISH, model("Ada")).subject();
        String german = renderer.render("welcome", Locale.GERMAN, model("Ada")).subject();

        assertThat(german).isNotEqualTo(english);
        assertThat(renderer.render("welcome", Locale.forLanguageTag("de-AT"), model("Ada")).subject()).isEqualTo(german);
        assertThat(renderer.render("welcome", Locale.FRENCH, model("Ada")).subject()).isEqualTo(english);
    }

    @Test
    void aMisspeltReferenceFailsInsteadOfReachingTheCustomer(@TempDir Path templates) throws IOException {
        Path folder = Files.createDirectories(templates.resolve("typo"));
        Files.writeString(folder.resolve("subject.vm"), "Hi");
        Files.writeString(folder.resolve("text.vm"), "Hi $customer.fristName");
        Files.writeString(folder.resolve("html.vm"), "<p>Hi</p>");

        TemplateRenderer strict = TestTemplateSettings.renderer(templates);

        assertThatThrownBy(() -> strict.render("typo", Locale.ENGLISH, model("Ada")))
                .isInstanceOf(VelocityException.class).hasMessageContaining("fristName");
    }

    @Test
    void templateIntrospectionCannotReachJavaClasses(@TempDir Path templates) throws IOException {
        Path folder = Files.createDirectories(templates.resolve("escape"));
        Files.writeString(folder.resolve("subject.vm"), "Hi");
        Files.writeString(folder.resolve("text.vm"), "#set($c = $customer.getClass())$c.forName('java.lang.Runtime')");
        Files.writeString(folder.resolve("html.vm"), "<p>Hi</p>");

        TemplateRenderer sandboxed = TestTemplateSettings.renderer(templates);

        assertThatThrownBy(() -> sandboxed.render("escape", Locale.ENGLISH, model("Ada")))
                .isInstanceOf(VelocityException.class);
    }

    @Test
    void aKeyThatIsAPathIsRefused() {
        assertThatThrownBy(() -> renderer.render("../etc", Locale.ENGLISH, model("Ada")))
                .isInstanceOf(TemplateNotFoundException.class);
        assertThatThrownBy(() -> renderer.render("no-such-template", Locale.ENGLISH, model("Ada")))
                .isInstanceOf(TemplateNotFoundException.class).hasMessageContaining("no-such-template");
    }

    private static List<Locale> localesOf(String key) throws IOException {
        try (Stream<Path> entries = Files.list(Path.of("templates", key))) {
            return Stream.concat(Stream.of(Locale.ENGLISH), entries.filter(Files::isDirectory)
                    .map(dir -> Locale.forLanguageTag(dir.getFileName().toString()))).toList();
        }
    }

    private static Map<String, Object> model(String firstName) {
        return TemplateFixtures.model(firstName);
    }

    /** What the start-up check finds in a folder: each template's problem, checked with the folder's shared parts. */
    private static List<String> problemsOfEveryTemplate(Path folder) {
        TemplateFiles files = TemplateFiles.ofFolder(folder);
        TemplateChecks checks = TestTemplateSettings.checks();
        return files.templateKeys().stream()
                .map(key -> Optional.ofNullable(checks.problemBeforePublishing(files, new TemplatePart(key)))
                        .map(problem -> key + ": " + problem.describe()))
                .flatMap(Optional::stream).toList();
    }
}
