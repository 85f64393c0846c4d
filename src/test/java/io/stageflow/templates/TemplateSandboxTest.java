package io.stageflow.templates;

import static io.stageflow.templates.TemplateFixtures.model;
import static io.stageflow.templates.TemplateFixtures.template;
import static io.stageflow.templates.TemplateFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import org.apache.velocity.exception.VelocityException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A template cannot reach Java classes, reflection, the runtime or files: at run time such a reference fails or
 * renders nothing, and deploy-time validation refuses the template outright, naming the file and what it tried.
 */
class TemplateSandboxTest {

    @TempDir
    Path templates;

    private final Path marker = Path.of(System.getProperty("java.io.tmpdir"), "stageflow-sandbox-" + UUID.randomUUID());

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            `$customer.getClass().forName('java.lang.Runtime')` | `getClass()`
            `$class.inspect('java.lang.Runtime')` | `$class`
            `$customer.traits.getClass()` | `getClass()`
            `$customer.class.forName('java.lang.Runtime')` | `.class`
            `$customer.traits.getDeclaredMethods()` | `getDeclaredMethods()`
            `$customer.email.getClass().getDeclaredMethods()` | `getClass()`
            `#foreach($m in $customer.class.declaredMethods)$m.name #end` | `.class`
            `#set($c = $customer.getClass())$c.forName('java.lang.Runtime').getRuntime().exec('touch MARKER')` | `getClass()`
            `#if(false)$customer.getClass()#end` | `getClass()`
            `#macro(leak)$customer.getClass()#end#leak()` | `getClass()`
            `#set($s = "$customer.getClass()")$s` | `getClass()`
            `${customer.firstName|$customer.getClass()}` | `getClass()`
            `#evaluate('$customer.firstName')` | `#evaluate`
            `#set($m = 'getCl' + 'ass')#evaluate("\\$customer.${m}()")` | `#evaluate`
            `#include('../../pom.xml')` | `#include`
            `#parse($customer.traits.file)` | `#parse`
            """)
    void refusedWhenDeployedAndHarmlessWhenRun(String snippet, String refused) {
        String text = "Hi " + snippet.replace("MARKER", marker.toString());
        template(templates, "trick", "Hi", "<p>Hi</p>", text);
        TemplateRenderer renderer = TemplateFixtures.renderer(templates);

        assertThat(renderer.problemWith("trick")).as("deploy-time validation")
                .startsWith("templates/trick/text.vm is refused by the template sandbox (line 1, column ")
                .contains(refused);
        String rendered;
        try {
            rendered = renderer.render("trick", Locale.ENGLISH, model("Ada", Map.of("file", "../../pom.xml"))).text();
        } catch (VelocityException refusedAtRunTime) {
            rendered = "";
        }
        assertThat(rendered).as("run time").doesNotContain("java.").doesNotContain("class ")
                .doesNotContain("<artifactId>");
        assertThat(marker).doesNotExist();
    }

    @Test
    void atRunTimeTheUberspectorRefusesWhatValidationWouldHaveCaught() {
        template(templates, "runtime", "Hi", "<p>Hi</p>",
                "#set($m = 'getCl' + 'ass')#evaluate(\"\\$customer.${m}()\")");
        TemplateRenderer renderer = TemplateFixtures.renderer(templates);

        assertThatThrownBy(() -> renderer.render("runtime", Locale.ENGLISH, model("Ada")))
                .isInstanceOf(VelocityException.class).hasMessageContaining("getClass");
    }

    @Test
    void includesCannotLeaveTheTemplatesFolderAtRunTime() throws Exception {
        Files.writeString(templates.getParent().resolve("secret-" + templates.getFileName() + ".txt"), "s3cret");
        template(templates, "include", "Hi", "<p>Hi</p>",
                "#include('../secret-" + templates.getFileName() + ".txt')");
        TemplateRenderer renderer = TemplateFixtures.renderer(templates);

        assertThatThrownBy(() -> renderer.render("include", Locale.ENGLISH, model("Ada")))
                .isInstanceOf(VelocityException.class).hasMessageContaining("templates may only include files");
    }

    @Test
    void aSharedFileThatBreaksTheSandboxIsNamed() {
        template(templates, "fine", "Hi", "<p>Hi</p>", "Hi");
        write(templates.resolve("_macros.vm"), "#macro(footer)\n$customer.getClass()\n#end");

        assertThat(TemplateFixtures.renderer(templates).problemWith("fine"))
                .isEqualTo("templates/_macros.vm is refused by the template sandbox (line 2, column 11):"
                        + " templates may not call getClass()");
    }

    @Test
    void aMisspeltReferenceIsRefusedAtDeployTimeWithFileLineAndReference() {
        Path folder = template(templates, "typo", "Hi", "<p>Hi</p>", "Hi");
        write(folder.resolve("de/text.vm"), "Hallo\n${customer.firstName|'du'}, $customer.fristName");

        assertThat(TemplateFixtures.renderer(templates).problemWith("typo"))
                .startsWith("templates/typo/de/text.vm fails for a sample customer without first name or traits"
                        + " (line 2, column 29): $customer.fristName has no value");
    }

    @Test
    void anOptionalValueNeedsAFallbackOrAnIfToPassValidation() {
        template(templates, "unguarded", "Hi", "<p>Hi</p>", "Hi $customer.firstName");
        template(templates, "fallback", "Hi", "<p>Hi</p>", "Hi ${customer.firstName|'there'}");
        template(templates, "guarded", "Hi", "<p>Hi</p>",
                "#if($customer.traits.plan)Your plan: $customer.traits.plan#end");
        TemplateRenderer renderer = TemplateFixtures.renderer(templates);

        assertThat(renderer.problemWith("unguarded")).contains("$customer.firstName has no value")
                .contains("${customer.firstName|'...'}");
        assertThat(renderer.problemWith("fallback")).isNull();
        assertThat(renderer.problemWith("guarded")).isNull();
    }
}
