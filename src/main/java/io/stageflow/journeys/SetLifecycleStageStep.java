package io.stageflow.journeys;

import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import io.stageflow.customers.LifecycleStages;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/**
 * The "Set lifecycle stage" step ({@code ${setLifecycleStage}}, input parameters {@code stage} and {@code mode}:
 * {@code set} or {@code advance}): moves the journey's customer to that stage, in the step's transaction,
 * recording the journey and step as the cause and the instance as the reference. The stage must be one of the
 * installation's stages, checked when the journey is deployed.
 */
@Component("setLifecycleStage")
class SetLifecycleStageStep implements JourneyStep, JavaDelegate {

    /** {@code set} (the default: whatever the stage was) or {@code advance} (only forward): whether only forward. */
    static final StepInput<Boolean> MODE = StepInput.dropdown("mode", "set",
            Map.entry("set", Boolean.FALSE), Map.entry("advance", Boolean.TRUE));

    private final LifecycleStages stages;
    private final StepInput<String> stage;

    SetLifecycleStageStep(LifecycleStages stages) {
        this.stages = stages;
        this.stage = StepInput.oneOf("stage", "ENGAGEMENT", stages.stages());
    }

    @Override
    public String templateId() {
        return "io.stageflow.setLifecycleStage";
    }

    /** Version 2 added {@code mode}; version 1 stays in the templates file so Modeler offers the update. */
    @Override
    public int templateVersion() {
        return 2;
    }

    @Override
    public String appliesTo() {
        return "bpmn:ServiceTask";
    }

    @Override
    public String beanName() {
        return "setLifecycleStage";
    }

    @Override
    public List<StepInput<?>> inputs() {
        return List.of(stage, MODE);
    }

    @Override
    public String problemWith(String stepId, UnaryOperator<String> inputs) {
        String problem = MODE.problemWith(inputs.apply(MODE.name()));
        if (problem == null) {
            problem = stage.problemWith(inputs.apply(stage.name()));
        }
        return problem == null ? null : "Set-stage step '" + stepId + "' " + problem;
    }

    @Override
    public void execute(DelegateExecution execution) {
        String name = stage.read(execution);
        String journey = StepRun.journeyKey(execution);
        String cause = "journey:" + journey + "/" + execution.getCurrentActivityId();
        if (MODE.read(execution)) {
            stages.advanceTo(execution.getProcessBusinessKey(), name, cause, execution.getProcessInstanceId());
        } else {
            stages.moveTo(execution.getProcessBusinessKey(), name, cause, execution.getProcessInstanceId());
        }
    }
}
