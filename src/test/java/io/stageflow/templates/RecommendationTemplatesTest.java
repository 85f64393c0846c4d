package io.stageflow.templates;

import static io.stageflow.templates.TemplateFixtures.SAMPLE_CART;
import static io.stageflow.templates.TemplateFixtures.model;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The bundled upsell-bestsellers template shows {@code $recommendations.forCustomer(4)} (shaped as recommendations
 * shapes it): each product's image, name, price and page; with nothing to recommend it keeps its old text and the
 * link to the shop; product data is escaped in HTML like any other value.
 */
class RecommendationTemplatesTest {

    private final TemplateRenderer renderer = TestTemplateSettings.renderer(Path.of("templates"));

    @Test
    void theUpsellShowsTheCustomersRecommendationsWithImagesPricesAndPages() {
        RenderedEmail email = renderer.render("upsell-bestsellers", Locale.ENGLISH,
                model("Ada", Map.of(), SAMPLE_CART, SampleRecommendations.THREE));

        assertThat(email.html())
                .contains("<img src=\"https://shop.example.com/images/laces.jpg\"", "alt=\"Reflective laces\"",
                        "<img src=\"https://shop.example.com/images/cap.jpg\"")
                .contains("href=\"https://shop.example.com/p/bottle\"", ">Running bottle</a>", "€14.00", "€19.00")
                .contains("Customers who bought what you did").doesNotContain("See the bestsellers");
        assertThat(email.text()).contains("- Reflective laces, €4.90", "- Running bottle, €14.00",
                "- Running cap, €19.00", "See more at Demo Shop: https://shop.example.com");
        assertThat(email.trackedTextLinks()).as("the product links of the text part are tracked")
                .contains("https://shop.example.com/p/laces", "https://shop.example.com/p/cap");
    }

    @Test
    void withNothingToRecommendTheUpsellLinksToTheShop() {
        RenderedEmail email = renderer.render("upsell-bestsellers", Locale.ENGLISH,
                model(null, Map.of(), SAMPLE_CART, SampleRecommendations.NONE));

        assertThat(email.html()).doesNotContain("<img").contains("See the bestsellers",
                "href=\"https://shop.example.com\"");
        assertThat(email.text()).doesNotContain("null").contains("See the bestsellers: https://shop.example.com");
    }

    @Test
    void productDataIsEscapedInTheHtmlPart() {
        SampleRecommendations hostile = new SampleRecommendations(List.of(SampleRecommendations.product("p-x",
                "<script>alert(1)</script>\"", "€1.00", "https://shop.example.com/i.jpg?a=1&b=\"><script>",
                "https://shop.example.com/p")));

        RenderedEmail email = renderer.render("upsell-bestsellers", Locale.ENGLISH,
                model("Ada", Map.of(), SAMPLE_CART, hostile));

        assertThat(email.html()).doesNotContain("<script>")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;")
                .contains("src=\"https://shop.example.com/i.jpg?a=1&amp;b=&quot;&gt;&lt;script&gt;\"");
        assertThat(email.text()).contains("<script>alert(1)</script>");
    }
}
