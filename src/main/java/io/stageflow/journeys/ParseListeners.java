package io.stageflow.journeys;

import java.util.ArrayList;

import org.camunda.bpm.engine.impl.bpmn.parser.BpmnParseListener;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;

/**
 * How Stageflow's engine plugins hook into BPMN parsing: after Camunda's own listeners, and each listener once, since
 * plugins may be applied twice to one configuration.
 */
final class ParseListeners {

    private ParseListeners() {
    }

    static void addOnce(ProcessEngineConfigurationImpl configuration, BpmnParseListener listener) {
        if (configuration.getCustomPostBPMNParseListeners() == null) {
            configuration.setCustomPostBPMNParseListeners(new ArrayList<>());
        }
        if (!configuration.getCustomPostBPMNParseListeners().contains(listener)) {
            configuration.getCustomPostBPMNParseListeners().add(listener);
        }
    }
}
