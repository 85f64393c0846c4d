package io.stageflow.templates;

import static io.stageflow.templates.TemplateFixtures.model;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The bundled {@code tier-upgrade} template (the tier-upgrade journey's reward email) shows the new tier, the balance
 * and the points to the next tier from {@code $loyalty}, and at the top tier says so instead of naming a next one.
 */
class TierUpgradeTemplateTest {

    private final TemplateRenderer renderer = TestTemplateSettings.renderer(Path.of("templates"));

    @Test
    void showsTheNewTierTheBalanceAndThePointsToTheNextTier() {
        RenderedEmail email = renderer.render("tier-upgrade", Locale.ENGLISH, model("Ada"));

        assertThat(email.subject()).isEqualTo("You are Silver now, Ada");
        assertThat(email.html()).contains("Welcome to Silver", "Hi Ada,", "<strong>Silver</strong> member of Demo Shop",
                "<strong>1,250 points</strong>", "Earn 750 more points to reach Gold.")
                .doesNotContain("highest tier");
        assertThat(email.text()).contains("Welcome to Silver", "you are now a Silver member of Demo Shop",
                "Your balance: 1,250 points", "Earn 750 more points to reach Gold.", "Shop now: https://shop.example.com");
    }

    @Test
    void atTheTopTierItNamesNoNextTier() {
        Map<String, Object> model = new HashMap<>(model(null));
        model.put("loyalty", Map.of("balance", 4200, "balanceText", "4,200", "tier", "Gold", "nextTier", "",
                "pointsToNextTier", 0L, "topTier", true));

        RenderedEmail email = renderer.render("tier-upgrade", Locale.ENGLISH, model);

        assertThat(email.subject()).isEqualTo("You are Gold now, friend");
        assertThat(email.html()).contains("Hi there,", "Gold is our highest tier.", "4,200 points")
                .doesNotContain("more points to reach");
        assertThat(email.text()).contains("Gold is our highest tier.").doesNotContain("more points to reach");
    }

    @Test
    void aTierNameIsEscapedInTheHtmlPart() {
        Map<String, Object> model = new HashMap<>(model("Ada"));
        model.put("loyalty", Map.of("balance", 1, "balanceText", "1", "tier", "<b>VIP</b>", "nextTier", "Gold & more",
                "pointsToNextTier", 9L, "topTier", false));

        RenderedEmail email = renderer.render("tier-upgrade", Locale.ENGLISH, model);

        assertThat(email.html()).contains("&lt;b&gt;VIP&lt;/b&gt;", "Gold &amp; more").doesNotContain("<b>VIP</b>");
        assertThat(email.text()).contains("<b>VIP</b>");
    }
}
