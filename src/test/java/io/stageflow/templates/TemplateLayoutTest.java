package io.stageflow.templates;

import static io.stageflow.templates.TemplateFixtures.PREFERENCES;
import static io.stageflow.templates.TemplateFixtures.UNSUBSCRIBE;
import static io.stageflow.templates.TemplateFixtures.model;
import static io.stageflow.templates.TemplateFixtures.template;
import static io.stageflow.templates.TemplateFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import org.apache.velocity.exception.VelocityException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Header and footer come from one shared layout per language, and one edit there changes every email. */
class TemplateLayoutTest {

    private static final List<Locale> LOCALES = List.of(Locale.ENGLISH, Locale.GERMAN,
            Locale.forLanguageTag("de-AT"), Locale.FRENCH);

    private final TemplateRenderer shipped = TemplateFixtures.renderer(Path.of("templates"));

    static Stream<Arguments> shippedTemplatesInEveryLocale() throws IOException {
        return TemplateRenderingTest.templateKeys()
                .flatMap(key -> LOCALES.stream().map(locale -> Arguments.of(key, locale)));
    }

    @ParameterizedTest(name = "{0} in {1}")
    @MethodSource("shippedTemplatesInEveryLocale")
    void everyShippedTemplateHasTheSharedHeaderAndFooterInTheLanguageOfItsBody(String key, Locale locale) {
        RenderedEmail email = shipped.render(key, locale, model("Ada"));
        boolean german = locale.getLanguage().equals("de") && Files.isDirectory(Path.of("templates", key, "de"));

        assertThat(email.html()).as("one layout, once").startsWith("<!DOCTYPE html>")
                .containsOnlyOnce("<!DOCTYPE html>").containsOnlyOnce("1 Example Street, Springfield")
                .contains("<html lang=\"" + (german ? "de" : "en") + "\">")
                .contains("<title>" + email.subject() + "</title>")
                .contains(">Demo Shop</a>")
                .contains("<a href=\"" + PREFERENCES + "\"").contains("<a href=\"" + UNSUBSCRIBE + "\"")
                .contains(german ? "E-Mail-Einstellungen</a>" : "Email preferences</a>")
                .contains(german ? "Abmelden</a>" : "Unsubscribe</a>")
                .contains(german ? "Hallo Ada" : "Hi Ada");
        assertThat(email.text()).startsWith("Demo Shop - https://shop.example.com\n")
                .containsOnlyOnce("1 Example Street, Springfield")
                .contains((german ? "E-Mail-Einstellungen: " : "Email preferences: ") + PREFERENCES)
                .endsWith((german ? "Abmelden: " : "Unsubscribe: ") + UNSUBSCRIBE + "\n")
                .contains(german ? "Hallo Ada" : "Hi Ada");
    }

    @Test
    void oneEditToTheLayoutOrTheMacrosChangesEveryTemplate(@TempDir Path templates) throws IOException {
        TemplateFixtures.copyShippedTemplates(templates);
        replace(templates.resolve("_layouts/default/html.vm"), "Email preferences</a>", "Choose your emails</a>");
        replace(templates.resolve("_layouts/default/text.vm"), "Email preferences:", "Choose your emails:");
        replace(templates.resolve("_macros.vm"), "#2563eb", "#16a34a");
        TemplateRenderer edited = TemplateFixtures.renderer(templates);

        for (String key : TemplateRenderingTest.templateKeys().toList()) {
            RenderedEmail email = edited.render(key, Locale.ENGLISH, model("Ada"));
            assertThat(email.html()).as(key).contains("Choose your emails</a>").doesNotContain("Email preferences")
                    .contains("background-color:#16a34a").doesNotContain("#2563eb");
            assertThat(email.text()).as(key).contains("Choose your emails: " + PREFERENCES);
            assertThat(edited.problemWith(key)).as(key).isNull();
        }
    }

    @Test
    void layoutsFallBackFromCountryToLanguageToDefaultLikeTemplates(@TempDir Path templates) {
        write(templates.resolve("_layouts/default/html.vm"), "[default]$body");
        write(templates.resolve("_layouts/default/de/html.vm"), "[de]$body");
        write(templates.resolve("_layouts/default/de-AT/html.vm"), "[de-AT]$body");
        write(templates.resolve("_layouts/default/text.vm"), "$body");
        Path folder = template(templates, "greeting", "Hi", "hello", "hello");
        write(folder.resolve("de/html.vm"), "hallo");
        write(folder.resolve("de-AT/html.vm"), "servus");
        template(templates, "english-only", "Hi", "hello", "hello");
        TemplateRenderer renderer = TemplateFixtures.renderer(templates);

        assertThat(html(renderer, "greeting", "de-AT")).isEqualTo("[de-AT]servus");
        assertThat(html(renderer, "greeting", "de-CH")).isEqualTo("[de]hallo");
        assertThat(html(renderer, "greeting", "de")).isEqualTo("[de]hallo");
        assertThat(html(renderer, "greeting", "fr")).isEqualTo("[default]hello");
        assertThat(html(renderer, "english-only", "de-AT"))
                .as("an English body keeps the English frame, even for a German reader").isEqualTo("[default]hello");
    }

    @Test
    void aTemplateMayChooseAnotherLayoutOrNone(@TempDir Path templates) {
        write(templates.resolve("_layouts/default/html.vm"), "<default>$body</default>");
        write(templates.resolve("_layouts/default/text.vm"), "$body");
        write(templates.resolve("_layouts/plain/html.vm"), "<plain>$body</plain>");
        template(templates, "framed", "Hi", "#set($layout = 'plain')hello", "hello");
        template(templates, "bare", "Hi", "#set($layout = 'none')<html>hello</html>", "hello");
        template(templates, "lost", "Hi", "#set($layout = 'missing')hello", "hello");
        TemplateRenderer renderer = TemplateFixtures.renderer(templates);

        assertThat(html(renderer, "framed", "en")).isEqualTo("<plain>hello</plain>");
        assertThat(html(renderer, "bare", "en")).isEqualTo("<html>hello</html>");
        assertThatThrownBy(() -> html(renderer, "lost", "en")).isInstanceOf(TemplateNotFoundException.class)
                .hasMessageContaining("layout 'missing'");
        assertThat(renderer.problemWith("lost")).contains("layout 'missing'")
                .contains("templates/_layouts/missing/html.vm does not exist");
    }

    @Test
    void foldersStartingWithAnUnderscoreAreSharedPartsNotTemplates() {
        assertThatThrownBy(() -> shipped.render("_layouts", Locale.ENGLISH, model("Ada")))
                .isInstanceOf(TemplateNotFoundException.class);
        assertThat(shipped.problemWith("_layouts")).contains("is not a template key");
        assertThat(shipped.problemWith("_macros")).contains("is not a template key");
    }

    @Test
    void aMacroDefinedInOneTemplateDoesNotLeakIntoAnother(@TempDir Path templates) {
        template(templates, "defines", "Hi", "#macro(signature)from defines#end#signature()", "x");
        template(templates, "borrows", "Hi", "#signature()", "x");
        TemplateRenderer renderer = TemplateFixtures.renderer(templates);

        assertThat(html(renderer, "defines", "en")).isEqualTo("from defines");
        assertThatThrownBy(() -> html(renderer, "borrows", "en")).isInstanceOf(VelocityException.class)
                .hasMessageContaining("Macro '#signature' is not defined");
    }

    private static String html(TemplateRenderer renderer, String key, String locale) {
        return renderer.render(key, Locale.forLanguageTag(locale), model("Ada")).html();
    }

    /** Edits a file the way an editor does, with a modification time the loader's check cannot miss. */
    private static void replace(Path file, String from, String to) throws IOException {
        String content = Files.readString(file);
        assertThat(content).as(file + " contains " + from).contains(from);
        Files.writeString(file, content.replace(from, to));
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(10)));
    }
}
