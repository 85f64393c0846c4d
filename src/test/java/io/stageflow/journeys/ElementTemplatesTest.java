package io.stageflow.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.stageflow.customers.LifecycleProperties;

import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.impl.pvm.delegate.ActivityBehavior;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.instance.BaseElement;
import org.camunda.bpm.model.bpmn.instance.FlowNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.type.filter.AssignableTypeFilter;
import org.springframework.stereotype.Component;

/**
 * The Camunda Modeler element templates in {@code bpmn/.camunda/element-templates/stageflow.json}: well-formed by
 * the rules of the Camunda 7 element-template JSON schema, bound to delegates that exist in the application, with
 * the stage dropdown equal to the stage model, and present for every template a journey in {@code bpmn/} uses.
 */
class ElementTemplatesTest {

    static final Path TEMPLATES = Path.of("bpmn", ".camunda", "element-templates", "stageflow.json");
    static final String CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn";

    /** Property types of the Camunda 7 schema, and which of them each binding type allows. */
    static final Set<String> PROPERTY_TYPES = Set.of("String", "Text", "Boolean", "Dropdown", "Hidden");
    static final Map<String, Set<String>> TYPES_BY_BINDING = Map.of(
            "property", Set.of("String", "Text", "Hidden", "Dropdown", "Boolean"),
            "camunda:property", Set.of("String", "Hidden", "Dropdown"),
            "camunda:inputParameter", Set.of("String", "Text", "Hidden", "Dropdown"),
            "camunda:outputParameter", Set.of("String", "Hidden", "Dropdown"),
            "camunda:in", Set.of("String", "Hidden", "Dropdown"),
            "camunda:in:businessKey", Set.of("String", "Hidden", "Dropdown"),
            "camunda:out", Set.of("String", "Hidden", "Dropdown"),
            "camunda:executionListener", Set.of("Hidden"),
            "camunda:field", Set.of("String", "Text", "Hidden", "Dropdown"),
            "camunda:errorEventDefinition", Set.of("String", "Hidden", "Dropdown"));

    static JsonNode templates;

    @BeforeAll
    static void readTemplates() throws IOException {
        templates = new ObjectMapper().readTree(TEMPLATES.toFile());
    }

    @Test
    void theFileIsOneArrayOfTemplatesWithTheSchemaRequiredFields() {
        assertThat(templates.isArray()).as("%s holds one JSON array", TEMPLATES).isTrue();
        assertThat(templates).isNotEmpty();
        for (JsonNode template : templates) {
            String id = template.path("id").asText();
            assertThat(template.path("$schema").asText()).as("%s: $schema", id)
                    .isEqualTo("https://unpkg.com/@camunda/element-templates-json-schema/resources/schema.json");
            for (String field : List.of("name", "id", "description")) {
                assertThat(template.path(field).isTextual() && !template.path(field).asText().isBlank())
                        .as("%s: %s", id, field).isTrue();
            }
            assertThat(template.path("name").asText()).as("%s: name", id).startsWith("Stageflow: ");
            assertThat(id).as("template id").matches("io\\.stageflow\\.[a-zA-Z]+");
            assertThat(template.path("version").isInt()).as("%s: version is an integer", id).isTrue();
            assertThat(template.path("appliesTo").isArray() && !template.path("appliesTo").isEmpty())
                    .as("%s: appliesTo", id).isTrue();
            template.path("appliesTo").forEach(type -> assertThat(type.asText()).as("%s: appliesTo", id)
                    .matches("bpmn:[A-Za-z]+"));
            assertThat(template.path("properties").isArray() && !template.path("properties").isEmpty())
                    .as("%s: properties", id).isTrue();
        }
    }

    @Test
    void everyPropertyHasABindingThatItsSchemaAllows() {
        for (JsonNode template : templates) {
            String id = template.path("id").asText();
            Set<String> bound = new HashSet<>();
            for (JsonNode property : template.path("properties")) {
                String type = property.path("type").asText("String");
                JsonNode binding = property.path("binding");
                String bindingType = binding.path("type").asText();
                String where = id + " / " + property.path("label").asText(binding.path("name").asText());
                assertThat(binding.isObject()).as("%s: binding", where).isTrue();
                assertThat(TYPES_BY_BINDING).as("%s: binding type", where).containsKey(bindingType);
                assertThat(PROPERTY_TYPES).as("%s: type", where).contains(type);
                assertThat(TYPES_BY_BINDING.get(bindingType)).as("%s: type %s with binding %s", where, type, bindingType)
                        .contains(type);
                switch (bindingType) {
                    case "property", "camunda:property", "camunda:inputParameter", "camunda:field" ->
                            assertThat(binding.path("name").asText()).as("%s: binding name", where).isNotBlank();
                    case "camunda:outputParameter" ->
                            assertThat(binding.path("source").asText()).as("%s: binding source", where).isNotBlank();
                    case "camunda:in" -> assertThat(binding.has("variables") || binding.has("target"))
                            .as("%s: camunda:in needs variables or target", where).isTrue();
                    case "camunda:out" -> assertThat(binding.has("variables") || binding.has("source")
                            || binding.has("sourceExpression")).as("%s: camunda:out needs a source", where).isTrue();
                    case "camunda:errorEventDefinition" ->
                            assertThat(binding.path("errorRef").asText()).as("%s: errorRef", where).isNotBlank();
                    case "camunda:executionListener" ->
                            assertThat(binding.path("event").asText()).as("%s: event", where).isNotBlank();
                    default -> { }
                }
                assertThat(bound.add(bindingType + " " + binding.path("name").asText()))
                        .as("%s: bound twice", where).isTrue();
                if (type.equals("Dropdown")) {
                    assertThat(property.path("choices").isArray() && !property.path("choices").isEmpty())
                            .as("%s: Dropdown choices", where).isTrue();
                    List<String> values = new ArrayList<>();
                    for (JsonNode choice : property.path("choices")) {
                        assertThat(choice.path("name").asText()).as("%s: choice name", where).isNotBlank();
                        values.add(choice.path("value").asText());
                    }
                    assertThat(values).as("%s: choice values", where).doesNotHaveDuplicates().doesNotContain("");
                    if (property.has("value")) {
                        assertThat(values).as("%s: default value is a choice", where)
                                .contains(property.path("value").asText());
                    }
                }
                if (type.equals("Hidden")) {
                    assertThat(property.has("value")).as("%s: a Hidden property needs a value", where).isTrue();
                } else {
                    assertThat(property.path("label").asText()).as("%s: label", where).isNotBlank();
                    assertThat(property.path("description").asText()).as("%s: description", where).isNotBlank();
                }
                JsonNode pattern = property.path("constraints").path("pattern");
                if (!pattern.isMissingNode()) {
                    String regex = pattern.isTextual() ? pattern.asText() : pattern.path("value").asText();
                    Pattern.compile(regex); // Modeler runs it as a JavaScript RegExp; keep it to the common subset
                    if (property.has("value")) {
                        assertThat(property.path("value").asText()).as("%s: default value matches its pattern", where)
                                .matches(regex);
                    }
                }
            }
        }
    }

    @Test
    void templateIdsAreUnique() {
        List<String> ids = new ArrayList<>();
        templates.forEach(template -> ids.add(template.path("id").asText() + "@" + template.path("version").asText()));
        assertThat(ids).doesNotHaveDuplicates();
        assertThat(ids).contains("io.stageflow.sendEmail@1", "io.stageflow.sendEmail@2", "io.stageflow.sendEmail@3",
                "io.stageflow.setLifecycleStage@1", "io.stageflow.checkSegment@1",
                "io.stageflow.waitForEvent@1", "io.stageflow.followUpTask@1", "io.stageflow.issueCoupon@1", "io.stageflow.revokeCoupons@1",
                "io.stageflow.setLifecycleStage@2", "io.stageflow.split@1", "io.stageflow.splitPath@1",
                "io.stageflow.splitHoldout@1", "io.stageflow.sendSms@1");
    }

    /**
     * A template that changes keeps its old versions beside the new one, so that Camunda Modeler recognises a
     * diagram made with an old version and offers the update: each newer version keeps every binding of the one
     * before (the update keeps what the marketer entered) and adds the new ones with a default, or as optional fields
     * (an input parameter that is written only when filled in).
     */
    @Test
    void eachNewVersionOfATemplateKeepsTheBindingsOfTheVersionBefore() {
        Map<String, TreeMap<Integer, JsonNode>> versions = new HashMap<>();
        templates.forEach(template -> versions.computeIfAbsent(template.path("id").asText(), id -> new TreeMap<>())
                .put(template.path("version").asInt(), template));
        assertThat(versions.get("io.stageflow.setLifecycleStage")).containsOnlyKeys(1, 2);
        assertThat(versions.get("io.stageflow.sendEmail")).containsOnlyKeys(1, 2, 3);
        versions.forEach((id, byVersion) -> {
            assertThat(byVersion.firstKey()).as("%s: versions start at 1", id).isEqualTo(1);
            assertThat(byVersion.lastKey()).as("%s: versions have no gaps", id).isEqualTo(byVersion.size());
            JsonNode before = null;
            for (JsonNode template : byVersion.values()) {
                if (before != null) {
                    Set<String> old = bindings(before);
                    Set<String> now = bindings(template);
                    assertThat(now).as("%s@%s keeps the bindings of the version before", id,
                            template.path("version").asText()).containsAll(old);
                    for (JsonNode property : template.path("properties")) {
                        String binding = property.path("binding").path("type").asText() + " "
                                + property.path("binding").path("name").asText();
                        if (!old.contains(binding) && !property.path("type").asText().equals("Hidden")) {
                            assertThat(property.has("value") || property.path("optional").asBoolean(false))
                                    .as("%s@%s: the new %s has a default or is optional", id,
                                    template.path("version").asText(), binding).isTrue();
                        }
                    }
                }
                before = template;
            }
        });
    }

    /**
     * What the journeys in {@code bpmn/} enter in a template's fields is what the template allows: each
     * input's value matches its field's pattern and is one of its dropdown's choices, and each diagram uses the
     * newest version of its template, or a version that the newer ones only add optional fields to (fields that
     * write nothing until filled in, so the update would change nothing but the version number).
     */
    @Test
    void theJourneysFillEveryTemplateFieldAsTheTemplateAllows() throws IOException {
        Map<String, String> problems = new TreeMap<>();
        List<Path> journeys;
        try (Stream<Path> files = Files.list(Path.of("bpmn"))) {
            journeys = files.filter(file -> file.toString().endsWith(".bpmn")).sorted().toList();
        }
        int checked = 0;
        for (Path journey : journeys) {
            BpmnModelInstance model = Bpmn.readModelFromFile(journey.toFile());
            for (BaseElement element : model.getModelElementsByType(BaseElement.class)) {
                String id = element.getAttributeValueNs(CAMUNDA_NS, "modelerTemplate");
                if (id == null) {
                    continue;
                }
                String where = journey.getFileName() + " / " + element.getId();
                JsonNode template = template(id);
                String version = element.getAttributeValueNs(CAMUNDA_NS, "modelerTemplateVersion");
                if (!template.path("version").asText().equals(version)
                        && !onlyOptionalFieldsAddedSince(id, version)) {
                    problems.put(where, "uses an old version of " + id + "; the newest is "
                            + template.path("version").asText());
                }
                for (org.camunda.bpm.model.bpmn.instance.camunda.CamundaInputParameter input
                        : element.getChildElementsByType(org.camunda.bpm.model.bpmn.instance.ExtensionElements.class)
                        .stream().flatMap(extensions -> extensions.getElementsQuery().filterByType(
                                org.camunda.bpm.model.bpmn.instance.camunda.CamundaInputOutput.class).list()
                                .stream()).flatMap(io -> io.getCamundaInputParameters().stream()).toList()) {
                    JsonNode field = null;
                    for (JsonNode property : template.path("properties")) {
                        if (property.path("binding").path("type").asText().equals("camunda:inputParameter")
                                && property.path("binding").path("name").asText().equals(input.getCamundaName())) {
                            field = property;
                        }
                    }
                    if (field == null) {
                        problems.put(where + " / " + input.getCamundaName(), "no field of " + id + " binds it");
                        continue;
                    }
                    checked++;
                    String value = input.getTextContent().strip();
                    JsonNode pattern = field.path("constraints").path("pattern");
                    String regex = pattern.isTextual() ? pattern.asText() : pattern.path("value").asText(null);
                    if (regex != null && !value.matches(regex)) {
                        problems.put(where + " / " + input.getCamundaName(), value + " does not match " + regex);
                    }
                    if (field.path("type").asText().equals("Dropdown") && !values(field).contains(value)) {
                        problems.put(where + " / " + input.getCamundaName(), value + " is not one of "
                                + values(field));
                    }
                }
            }
        }
        assertThat(checked).as("template fields filled in the journeys").isGreaterThan(20);
        assertThat(problems).as("template fields in bpmn/*.bpmn").isEmpty();
    }

    /**
     * Whether every version of the template after this one only adds optional fields to it: the same fields but
     * for those.
     */
    private static boolean onlyOptionalFieldsAddedSince(String id, String version) {
        JsonNode used = null;
        for (JsonNode template : templates) {
            if (template.path("id").asText().equals(id) && template.path("version").asText().equals(version)) {
                used = template;
            }
        }
        if (used == null) {
            return false;
        }
        List<JsonNode> fields = new ArrayList<>();
        template(id).path("properties").forEach(property -> {
            if (!property.path("optional").asBoolean(false)) {
                fields.add(property);
            }
        });
        List<JsonNode> usedFields = new ArrayList<>();
        used.path("properties").forEach(usedFields::add);
        return fields.equals(usedFields);
    }

    private static Set<String> bindings(JsonNode template) {
        Set<String> bindings = new HashSet<>();
        template.path("properties").forEach(property -> bindings.add(property.path("binding").path("type").asText()
                + " " + property.path("binding").path("name").asText()));
        return bindings;
    }

    @Test
    void everyDelegateExpressionNamesADelegateBeanOfTheApplication() throws ClassNotFoundException {
        Set<String> delegates = delegateBeanNames();
        assertThat(delegates).contains("sendEmail", "setLifecycleStage", "checkSegment", "issueCoupon", "revokeCoupons");
        for (JsonNode template : templates) {
            for (JsonNode property : template.path("properties")) {
                if (property.path("binding").path("type").asText().equals("camunda:executionListener")) {
                    String expression = property.path("value").asText();
                    assertThat(property.path("binding").path("implementationType").asText())
                            .as("%s: a listener names a bean, never a script or a class", template.path("id").asText())
                            .isEqualTo("delegateExpression");
                    assertThat(expression).matches("\\$\\{[A-Za-z][A-Za-z0-9]*}");
                    assertThat(beanNames(ExecutionListener.class)).as("%s: the listener bean behind %s",
                            template.path("id").asText(), expression)
                            .contains(expression.substring(2, expression.length() - 1));
                }
                if (property.path("binding").path("name").asText().equals("camunda:delegateExpression")) {
                    String expression = property.path("value").asText();
                    assertThat(expression).as("%s: delegateExpression", template.path("id").asText())
                            .matches("\\$\\{[A-Za-z][A-Za-z0-9]*}");
                    assertThat(delegates).as("%s: the bean behind %s", template.path("id").asText(), expression)
                            .contains(expression.substring(2, expression.length() - 1));
                }
            }
        }
    }

    @Test
    void theStageDropdownIsTheDefaultStageModel() throws IOException {
        List<String> stages = defaultStages();
        JsonNode stage = property(template("io.stageflow.setLifecycleStage"), "stage");
        List<String> choices = new ArrayList<>();
        stage.path("choices").forEach(choice -> choices.add(choice.path("value").asText()));
        assertThat(choices).as("stage choices in the order of stageflow.customers.lifecycle.stages").isEqualTo(stages);
    }

    @Test
    void theSendEmailChoicesAreTheOnesItsDelegateAccepts() {
        JsonNode send = template("io.stageflow.sendEmail");
        assertThat(values(property(send, "category"))).containsExactly("marketing", "transactional");
        assertThat(values(property(send, "quietHours"))).containsExactly("respect", "ignore");
        assertThat(values(property(send, "category"))).isEqualTo(SendEmailStep.CATEGORY.choices());
        assertThat(values(property(send, "quietHours"))).isEqualTo(SendEmailStep.QUIET_HOURS.choices());
        assertThat(send.path("version").asInt()).isEqualTo(3);
        assertThat(values(property(send, "priority"))).containsExactly("high", "normal", "low")
                .isEqualTo(SendEmailStep.PRIORITY.choices());
    }

    /**
     * Version 3 of Send email adds the template variants: two optional fields, written only when filled in, whose
     * patterns accept what the step accepts (a split's experiment key; 1 to 3 template keys, comma separated).
     */
    @Test
    void theSendEmailVariantsAreTwoOptionalFieldsWithTheStepsPatterns() {
        JsonNode send = template("io.stageflow.sendEmail");
        for (String name : List.of("experiment", "templateVariants")) {
            JsonNode field = property(send, name);
            assertThat(field.path("optional").asBoolean(false)).as("%s is optional", name).isTrue();
            assertThat(field.has("value")).as("%s has no default", name).isFalse();
            assertThat(field.path("constraints").path("notEmpty").asBoolean(false)).as("%s: notEmpty", name).isFalse();
        }
        String key = property(send, "experiment").path("constraints").path("pattern").path("value").asText();
        assertThat("welcome-subject").matches(key);
        assertThat("").matches(key);
        assertThat("Welcome subject").doesNotMatch(key);
        assertThat("a".repeat(61)).doesNotMatch(key);
        String variants = property(send, "templateVariants").path("constraints").path("pattern").path("value").asText();
        assertThat("welcome-reminder").matches(variants);
        assertThat("welcome-reminder, win-back-offer,cart-offer").matches(variants);
        assertThat("a,b,c,d").as("at most 3").doesNotMatch(variants);
        assertThat("${variants}").doesNotMatch(variants);
        assertThat(SendEmailStep.MAX_TEMPLATE_VARIANTS).isEqualTo(3);
    }

    @Test
    void everyTemplateAJourneyUsesExistsWithItsVersion() throws IOException {
        Map<String, Set<String>> versions = new HashMap<>();
        Map<String, Set<String>> appliesTo = new HashMap<>();
        for (JsonNode template : templates) {
            versions.computeIfAbsent(template.path("id").asText(), id -> new HashSet<>())
                    .add(template.path("version").asText());
            template.path("appliesTo").forEach(type -> appliesTo
                    .computeIfAbsent(template.path("id").asText(), id -> new HashSet<>()).add(type.asText()));
        }
        Map<String, String> problems = new TreeMap<>();
        List<Path> journeys;
        try (Stream<Path> files = Files.list(Path.of("bpmn"))) {
            journeys = files.filter(file -> file.toString().endsWith(".bpmn")).sorted().toList();
        }
        assertThat(journeys).isNotEmpty();
        for (Path journey : journeys) {
            BpmnModelInstance model = Bpmn.readModelFromFile(journey.toFile());
            for (BaseElement element : model.getModelElementsByType(BaseElement.class)) {
                String template = element.getAttributeValueNs(CAMUNDA_NS, "modelerTemplate");
                if (template == null) {
                    continue;
                }
                String where = journey.getFileName() + " / " + element.getId();
                String version = element.getAttributeValueNs(CAMUNDA_NS, "modelerTemplateVersion");
                if (!versions.containsKey(template)) {
                    problems.put(where, "uses template " + template + ", which " + TEMPLATES + " does not define");
                } else if (version != null && !versions.get(template).contains(version)) {
                    problems.put(where, "uses " + template + " version " + version + "; defined: " + versions.get(template));
                } else if (element instanceof FlowNode && !appliesTo.get(template)
                        .contains("bpmn:" + element.getElementType().getTypeName().substring(0, 1).toUpperCase()
                                + element.getElementType().getTypeName().substring(1))) {
                    problems.put(where, "is a " + element.getElementType().getTypeName() + "; " + template
                            + " applies to " + appliesTo.get(template));
                }
            }
        }
        assertThat(problems).as("template references in bpmn/*.bpmn").isEmpty();
    }

    /**
     * The names of the application's delegate beans in {@code io.stageflow} (main classes only), as their
     * {@code @Component} names them: {@link JavaDelegate}s, and the steps that wait ({@link ActivityBehavior}s).
     */
    static Set<String> delegateBeanNames() throws ClassNotFoundException {
        Set<String> names = new HashSet<>(beanNames(JavaDelegate.class));
        names.addAll(beanNames(ActivityBehavior.class));
        return names;
    }

    /** The names of the application's beans of this type in {@code io.stageflow} (main classes only). */
    static Set<String> beanNames(Class<?> kind) throws ClassNotFoundException {
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(true);
        scanner.addIncludeFilter(new AssignableTypeFilter(kind));
        Set<String> names = new HashSet<>();
        for (BeanDefinition candidate : scanner.findCandidateComponents("io.stageflow")) {
            Class<?> type = Class.forName(candidate.getBeanClassName());
            boolean inTheApplication = !type.getProtectionDomain().getCodeSource().getLocation().getPath()
                    .contains("test-classes");
            if (!kind.isAssignableFrom(type) || !inTheApplication) {
                continue;
            }
            Component component = type.getAnnotation(Component.class);
            String name = component == null || component.value().isEmpty()
                    ? Character.toLowerCase(type.getSimpleName().charAt(0)) + type.getSimpleName().substring(1)
                    : component.value();
            names.add(name);
        }
        return names;
    }

    /** {@code stageflow.customers.lifecycle.stages} as the application binds it from {@code application.yaml} and the defaults. */
    static List<String> defaultStages() throws IOException {
        List<PropertySource<?>> yaml = new YamlPropertySourceLoader()
                .load("application.yaml", new FileSystemResource("src/main/resources/application.yaml"));
        Binder binder = new Binder(ConfigurationPropertySources.from(yaml));
        return binder.bindOrCreate("stageflow.customers.lifecycle", LifecycleProperties.class).stages();
    }

    /** The newest version of the template with this id. */
    private static JsonNode template(String id) {
        JsonNode newest = null;
        for (JsonNode template : templates) {
            if (template.path("id").asText().equals(id)
                    && (newest == null || template.path("version").asInt() > newest.path("version").asInt())) {
                newest = template;
            }
        }
        if (newest == null) {
            throw new AssertionError("no template " + id + " in " + TEMPLATES);
        }
        return newest;
    }

    private static JsonNode property(JsonNode template, String bindingName) {
        for (JsonNode property : template.path("properties")) {
            if (property.path("binding").path("name").asText().equals(bindingName)) {
                return property;
            }
        }
        throw new AssertionError(template.path("id").asText() + " binds no " + bindingName);
    }

    private static List<String> values(JsonNode dropdown) {
        List<String> values = new ArrayList<>();
        dropdown.path("choices").forEach(choice -> values.add(choice.path("value").asText()));
        return values;
    }
}
