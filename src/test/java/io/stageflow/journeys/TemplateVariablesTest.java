package io.stageflow.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The {@code templateVariables} process property: names separated by commas or spaces, each a plain variable name,
 * never {@code key} (the journey's own), at most {@value TemplateVariables#MAX_NAMES}; refused at deployment
 * otherwise, with the journey and the name in the message.
 */
class TemplateVariablesTest {

    @Test
    void namesAreSplitOnCommasAndSpacesEachKeptOnceInOrder() {
        assertThat(TemplateVariables.parse(" orderId, category  score,orderId ")).containsExactly("orderId",
                "category", "score");
        assertThat(TemplateVariables.parse(null)).isEmpty();
        assertThat(TemplateVariables.parse("  ")).isEmpty();
        assertThat(TemplateVariables.problemWith("upsell", "orderId, category")).isNull();
        assertThat(TemplateVariables.problemWith("upsell", null)).isNull();
    }

    @Test
    void aNameThatIsNoVariableTheJourneysKeyOrTooManyNamesAreRefused() {
        assertThat(TemplateVariables.problemWith("upsell", "orderId, customer.email"))
                .contains("Journey 'upsell'", "'customer.email'", "not a variable name");
        assertThat(TemplateVariables.problemWith("upsell", "orderId key")).contains("cannot name 'key'");
        assertThat(TemplateVariables.problemWith("upsell", "a b c d e f g h i"))
                .contains("names 9 variables", "at most 8");
    }
}
