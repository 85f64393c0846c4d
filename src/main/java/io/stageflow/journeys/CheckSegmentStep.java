package io.stageflow.journeys;

import java.util.List;
import java.util.function.UnaryOperator;

import io.stageflow.segments.Segments;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/**
 * The "Check segment" step ({@code ${checkSegment}}, input parameters {@code segment}, a segment key, and
 * {@code resultVariable}, default {@code inSegment}): asks whether the journey's customer is in the segment right
 * now and sets the answer as a boolean process variable, so the gateway after the step can branch on it. The
 * segment's existence is checked when the journey is deployed and again at every start.
 */
@Component("checkSegment")
class CheckSegmentStep implements JourneyStep, JavaDelegate {

    static final StepInput<String> SEGMENT = StepInput.text("segment").notEmpty().pattern("^[a-z0-9][a-z0-9-]*$");
    static final StepInput<String> RESULT_VARIABLE = StepInput.variableName("resultVariable", "inSegment");

    private final Segments segments;

    CheckSegmentStep(Segments segments) {
        this.segments = segments;
    }

    @Override
    public String templateId() {
        return "io.stageflow.checkSegment";
    }

    @Override
    public String appliesTo() {
        return "bpmn:ServiceTask";
    }

    @Override
    public String beanName() {
        return "checkSegment";
    }

    @Override
    public List<StepInput<?>> inputs() {
        return List.of(SEGMENT, RESULT_VARIABLE);
    }

    @Override
    public String problemWith(String stepId, UnaryOperator<String> inputs) {
        String problem = RESULT_VARIABLE.problemWith(inputs.apply(RESULT_VARIABLE.name()));
        if (problem != null) {
            return "Check-segment step '" + stepId + "' " + problem;
        }
        String segment = SEGMENT.parse(inputs.apply(SEGMENT.name()));
        if (segment == null) {
            return "Check-segment step '" + stepId + "' names no segment: set its 'segment' input parameter (Segment key in Modeler)";
        }
        if (!Segments.isValidKey(segment)) {
            return "Check-segment step '" + stepId + "' has segment '" + segment
                    + "'; a segment key is lower-case letters, digits and hyphens, such as vip-lapsed";
        }
        return segments.exists(segment) ? null
                : "Check-segment step '" + stepId + "' uses segment '" + segment + "', which does not exist: "
                        + "add segments/" + segment + ".json or create it with POST /api/v1/segments";
    }

    @Override
    public void execute(DelegateExecution execution) {
        String segment = SEGMENT.read(execution);
        if (segment == null || !segments.exists(segment)) {
            throw new IllegalStateException("Step " + execution.getCurrentActivityId() + " checks segment '" + segment
                    + "', which does not exist");
        }
        boolean in = segments.contains(segment, execution.getProcessBusinessKey());
        // On the process instance, not the step's own scope (it has input parameters), so the gateway sees it.
        execution.getProcessInstance().setVariable(RESULT_VARIABLE.read(execution), in);
    }
}
