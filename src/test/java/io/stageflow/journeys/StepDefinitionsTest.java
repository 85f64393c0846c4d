package io.stageflow.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.stageflow.delivery.SendPriority;
import io.stageflow.subscriptions.EmailCategory;
import io.stageflow.testing.IntegrationTest;

import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.impl.pvm.delegate.ActivityBehavior;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

/**
 * Every step the application registers is the one its element template in
 * {@code bpmn/.camunda/element-templates/} describes, field by field: the same id and version, element type,
 * delegate expression (and that bean is the step), and the same inputs with their bindings, field types, defaults,
 * dropdown choices, patterns and required flags; and each dropdown choice and default is one the step's own parser
 * accepts. So the file Modeler reads and the code cannot drift apart.
 */
class StepDefinitionsTest extends IntegrationTest {

    @Autowired
    List<JourneyStep> steps;

    @Autowired
    ApplicationContext context;

    static JsonNode templates;

    @BeforeAll
    static void readTemplates() throws IOException {
        templates = new ObjectMapper().readTree(ElementTemplatesTest.TEMPLATES.toFile());
    }

    @Test
    void everyTemplateIsARegisteredStepAndEveryStepHasATemplate() {
        // The newest version of each template is the registered step; older versions stay in the file next to it, so
        // that Modeler can update journeys drawn with them (which the step still runs).
        Map<String, Integer> newest = new HashMap<>();
        templates.forEach(template -> newest.merge(template.path("id").asText(), template.path("version").asInt(),
                Math::max));
        Set<String> inFile = new TreeSet<>();
        newest.forEach((id, version) -> inFile.add(id + "@" + version));
        Set<String> registered = steps.stream().map(step -> step.templateId() + "@" + step.templateVersion())
                .collect(Collectors.toCollection(TreeSet::new));

        assertThat(registered).as("registered steps").hasSize(steps.size()).isEqualTo(inFile);
        assertThat(registered).contains("io.stageflow.sendEmail@3", "io.stageflow.setLifecycleStage@2",
                "io.stageflow.issueCoupon@1", "io.stageflow.revokeCoupons@1", "io.stageflow.checkSegment@1",
                "io.stageflow.waitForEvent@1", "io.stageflow.followUpTask@1", "io.stageflow.split@1",
                "io.stageflow.splitPath@1", "io.stageflow.splitHoldout@1", "io.stageflow.sendSms@1");
    }

    @Test
    void eachStepAppliesToItsTemplatesElementAndIsTheBeanItsDelegateExpressionNames() {
        for (JourneyStep step : steps) {
            JsonNode template = template(step);
            List<String> appliesTo = new ArrayList<>();
            template.path("appliesTo").forEach(type -> appliesTo.add(type.asText()));
            assertThat(appliesTo).as("%s: appliesTo", step.templateId()).containsExactly(step.appliesTo());

            JsonNode delegate = delegateExpression(template);
            JsonNode listener = listener(template);
            if (step.listenerEvent() != null) {
                // A step that runs as its element's execution listener (the split on its gateway): the template binds
                // the listener with the step's event and expression, and the bean is the step, an ExecutionListener.
                assertThat(delegate).as("%s: a listener step has no delegate", step.templateId()).isNull();
                assertThat(listener).as("%s: camunda:executionListener", step.templateId()).isNotNull();
                assertThat(listener.path("type").asText()).isEqualTo("Hidden");
                assertThat(listener.path("binding").path("event").asText()).as("%s: event", step.templateId())
                        .isEqualTo(step.listenerEvent());
                assertThat(listener.path("binding").path("implementationType").asText())
                        .isEqualTo("delegateExpression");
                assertThat(listener.path("value").asText()).as("%s: listener", step.templateId())
                        .isEqualTo(step.expression()).isEqualTo("${" + step.beanName() + "}");
                assertThat(context.getBean(step.beanName())).as("the bean %s", step.beanName()).isSameAs(step)
                        .isInstanceOf(ExecutionListener.class).isNotInstanceOf(JavaDelegate.class);
                continue;
            }
            assertThat(listener).as("%s: only a listener step binds a listener", step.templateId()).isNull();
            if (step.beanName() == null) {
                assertThat(delegate).as("%s: a step the engine runs has no delegate", step.templateId()).isNull();
                assertThat(step).isNotInstanceOf(JavaDelegate.class);
                continue;
            }
            assertThat(delegate).as("%s: delegateExpression", step.templateId()).isNotNull();
            assertThat(delegate.path("type").asText()).isEqualTo("Hidden");
            assertThat(delegate.path("value").asText()).as("%s: delegateExpression", step.templateId())
                    .isEqualTo(step.expression()).isEqualTo("${" + step.beanName() + "}");
            assertThat(context.getBean(step.beanName())).as("the bean %s", step.beanName()).isSameAs(step)
                    .isInstanceOfAny(JavaDelegate.class, ActivityBehavior.class);
        }
    }

    @Test
    void eachStepHasItsTemplatesInputsWithTheSameBindingsDefaultsChoicesAndPatterns() {
        for (JourneyStep step : steps) {
            List<JsonNode> fields = new ArrayList<>();
            template(step).path("properties").forEach(property -> {
                if (!property.path("binding").path("name").asText().equals("camunda:delegateExpression")
                        && !property.path("binding").path("type").asText().equals("camunda:executionListener")) {
                    fields.add(property);
                }
            });
            assertThat(step.inputs().stream().map(StepInput::name).toList())
                    .as("%s: inputs, in the template's order", step.templateId())
                    .isEqualTo(fields.stream().map(field -> field.path("binding").path("name").asText()).toList());
            for (int i = 0; i < fields.size(); i++) {
                JsonNode field = fields.get(i);
                StepInput<?> input = step.inputs().get(i);
                String where = step.templateId() + " / " + input.name();
                assertThat(input.bindingType()).as("%s: binding type", where)
                        .isEqualTo(field.path("binding").path("type").asText());
                assertThat(input.type()).as("%s: field type", where).isEqualTo(field.path("type").asText("String"));
                assertThat(input.defaultValue()).as("%s: default value", where)
                        .isEqualTo(field.has("value") ? field.path("value").asText() : null);
                List<String> choices = new ArrayList<>();
                field.path("choices").forEach(choice -> choices.add(choice.path("value").asText()));
                assertThat(input.choices()).as("%s: dropdown choices", where).isEqualTo(choices);
                JsonNode pattern = field.path("constraints").path("pattern");
                assertThat(input.pattern()).as("%s: pattern", where).isEqualTo(pattern.isMissingNode() ? null
                        : pattern.isTextual() ? pattern.asText() : pattern.path("value").asText());
                assertThat(input.isNotEmpty()).as("%s: notEmpty", where)
                        .isEqualTo(field.path("constraints").path("notEmpty").asBoolean(false));
            }
        }
    }

    @Test
    void everyChoiceAndDefaultModelerOffersIsOneTheStepsParserAccepts() {
        for (JourneyStep step : steps) {
            for (StepInput<?> input : step.inputs()) {
                if (!input.bindingType().equals(StepInput.INPUT_PARAMETER)) {
                    continue;
                }
                String where = step.templateId() + " / " + input.name();
                for (String choice : input.choices()) {
                    assertThat(input.problemWith(choice)).as("%s: choice %s", where, choice).isNull();
                }
                if (input.defaultValue() != null) {
                    assertThat(input.problemWith(input.defaultValue())).as("%s: default", where).isNull();
                    if (input.pattern() != null) {
                        assertThat(input.defaultValue()).as("%s: default matches the pattern", where)
                                .matches(input.pattern());
                    }
                }
                if (!input.choices().isEmpty()) {
                    assertThat(input.problemWith("no-such-choice")).as("%s: a value outside the choices", where)
                            .startsWith("has " + input.name() + " 'no-such-choice'; use ");
                }
            }
        }
    }

    @Test
    void theSendStepsChoicesMeanEveryCategoryAndBothQuietHoursAndItsDefaultsAreMarketingAndRespect() {
        Map<String, Object> categories = new HashMap<>();
        SendEmailStep.CATEGORY.choices().forEach(choice -> categories.put(choice, SendEmailStep.CATEGORY.parse(choice)));
        assertThat(categories.values()).containsExactlyInAnyOrder((Object[]) EmailCategory.values());
        assertThat(SendEmailStep.CATEGORY.parse(null)).isEqualTo(EmailCategory.MARKETING);
        assertThat(SendEmailStep.CATEGORY.parse(" Transactional ")).isEqualTo(EmailCategory.TRANSACTIONAL);
        assertThatThrownBy(() -> SendEmailStep.CATEGORY.parse("promo")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("has category 'promo'; use marketing or transactional");
        assertThat(SendEmailStep.QUIET_HOURS.parse("")).isTrue();
        assertThat(SendEmailStep.QUIET_HOURS.parse("ignore")).isFalse();
        assertThat(SendEmailStep.PRIORITY.parse(null)).isEqualTo(SendPriority.TRIGGERED);
        assertThat(SendEmailStep.PRIORITY.parse("high")).isEqualTo(SendPriority.TRIGGERED_HIGH);
        assertThat(SendEmailStep.PRIORITY.parse("low")).isEqualTo(SendPriority.TRIGGERED_LOW);
        assertThat(SetLifecycleStageStep.MODE.parse(null)).isFalse();
        assertThat(SetLifecycleStageStep.MODE.parse("advance")).isTrue();
    }

    @Test
    void aResultVariableIsWhatItsPatternAllows() {
        StepInput<String> variable = CheckSegmentStep.RESULT_VARIABLE;
        for (String name : List.of("inSegment", "_x", "a".repeat(64), "is_VIP_2")) {
            assertThat(name).matches(variable.pattern());
            assertThat(variable.parse(name)).isEqualTo(name);
        }
        for (String name : List.of("in segment", "2fast", "a".repeat(65), "${x}")) {
            assertThat(name).doesNotMatch(variable.pattern());
            assertThat(variable.problemWith(name)).as(name).startsWith("has result variable '");
        }
        assertThat(variable.parse(" ")).isEqualTo("inSegment");
        assertThat(IssueCouponStep.RESULT_VARIABLE.parse(null)).isEqualTo("couponCode");
    }

    private static JsonNode template(JourneyStep step) {
        for (JsonNode template : templates) {
            if (template.path("id").asText().equals(step.templateId())
                    && template.path("version").asInt() == step.templateVersion()) {
                return template;
            }
        }
        throw new AssertionError("no template " + step.templateId() + "@" + step.templateVersion() + " in "
                + ElementTemplatesTest.TEMPLATES);
    }

    private static JsonNode listener(JsonNode template) {
        for (JsonNode property : template.path("properties")) {
            if (property.path("binding").path("type").asText().equals("camunda:executionListener")) {
                return property;
            }
        }
        return null;
    }

    private static JsonNode delegateExpression(JsonNode template) {
        for (JsonNode property : template.path("properties")) {
            if (property.path("binding").path("name").asText().equals("camunda:delegateExpression")) {
                return property;
            }
        }
        return null;
    }
}
