package io.stageflow.journeys;

import io.stageflow.customers.LifecycleStages;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/**
 * The "Set lifecycle stage" step ({@code ${setLifecycleStage}}, input parameters {@code stage} and {@code mode}:
 * {@code set} or {@code advance}): moves the journey's customer to that stage, in the step's transaction, recording the journey and step as the cause
 * and the instance as the reference. The stage name is checked when the journey is deployed.
 */
@Component("setLifecycleStage")
class SetLifecycleStageDelegate implements JavaDelegate {

    static final String EXPRESSION = "${setLifecycleStage}";

    private final LifecycleStages stages;

    SetLifecycleStageDelegate(LifecycleStages stages) {
        this.stages = stages;
    }

    @Override
    public void execute(DelegateExecution execution) {
        Object stage = execution.getVariableLocal("stage");
        if (!(stage instanceof String name) || !stages.isStage(name.strip())) {
            throw new IllegalStateException("Step " + execution.getCurrentActivityId() + " has stage '" + stage
                    + "'; use one of " + stages.stages());
        }
        String journey = StepRun.journeyKey(execution);
        String cause = "journey:" + journey + "/" + execution.getCurrentActivityId();
        if (isAdvanceOnly(execution)) {
            stages.advanceTo(execution.getProcessBusinessKey(), name.strip(), cause, execution.getProcessInstanceId());
        } else {
            stages.moveTo(execution.getProcessBusinessKey(), name.strip(), cause, execution.getProcessInstanceId());
        }
    }

    /** Input {@code mode}: {@code set} (the default: whatever the stage was) or {@code advance} (only forward). */
    private static boolean isAdvanceOnly(DelegateExecution execution) {
        Object mode = execution.getVariableLocal("mode");
        return mode != null && "advance".equalsIgnoreCase(mode.toString().strip());
    }
}
