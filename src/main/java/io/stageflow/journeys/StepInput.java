package io.stageflow.journeys;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import org.camunda.bpm.engine.delegate.DelegateExecution;

/**
 * One input of a Stageflow step, declared once: how the step's element template binds it and offers it in
 * Modeler (binding, field type, default, dropdown choices, pattern), and the one parser that reads it, both when a
 * journey is deployed and when the step runs. A parser refuses a value with an {@link IllegalArgumentException}
 * whose message names the input and the value ("has quietHours 'later'; use respect or ignore"), so that the
 * deploy check and the step put their own subject ("Send step 'X'" or "Step X") in front of the same words.
 */
final class StepInput<T> {

    static final String INPUT_PARAMETER = "camunda:inputParameter";
    static final String PROPERTY = "property";
    static final String CAMUNDA_PROPERTY = "camunda:property";

    private final String bindingType;
    private final String name;
    private final String type;
    private final String defaultValue;
    private final Map<String, T> choices;
    private final String pattern;
    private final boolean notEmpty;
    private final Function<String, T> parser;

    private StepInput(String bindingType, String name, String type, String defaultValue, Map<String, T> choices,
            String pattern, boolean notEmpty, Function<String, T> parser) {
        this.bindingType = bindingType;
        this.name = name;
        this.type = type;
        this.defaultValue = defaultValue;
        this.choices = choices;
        this.pattern = pattern;
        this.notEmpty = notEmpty;
        this.parser = parser;
    }

    /** A free-text input parameter, read as its stripped text (null when unset or blank). */
    static StepInput<String> text(String name) {
        return new StepInput<>(INPUT_PARAMETER, name, "String", null, Map.of(), null, false,
                raw -> raw == null || raw.isBlank() ? null : raw.strip());
    }

    /** A free-text input parameter of several lines (Modeler's text area), read as written (null when unset or blank). */
    static StepInput<String> multiline(String name) {
        return new StepInput<>(INPUT_PARAMETER, name, "Text", null, Map.of(), null, false,
                raw -> raw == null || raw.isBlank() ? null : raw);
    }

    /**
     * A dropdown input parameter: {@code choices} map each value Modeler offers (in its order) to what it means;
     * an unset or blank value means {@code defaultChoice}; any other value is refused. Case does not matter.
     */
    @SafeVarargs
    static <T> StepInput<T> dropdown(String name, String defaultChoice, Map.Entry<String, T>... choices) {
        Map<String, T> ordered = new LinkedHashMap<>();
        for (Map.Entry<String, T> choice : choices) {
            ordered.put(choice.getKey(), choice.getValue());
        }
        String use = String.join(" or ", ordered.keySet());
        return new StepInput<>(INPUT_PARAMETER, name, "Dropdown", defaultChoice, ordered, null, false, raw -> {
            String value = raw == null || raw.isBlank() ? defaultChoice : raw.strip().toLowerCase(Locale.ROOT);
            if (!ordered.containsKey(value)) {
                throw new IllegalArgumentException("has " + name + " '" + raw.strip() + "'; use " + use);
            }
            return ordered.get(value);
        });
    }

    /**
     * A dropdown input parameter whose values are a list the installation configures (the lifecycle stages):
     * exactly one of them (case matters), with no default; Modeler offers the default list.
     */
    static StepInput<String> oneOf(String name, String modelerDefault, List<String> values) {
        Map<String, String> choices = new LinkedHashMap<>();
        values.forEach(value -> choices.put(value, value));
        return new StepInput<>(INPUT_PARAMETER, name, "Dropdown", modelerDefault, choices, null, true, raw -> {
            if (raw == null || !choices.containsKey(raw.strip())) {
                throw new IllegalArgumentException("has " + name + " '" + raw + "'; use one of " + values);
            }
            return raw.strip();
        });
    }

    /**
     * The name of a process variable the step sets: {@code defaultName} when unset or blank, otherwise letters,
     * digits and underscores, starting with a letter or underscore, at most 64 characters.
     */
    static StepInput<String> variableName(String name, String defaultName) {
        String regex = "^[A-Za-z_][A-Za-z0-9_]{0,63}$";
        return new StepInput<>(INPUT_PARAMETER, name, "String", defaultName, Map.of(), regex, true, raw -> {
            if (raw == null || raw.isBlank()) {
                return defaultName;
            }
            if (!raw.strip().matches(regex)) {
                throw new IllegalArgumentException("has result variable '" + raw.strip()
                        + "'; use letters, digits and underscores, starting with a letter, such as " + defaultName);
            }
            return raw.strip();
        });
    }

    /**
     * A BPMN or Camunda attribute of the element that the template sets ({@code name},
     * {@code camunda:candidateGroups}), which the engine itself reads: declared for the template, never parsed here.
     */
    static StepInput<String> attribute(String name, String type) {
        return new StepInput<>(PROPERTY, name, type, null, Map.of(), null, false, raw -> raw);
    }

    /**
     * An extension property of the element ({@code camunda:properties}), for elements that take no input parameters
     * (a gateway, a sequence flow): declared for the template, read as its stripped text (null when unset or blank).
     */
    static StepInput<String> extensionProperty(String name) {
        return new StepInput<>(CAMUNDA_PROPERTY, name, "String", null, Map.of(), null, false,
                raw -> raw == null || raw.isBlank() ? null : raw.strip());
    }

    /**
     * A BPMN attribute or child that the template sets from a dropdown of fixed values (a sequence flow's
     * {@code conditionExpression}), which the engine itself reads: declared for the template, never parsed here.
     */
    static StepInput<String> attributeChoice(String name, String defaultChoice, List<String> values) {
        Map<String, String> choices = new LinkedHashMap<>();
        values.forEach(value -> choices.put(value, value));
        return new StepInput<>(PROPERTY, name, "Dropdown", defaultChoice, choices, null, false, raw -> raw);
    }

    /** The same input, which Modeler requires to be filled in. */
    StepInput<T> notEmpty() {
        return new StepInput<>(bindingType, name, type, defaultValue, choices, pattern, true, parser);
    }

    /** The same input, which Modeler checks against this pattern (a JavaScript RegExp, kept to the common subset). */
    StepInput<T> pattern(String regex) {
        return new StepInput<>(bindingType, name, type, defaultValue, choices, regex, notEmpty, parser);
    }

    /** The same input, which Modeler fills in with this value. */
    StepInput<T> defaultValue(String value) {
        return new StepInput<>(bindingType, name, type, value, choices, pattern, notEmpty, parser);
    }

    /** The value the raw text means. @throws IllegalArgumentException naming the input and the value */
    T parse(String raw) {
        return parser.apply(raw);
    }

    /** Why the raw text cannot be used ("has mode 'x'; use set or advance"), or null when it can. */
    String problemWith(String raw) {
        try {
            parse(raw);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /**
     * The input as the running step sees it: its own local variable (an input parameter, which a process variable
     * of the same name can never stand in for), parsed. A refused value fails the step, naming it.
     */
    T read(DelegateExecution execution) {
        Object value = execution.getVariableLocal(name);
        try {
            return parse(value == null ? null : value.toString());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("Step " + execution.getCurrentActivityId() + " " + e.getMessage(), e);
        }
    }

    /** Whether a raw value is an expression, which the engine evaluates only when the step runs. */
    static boolean isExpression(String raw) {
        return raw != null && (raw.contains("${") || raw.contains("#{"));
    }

    String bindingType() {
        return bindingType;
    }

    String name() {
        return name;
    }

    /** The element template's field type: String, Dropdown or Hidden. */
    String type() {
        return type;
    }

    String defaultValue() {
        return defaultValue;
    }

    /** The dropdown's values in Modeler's order; empty for any other type. */
    List<String> choices() {
        return new ArrayList<>(choices.keySet());
    }

    String pattern() {
        return pattern;
    }

    boolean isNotEmpty() {
        return notEmpty;
    }
}
