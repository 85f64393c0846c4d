package io.stageflow.journeys;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.function.UnaryOperator;

import io.stageflow.segments.Segments;

import org.springframework.stereotype.Component;

/**
 * What makes a Stageflow step runnable, asked of the registered {@link JourneyStep}s for the two times it is
 * checked: when Camunda parses a deployment (the Modeler's, or a changed file at startup) and when the application
 * starts with the journeys folder as it is, including files that are already deployed, against the templates,
 * stages, offers and segments as they are now. Segment files are loaded before this bean exists (the check-segment
 * step depends on {@link Segments}, which loads them when it starts), so a journey may use a file's segment.
 */
@Component
class StepRules {

    private final List<JourneyStep> steps;

    StepRules(List<JourneyStep> steps) {
        this.steps = List.copyOf(steps);
    }

    /**
     * Why the step cannot run, naming it and the input, or null when it can, or when it is no Stageflow step.
     *
     * @param inputs the step's raw input parameter by name (null when unset)
     */
    String problemWith(String stepId, String delegateExpression, UnaryOperator<String> inputs) {
        return problemWith(stepId, delegateExpression, inputs, List.of());
    }

    /**
     * As {@link #problemWith(String, String, UnaryOperator)}, and also refusing an input parameter the step does not
     * know ({@code templat} for {@code template}), which it would silently ignore.
     *
     * @param inputNames the names of all the step's input parameters, as written
     */
    String problemWith(String stepId, String delegateExpression, UnaryOperator<String> inputs,
            List<String> inputNames) {
        String delegate = delegateExpression == null ? "" : delegateExpression.strip();
        for (JourneyStep step : steps) {
            if (delegate.equals(step.expression()) && step.listenerEvent() != null) {
                return "Step '" + stepId + "' runs " + delegate + ", which is not a task's step: apply the template "
                        + step.templateId() + " to a " + step.appliesTo() + " instead";
            }
            if (delegate.equals(step.expression())) {
                List<String> known = step.inputs().stream()
                        .filter(input -> StepInput.INPUT_PARAMETER.equals(input.bindingType()))
                        .map(StepInput::name).toList();
                List<String> unknown = inputNames.stream().filter(name -> !known.contains(name)).toList();
                if (!unknown.isEmpty()) {
                    return "Step '" + stepId + "' has " + (unknown.size() == 1 ? "an input" : "inputs") + " its kind ("
                            + step.templateId() + ") does not know: " + String.join(", ", unknown)
                            + "; its inputs are " + String.join(", ", known);
                }
                return step.problemWith(stepId, inputs);
            }
        }
        return null;
    }

    /** The delegate expressions of Stageflow's own steps ({@code ${sendEmail}}): the only code a marketer's journey may run. */
    Set<String> stepExpressions() {
        return steps.stream().filter(step -> step.listenerEvent() == null).map(JourneyStep::expression)
                .filter(Objects::nonNull).collect(Collectors.toSet());
    }

    /**
     * The steps that run as an execution listener ({@code ${split}}), each with the event its template binds it to:
     * the only listeners a marketer's journey may have.
     */
    Map<String, String> listenerEvents() {
        return steps.stream().filter(step -> step.listenerEvent() != null && step.expression() != null)
                .collect(Collectors.toMap(JourneyStep::expression, JourneyStep::listenerEvent));
    }

    /** Why the journey's {@code reentry} property is unusable, or null when it is fine or unset. */
    static String reentryProblem(String journeyKey, String reentry) {
        try {
            ReentryPolicy.parse(reentry);
            return null;
        } catch (IllegalArgumentException e) {
            return "Journey '" + journeyKey + "': " + e.getMessage() + "; set the process property 'reentry' to one of them";
        }
    }
}
