package io.stageflow.segments;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import io.stageflow.customers.LifecycleProperties;
import io.stageflow.web.FieldViolation;

import org.springframework.stereotype.Component;

/**
 * Turns a segment's JSON ({@code key}, {@code name}, {@code rule}) into a {@link SegmentDefinition}, or lists every
 * problem with the path a marketer can find it by ({@code rule.all[1].value}). The same checks apply to the API and
 * to segment files, so a file can never hold a rule the API would refuse.
 */
@Component
class RuleParser {

    static final String KEY_RULE = "must be 1 to 64 lower-case letters, digits or hyphens, starting with a letter or digit";
    static final int MAX_DEPTH = 10;
    static final int MAX_CONDITIONS = 100;
    static final int MAX_IN_VALUES = 500;
    static final int MAX_DAYS = 36_500;

    private static final Set<String> SEGMENT_KEYS = Set.of("key", "name", "rule");
    private static final Set<String> CONDITION_KEYS = Set.of("field", "op", "value");

    private final LifecycleProperties stages;

    RuleParser(LifecycleProperties stages) {
        this.stages = stages;
    }

    static boolean isValidKey(String key) {
        return key != null && key.matches("[a-z0-9][a-z0-9-]{0,63}");
    }

    /** The whole segment; throws {@link InvalidSegmentException} naming every problem. */
    SegmentDefinition segment(JsonNode json) {
        List<FieldViolation> problems = new ArrayList<>();
        if (json == null || !json.isObject()) {
            throw new InvalidSegmentException(List.of(new FieldViolation("", "must be a JSON object with key, name and rule")));
        }
        json.fieldNames().forEachRemaining(name -> {
            if (!SEGMENT_KEYS.contains(name)) {
                problems.add(new FieldViolation(name, "is not a known field; a segment has key, name and rule"));
            }
        });
        String key = json.path("key").isTextual() ? json.path("key").textValue() : null;
        if (!isValidKey(key)) {
            problems.add(new FieldViolation("key", KEY_RULE));
        }
        String name = json.path("name").isTextual() ? json.path("name").textValue().strip() : null;
        if (name == null || name.isEmpty() || name.length() > 200) {
            problems.add(new FieldViolation("name", "must be a text of 1 to 200 characters"));
        }
        Rule rule = null;
        if (!json.has("rule")) {
            problems.add(new FieldViolation("rule", "is required: a condition, or all, any or not"));
        } else {
            rule = rule(json.get("rule"), "rule", 1, problems, new int[] {0});
        }
        if (!problems.isEmpty()) {
            throw new InvalidSegmentException(problems);
        }
        return new SegmentDefinition(key, name, json.get("rule"), rule);
    }

    /** A stored rule, valid when it was saved; parsed again in case the stage model changed since. */
    Rule rule(JsonNode json) {
        List<FieldViolation> problems = new ArrayList<>();
        Rule rule = rule(json, "rule", 1, problems, new int[] {0});
        if (!problems.isEmpty()) {
            throw new InvalidSegmentException(problems);
        }
        return rule;
    }

    private Rule rule(JsonNode json, String path, int depth, List<FieldViolation> problems, int[] conditions) {
        if (!json.isObject()) {
            problems.add(new FieldViolation(path, "must be an object: a condition {field, op, value}, or all, any or not"));
            return null;
        }
        if (depth > MAX_DEPTH) {
            problems.add(new FieldViolation(path, "nests too deep; at most " + MAX_DEPTH + " levels"));
            return null;
        }
        List<String> names = new ArrayList<>();
        json.fieldNames().forEachRemaining(names::add);
        if (names.size() == 1 && Set.of("all", "any", "not").contains(names.get(0))) {
            String combinator = names.get(0);
            JsonNode inner = json.get(combinator);
            if (combinator.equals("not")) {
                Rule negated = rule(inner, path + ".not", depth + 1, problems, conditions);
                return negated == null ? null : new Rule.Not(negated);
            }
            if (!inner.isArray() || inner.isEmpty()) {
                problems.add(new FieldViolation(path + "." + combinator, "must be a list of at least one rule"));
                return null;
            }
            List<Rule> rules = new ArrayList<>();
            for (int i = 0; i < inner.size(); i++) {
                rules.add(rule(inner.get(i), path + "." + combinator + "[" + i + "]", depth + 1, problems, conditions));
            }
            if (rules.contains(null)) {
                return null;
            }
            return combinator.equals("all") ? new Rule.All(List.copyOf(rules)) : new Rule.Any(List.copyOf(rules));
        }
        for (String name : names) {
            if (!CONDITION_KEYS.contains(name)) {
                problems.add(new FieldViolation(path + "." + name, Set.of("all", "any", "not").contains(name)
                        ? "must be the only key of its object" : "is not a known key; a rule is {field, op, value}, or all, any or not"));
                return null;
            }
        }
        if (++conditions[0] > MAX_CONDITIONS) {
            if (conditions[0] == MAX_CONDITIONS + 1) {
                problems.add(new FieldViolation(path, "is one condition too many; a rule has at most " + MAX_CONDITIONS));
            }
            return null;
        }
        return condition(json, path, problems);
    }

    private Rule condition(JsonNode json, String path, List<FieldViolation> problems) {
        if (!json.path("field").isTextual()) {
            problems.add(new FieldViolation(path + ".field", "is required: one of " + SegmentField.KNOWN));
            return null;
        }
        SegmentField.Parsed parsed = SegmentField.parse(json.get("field").textValue());
        if (parsed.field().isEmpty()) {
            problems.add(new FieldViolation(path + ".field", parsed.problem()));
            return null;
        }
        SegmentField field = parsed.field().get();
        String spelling = json.get("field").textValue();
        if (!json.path("op").isTextual()) {
            problems.add(new FieldViolation(path + ".op", "is required: one of " + Operator.names()));
            return null;
        }
        Operator op = Operator.of(json.get("op").textValue()).orElse(null);
        if (op == null) {
            problems.add(new FieldViolation(path + ".op", "'" + json.get("op").textValue()
                    + "' is not a known operator; use one of " + Operator.names()));
            return null;
        }
        if (!field.kind().operators().contains(op)) {
            problems.add(new FieldViolation(path + ".op", "'" + op.json() + "' does not apply to " + spelling + "; use one of "
                    + String.join(", ", field.kind().operators().stream().map(Operator::json).toList())));
            return null;
        }
        String valuePath = path + ".value";
        JsonNode value = json.get("value");
        if (op == Operator.EXISTS) {
            if (value == null || value.isBoolean()) {
                return new Rule.Condition(field, op, value == null || value.booleanValue());
            }
            problems.add(new FieldViolation(valuePath, "must be true or false for exists (or left out: true)"));
            return null;
        }
        if (value == null || value.isNull()) {
            problems.add(new FieldViolation(valuePath, "is required for " + op.json()));
            return null;
        }
        Object typed = op == Operator.IN ? list(field, value, valuePath, problems) : single(field, op, value, valuePath, problems);
        return typed == null ? null : new Rule.Condition(field, op, typed);
    }

    private List<Object> list(SegmentField field, JsonNode value, String path, List<FieldViolation> problems) {
        if (!value.isArray() || value.isEmpty() || value.size() > MAX_IN_VALUES) {
            problems.add(new FieldViolation(path, "must be a list of 1 to " + MAX_IN_VALUES + " values for in"));
            return null;
        }
        List<Object> values = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            Object item = single(field, Operator.IN, value.get(i), path + "[" + i + "]", problems);
            if (item == null) {
                return null;
            }
            if (!values.isEmpty() && values.get(0).getClass() != item.getClass()) {
                problems.add(new FieldViolation(path + "[" + i + "]", "must be of the same type as the first value"));
                return null;
            }
            values.add(item);
        }
        return List.copyOf(values);
    }

    private Object single(SegmentField field, Operator op, JsonNode value, String path, List<FieldViolation> problems) {
        switch (field.kind()) {
            case STAGE -> {
                if (value.isTextual() && stages.stages().contains(value.textValue())) {
                    return value.textValue();
                }
                problems.add(new FieldViolation(path, "must be a lifecycle stage, one of " + stages.stages()));
            }
            case CONSENT -> {
                if (value.isBoolean()) {
                    return value.booleanValue();
                }
                problems.add(new FieldViolation(path, "must be true or false"));
            }
            case ORDER_COUNT -> {
                if (value.isIntegralNumber()) {
                    return value.decimalValue();
                }
                problems.add(new FieldViolation(path, "must be a whole number"));
            }
            case ORDER_TOTAL -> {
                if (value.isNumber()) {
                    return value.decimalValue();
                }
                problems.add(new FieldViolation(path, "must be a number"));
            }
            case LAST_ORDER_DAYS, EVENT_DAYS -> {
                if (value.isIntegralNumber() && value.canConvertToInt() && value.intValue() >= 0 && value.intValue() <= MAX_DAYS) {
                    return value.decimalValue();
                }
                problems.add(new FieldViolation(path, "must be a whole number of days from 0 to " + MAX_DAYS));
            }
            case PREDICTED -> {
                if (value.isNumber()) {
                    return value.decimalValue();
                }
                problems.add(new FieldViolation(path, "must be a number"));
            }
            case RFM -> {
                if (value.isIntegralNumber() && value.canConvertToInt() && value.intValue() >= 1 && value.intValue() <= 5) {
                    return value.decimalValue();
                }
                problems.add(new FieldViolation(path, "must be a whole number from 1 to 5 (a quintile)"));
            }
            case TRAIT -> {
                return trait(op, value, path, problems);
            }
        }
        return null;
    }

    private static Object trait(Operator op, JsonNode value, String path, List<FieldViolation> problems) {
        if (op.isOrdering()) {
            if (value.isNumber()) {
                return value.decimalValue();
            }
            problems.add(new FieldViolation(path, "must be a number for " + op.json()));
        } else if (op == Operator.CONTAINS) {
            if (value.isTextual() && !value.textValue().isEmpty()) {
                return value.textValue();
            }
            problems.add(new FieldViolation(path, "must be a non-empty text for contains"));
        } else if (value.isTextual()) {
            return value.textValue();
        } else if (value.isNumber()) {
            return value.decimalValue();
        } else if (value.isBoolean() && op != Operator.IN) {
            return value.booleanValue();
        } else {
            problems.add(new FieldViolation(path, op == Operator.IN ? "must be a text or a number"
                    : "must be a text, a number, true or false"));
        }
        return null;
    }
}
