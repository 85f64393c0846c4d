package io.stageflow.templates;

import static io.stageflow.templates.TemplateFixtures.model;
import static io.stageflow.templates.TemplateFixtures.template;
import static io.stageflow.templates.TemplateFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.velocity.exception.VelocityException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code $track.link(…)} marks a link of the text part for click tracking: every part, preview and validation shows
 * the plain URL, and the rendered email lists what its text part (layout included) marked, once each, in order.
 */
class TemplateTrackedLinksTest {

    @Test
    void theTextPartShowsThePlainUrlAndTheEmailListsIt(@TempDir Path templates) {
        template(templates, "sale", "Sale", "<p>Hi</p>", """
                Shop now: $track.link('https://shop.example/a')
                Shoes: $track.link("https://shop.example/shoes?colour=${customer.traits.colour}")
                Again: $track.link('https://shop.example/a')""");

        RenderedEmail email = TemplateFixtures.renderer(templates)
                .render("sale", Locale.ENGLISH, model("Ada", Map.of("colour", "red")));

        assertThat(email.text()).isEqualTo("Shop now: https://shop.example/a\n"
                + "Shoes: https://shop.example/shoes?colour=red\nAgain: https://shop.example/a");
        assertThat(email.trackedTextLinks())
                .containsExactly("https://shop.example/a", "https://shop.example/shoes?colour=red");
    }

    @Test
    void theHtmlPartAndTheSubjectAcceptItAndMarkNothing(@TempDir Path templates) {
        template(templates, "sale", "Sale at $track.link('https://shop.example/s')",
                "<a href=\"$track.link('https://shop.example/h')\">Shop</a>", "No links");

        TemplateRenderer renderer = TemplateFixtures.renderer(templates);
        RenderedEmail email = renderer.render("sale", Locale.ENGLISH, model("Ada"));

        assertThat(email.html()).isEqualTo("<a href=\"https://shop.example/h\">Shop</a>");
        assertThat(email.subject()).isEqualTo("Sale at https://shop.example/s");
        assertThat(email.trackedTextLinks()).as("the HTML part's links are tracked anyway").isEmpty();
        assertThat(renderer.problemWith("sale")).isNull();
    }

    @Test
    void theTextLayoutsLinksCountAndEachRenderingHasItsOwn(@TempDir Path templates) {
        write(templates.resolve("_layouts/default/html.vm"), "<div>$body</div>");
        write(templates.resolve("_layouts/default/text.vm"), "$track.link($brand.websiteUrl)\n\n$body");
        template(templates, "sale", "Sale", "<p>Hi</p>", """
                #if($customer.firstName)Your picks: $track.link('https://shop.example/picks')#else Hi#end""");
        TemplateRenderer renderer = TemplateFixtures.renderer(templates);

        RenderedEmail ada = renderer.render("sale", Locale.ENGLISH, model("Ada"));
        RenderedEmail anonymous = renderer.render("sale", Locale.ENGLISH, model(null));

        assertThat(ada.text()).isEqualTo("https://shop.example.com\n\nYour picks: https://shop.example/picks");
        assertThat(ada.trackedTextLinks()).as("the body is rendered before its layout")
                .containsExactly("https://shop.example/picks", "https://shop.example.com");
        assertThat(anonymous.trackedTextLinks()).as("nothing left over from Ada's rendering")
                .containsExactly("https://shop.example.com");
    }

    @Test
    void validationAndPreviewsAcceptItAndShowThePlainUrl(@TempDir Path templates) {
        template(templates, "sale", "Sale", "<p>Hi</p>",
                "Shop: $track.link($brand.websiteUrl)\nPicks: $track.link(\"${brand.websiteUrl}/picks\")");
        TemplateRenderer renderer = TemplateFixtures.renderer(templates);

        assertThat(renderer.problemWith("sale")).isNull();
        BoundTemplates.Rendering preview = renderer.renderChecked("sale", Locale.ENGLISH, model("Ada"));
        assertThat(TemplatePreview.of(preview).text())
                .isEqualTo("Shop: https://shop.example.com\nPicks: https://shop.example.com/picks");
    }

    @Test
    void aMissingOrEmptyUrlFailsLikeAnyMissingValue(@TempDir Path templates) {
        template(templates, "missing", "Sale", "<p>Hi</p>", "Shop: $track.link($customer.traits.shopUrl)");
        template(templates, "empty", "Sale", "<p>Hi</p>", "Shop: $track.link('')");
        TemplateRenderer renderer = TemplateFixtures.renderer(templates);

        assertThatThrownBy(() -> renderer.render("missing", Locale.ENGLISH, model("Ada")))
                .isInstanceOf(VelocityException.class);
        assertThatThrownBy(() -> renderer.render("empty", Locale.ENGLISH, model("Ada")))
                .isInstanceOf(VelocityException.class);
        assertThat(renderer.problemWith("missing")).startsWith("templates/missing/text.vm fails for a sample customer");
        assertThat(renderer.problemWith("empty")).startsWith("templates/empty/text.vm fails for a sample customer");
    }

    @Test
    void theShippedWelcomeEmailMarksTheShopLinkOfItsTextPart() {
        TemplateRenderer shipped = TemplateFixtures.renderer(Path.of("templates"));

        for (Locale locale : List.of(Locale.ENGLISH, Locale.GERMAN)) {
            RenderedEmail email = shipped.render("welcome", locale, model("Ada"));
            assertThat(email.trackedTextLinks()).as("%s", locale).containsExactly("https://shop.example.com");
            assertThat(email.text()).as("%s", locale).contains(": https://shop.example.com\n");
        }
    }
}
