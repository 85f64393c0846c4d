package io.stageflow.journeys;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.model.bpmn.instance.Process;
import org.camunda.bpm.model.xml.instance.ModelElementInstance;

/**
 * Who a Stageflow step runs for and which run it is: the journey key, and the key of this run of the step
 * (instance, step, loop counter) that makes its side effects idempotent, so that a retried job or a step that
 * runs again queues no second email and reserves no second coupon.
 */
final class StepRun {

    private StepRun() {
    }

    /** Instance, step and loop counter: the same for every attempt of one run of the step. */
    static String key(DelegateExecution execution) {
        Object loopCounter = execution.getVariable("loopCounter");
        return execution.getProcessInstanceId() + ":" + execution.getCurrentActivityId() + ":"
                + (loopCounter == null ? 0 : loopCounter);
    }

    /** The id of the process the step belongs to, which is the journey's key. */
    static String journeyKey(DelegateExecution execution) {
        for (ModelElementInstance element = execution.getBpmnModelElementInstance(); element != null;
                element = element.getParentElement()) {
            if (element instanceof Process process) {
                return process.getId();
            }
        }
        return null;
    }
}
