package io.stageflow.journeys;

import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.VariableScope;
import org.camunda.bpm.model.bpmn.instance.Process;
import org.camunda.bpm.model.xml.instance.ModelElementInstance;

/**
 * The journey variables a journey shows its emails' templates as {@code $journey.<name>}, declared per journey as the
 * process extension property {@value #PROPERTY} (names separated by commas or spaces, such as
 * {@code orderId, category}). Only what the marketer names there reaches a template: an engine variable is otherwise
 * invisible to the copy. The send step captures the values when it queues the email ({@link #capture}), so a render
 * retried later shows what the step saw.
 */
final class TemplateVariables {

    static final String PROPERTY = "templateVariables";
    /** How many variables one journey may expose: the outbox keeps them next to each email. */
    static final int MAX_NAMES = 8;
    /** A text longer than this is cut: what a template shows is a name or an id, never a document. */
    static final int MAX_TEXT = 400;

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
    private static final Pattern SEPARATORS = Pattern.compile("[,\\s]+");

    private TemplateVariables() {
    }

    /** The names in the property's value, in order, each once; empty for none. Check {@link #problemWith} first. */
    static List<String> parse(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        Set<String> names = new LinkedHashSet<>();
        for (String name : SEPARATORS.split(value.strip())) {
            if (!name.isEmpty()) {
                names.add(name);
            }
        }
        return List.copyOf(names);
    }

    /**
     * The names the journey of this running step declares, read from its process model (which the engine keeps
     * parsed per version); empty when the step is not inside a process model.
     */
    static List<String> declaredFor(DelegateExecution execution) {
        ModelElementInstance element = execution.getBpmnModelElementInstance();
        while (element != null && !(element instanceof Process)) {
            element = element.getParentElement();
        }
        return element == null ? List.of()
                : parse(JourneyModels.processProperty((Process) element, PROPERTY));
    }

    /** Why the journey's {@value #PROPERTY} property is unusable, or null when it is fine or unset. */
    static String problemWith(String journeyKey, String value) {
        List<String> names = parse(value);
        for (String name : names) {
            if (!NAME.matcher(name).matches()) {
                return "Journey '" + journeyKey + "': '" + name + "' in the process property '" + PROPERTY
                        + "' is not a variable name; use 1 to 64 letters, digits or underscores, starting with a"
                        + " letter or underscore, separated by commas";
            }
            if (name.equals("key")) {
                return "Journey '" + journeyKey + "': the process property '" + PROPERTY + "' cannot name 'key': "
                        + "$journey.key is the journey's own key";
            }
        }
        if (names.size() > MAX_NAMES) {
            return "Journey '" + journeyKey + "': the process property '" + PROPERTY + "' names " + names.size()
                    + " variables; a journey may show its templates at most " + MAX_NAMES;
        }
        return null;
    }

    /**
     * The named variables' values as the step sees them now: texts (cut at {@value #MAX_TEXT} characters), numbers,
     * true or false, and dates as ISO-8601 instants. A variable that is not set, is null or holds anything else (a
     * list, an object) is left out, and the template sees no such entry.
     */
    static Map<String, Object> capture(VariableScope scope, List<String> names) {
        Map<String, Object> captured = new LinkedHashMap<>();
        for (String name : names) {
            Object value = scope.getVariable(name);
            if (value instanceof String text) {
                captured.put(name, text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT));
            } else if (value instanceof Number || value instanceof Boolean) {
                captured.put(name, value);
            } else if (value instanceof Date date) {
                captured.put(name, date.toInstant().toString());
            } else if (value instanceof Instant instant) {
                captured.put(name, instant.toString());
            }
        }
        return captured;
    }
}
