package io.stageflow.journeys;

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
class CheckSegmentDelegate implements JavaDelegate {

    static final String EXPRESSION = "${checkSegment}";
    static final String DEFAULT_RESULT = "inSegment";
    static final String VARIABLE_NAME = "[A-Za-z_][A-Za-z0-9_]{0,63}";

    private final Segments segments;

    CheckSegmentDelegate(Segments segments) {
        this.segments = segments;
    }

    @Override
    public void execute(DelegateExecution execution) {
        Object segment = execution.getVariableLocal("segment");
        if (!(segment instanceof String key) || !segments.exists(key.strip())) {
            throw new IllegalStateException("Step " + execution.getCurrentActivityId() + " checks segment '" + segment
                    + "', which does not exist");
        }
        boolean in = segments.contains(key.strip(), execution.getProcessBusinessKey());
        // On the process instance, not the step's own scope (it has input parameters), so the gateway sees it.
        execution.getProcessInstance().setVariable(resultVariable(execution), in);
    }

    private static String resultVariable(DelegateExecution execution) {
        Object name = execution.getVariableLocal("resultVariable");
        return name == null || name.toString().isBlank() ? DEFAULT_RESULT : name.toString().strip();
    }
}
