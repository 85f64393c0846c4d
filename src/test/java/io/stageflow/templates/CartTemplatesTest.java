package io.stageflow.templates;

import static io.stageflow.templates.TemplateFixtures.EMPTY_CART;
import static io.stageflow.templates.TemplateFixtures.SAMPLE_CART;
import static io.stageflow.templates.TemplateFixtures.cart;
import static io.stageflow.templates.TemplateFixtures.line;
import static io.stageflow.templates.TemplateFixtures.model;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The bundled abandoned-cart templates show the cart ({@code $cart}, shaped as orders shape it): each product's
 * image, name, quantity and price, the total and a button back to the cart; an empty cart still renders, without the
 * list; product data is escaped in HTML like any other value.
 */
class CartTemplatesTest {

    private final TemplateRenderer renderer = TestTemplateSettings.renderer(Path.of("templates"));

    @ParameterizedTest
    @ValueSource(strings = {"cart-reminder", "cart-offer"})
    void listsTheCartsProductsWithImagesPricesAndALinkBackToTheCart(String key) {
        RenderedEmail email = renderer.render(key, Locale.ENGLISH, model("Ada", Map.of(), SAMPLE_CART));

        assertThat(email.html())
                .contains("<img src=\"https://shop.example.com/images/shoe.jpg\"", "alt=\"Trail running shoe\"",
                        "<img src=\"https://shop.example.com/images/socks.jpg\"")
                .contains("href=\"https://shop.example.com/p/shoe\"", ">Trail running shoe</a>", ">Merino socks</a>")
                .contains("1 &times; €89.90", "2 &times; €12.50", "Total: €114.90")
                .contains("href=\"https://shop.example.com/cart\"", "Back to your cart");
        assertThat(email.text()).contains("- 1 x Trail running shoe, €89.90", "- 2 x Merino socks, €12.50",
                "Total: €114.90", "Back to your cart: https://shop.example.com/cart");
        assertThat(email.trackedTextLinks()).as("the cart and product links of the text part are tracked")
                .contains("https://shop.example.com/cart", "https://shop.example.com/p/shoe",
                        "https://shop.example.com/p/socks");
    }

    @ParameterizedTest
    @ValueSource(strings = {"cart-reminder", "cart-offer"})
    void anEmptyCartStillRendersWithTheLinkBackToTheShop(String key) {
        RenderedEmail email = renderer.render(key, Locale.ENGLISH, model(null, Map.of(), EMPTY_CART));

        assertThat(email.html()).doesNotContain("<img", "Total:").contains("href=\"https://shop.example.com/cart\"");
        assertThat(email.text()).doesNotContain("Total:", "null").contains("Back to your cart:");
    }

    @ParameterizedTest
    @ValueSource(strings = {"cart-reminder", "cart-offer"})
    void aLineWithoutImagePageOrPriceShowsItsName(String key) {
        Map<String, Object> bare = cart(List.of(line("p-x", "Mystery box", 3, "", "", "", "")), "");

        RenderedEmail email = renderer.render(key, Locale.ENGLISH, model("Ada", Map.of(), bare));

        assertThat(email.html()).contains("<strong>Mystery box</strong>", "3 &times;").doesNotContain("<img",
                "src=\"\"", "href=\"\"");
        assertThat(email.text()).contains("- 3 x Mystery box\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"cart-reminder", "cart-offer"})
    void productDataIsEscapedInTheHtmlPart(String key) {
        Map<String, Object> hostile = cart(List.of(line("p-x", "<script>alert(1)</script>\"", 1, "€1.00", "€1.00",
                "https://shop.example.com/i.jpg?a=1&b=\"><script>", "https://shop.example.com/p")), "€1.00");

        RenderedEmail email = renderer.render(key, Locale.ENGLISH, model("Ada", Map.of(), hostile));

        assertThat(email.html()).doesNotContain("<script>")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;")
                .contains("src=\"https://shop.example.com/i.jpg?a=1&amp;b=&quot;&gt;&lt;script&gt;\"");
        assertThat(email.text()).contains("<script>alert(1)</script>");
    }
}
