package io.stageflow.templates;

import static io.stageflow.templates.TemplateFixtures.model;
import static io.stageflow.templates.TemplateFixtures.template;
import static io.stageflow.templates.TemplateFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

import org.apache.velocity.exception.VelocityException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** In html.vm every value is escaped exactly once; {@code $raw.html(...)} is the one explicit way around it. */
class TemplateEscapingTest {

    private static final String BANNER = "<img src=\"https://shop.example.com/sale.png\" alt=\"Sale\">";

    @Test
    void aNameContainingHtmlIsEscapedInTheHtmlPartAndLeftAloneInTheText() {
        RenderedEmail email = TemplateFixtures.renderer(Path.of("templates"))
                .render("welcome", Locale.ENGLISH, model("Tom & Jerry <b>\"3\"</b>"));

        assertThat(email.html()).contains("Hi Tom &amp; Jerry &lt;b&gt;&quot;3&quot;&lt;/b&gt;,")
                .doesNotContain("<b>").doesNotContain("&amp;amp;");
        assertThat(email.text()).contains("Hi Tom & Jerry <b>\"3\"</b>,");
        assertThat(email.subject()).contains("Tom & Jerry <b>\"3\"</b>");
    }

    @Test
    void theLayoutInsertsTheBodyAsHtmlWithoutEscapingItAgain() {
        RenderedEmail email = TemplateFixtures.renderer(Path.of("templates"))
                .render("welcome", Locale.ENGLISH, model("Tom & Jerry"));

        assertThat(email.html()).contains("<h1 style=").contains("<p style=\"margin:0 0 16px 0;\">Hi Tom &amp; Jerry,</p>")
                .doesNotContain("&lt;p").doesNotContain("&amp;amp;")
                .contains("<title>Hi Tom &amp; Jerry, welcome to Demo Shop!</title>");
    }

    @Test
    void textBuiltWithSetOrPassedToAMacroIsEscapedOnceWhenItIsWritten(@TempDir Path templates) {
        write(templates.resolve("_macros.vm"), "#macro(title $text)<h1>$text</h1>#end");
        template(templates, "built", "Hi", """
                #set($greeting = "Hi $customer.firstName")
                <p>$greeting</p>
                #title("Hello $customer.firstName")
                #define($block)<i>$customer.firstName</i>#end
                $block""", "x");

        String html = TemplateFixtures.renderer(templates).render("built", Locale.ENGLISH, model("A&B")).html();

        assertThat(html).contains("<p>Hi A&amp;B</p>").contains("<h1>Hello A&amp;B</h1>")
                .contains("<i>A&amp;B</i>").doesNotContain("&amp;amp;");
    }

    @Test
    void rawHtmlMarksTheOneValueThatIsInsertedAsItIs(@TempDir Path templates) {
        template(templates, "banner", "Sale",
                "<div>$raw.html($customer.traits.bannerHtml)</div><p>$customer.traits.bannerHtml</p>",
                "Banner: $raw.html($customer.traits.bannerHtml)");

        RenderedEmail email = TemplateFixtures.renderer(templates)
                .render("banner", Locale.ENGLISH, model("Ada", Map.of("bannerHtml", BANNER)));

        assertThat(email.html()).contains("<div>" + BANNER + "</div>")
                .contains("<p>&lt;img src=&quot;https://shop.example.com/sale.png&quot; alt=&quot;Sale&quot;&gt;</p>");
        assertThat(email.text()).isEqualTo("Banner: " + BANNER);
    }

    @Test
    void rawOfAMissingValueFailsLikeAnyMissingValue(@TempDir Path templates) {
        template(templates, "banner", "Sale", "<div>$raw.html($customer.traits.bannerHtml)</div>", "x");
        TemplateRenderer renderer = TemplateFixtures.renderer(templates);

        assertThatThrownBy(() -> renderer.render("banner", Locale.ENGLISH, model("Ada")))
                .isInstanceOf(VelocityException.class);
        assertThat(renderer.problemWith("banner")).startsWith("templates/banner/html.vm fails for a sample customer");
    }
}
