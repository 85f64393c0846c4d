package io.stageflow.journeys;

import java.util.ArrayList;

import org.camunda.bpm.engine.impl.bpmn.parser.BpmnParseListener;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.history.handler.HistoryEventHandler;

/**
 * How Stageflow's engine plugins hook into the engine: BPMN parse listeners after Camunda's own, and history event
 * handlers beside the default one; each hook once, since plugins may be applied twice to one configuration.
 */
final class EngineHooks {

    private EngineHooks() {
    }

    static void addParseListenerOnce(ProcessEngineConfigurationImpl configuration, BpmnParseListener listener) {
        if (configuration.getCustomPostBPMNParseListeners() == null) {
            configuration.setCustomPostBPMNParseListeners(new ArrayList<>());
        }
        if (!configuration.getCustomPostBPMNParseListeners().contains(listener)) {
            configuration.getCustomPostBPMNParseListeners().add(listener);
        }
    }

    static void addHistoryHandlerOnce(ProcessEngineConfigurationImpl configuration, HistoryEventHandler handler) {
        if (configuration.getCustomHistoryEventHandlers() == null) {
            configuration.setCustomHistoryEventHandlers(new ArrayList<>());
        }
        if (!configuration.getCustomHistoryEventHandlers().contains(handler)) {
            configuration.getCustomHistoryEventHandlers().add(handler);
        }
    }
}
