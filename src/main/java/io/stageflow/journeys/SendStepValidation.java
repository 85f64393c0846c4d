package io.stageflow.journeys;

import java.util.ArrayList;

import io.stageflow.messaging.TemplateRenderer;

import org.camunda.bpm.engine.BpmnParseException;
import org.camunda.bpm.engine.impl.bpmn.parser.AbstractBpmnParseListener;
import org.camunda.bpm.engine.impl.bpmn.parser.BpmnParse;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.pvm.process.ActivityImpl;
import org.camunda.bpm.engine.impl.pvm.process.ScopeImpl;
import org.camunda.bpm.engine.impl.util.xml.Element;
import org.springframework.stereotype.Component;

/**
 * Refuses a deployment whose send step names a template that does not exist or does not parse, so a journey
 * can never reach production that would stall at its first email. Runs on every deployment: at startup for
 * {@code bpmn/}, and for Camunda Modeler's deployments through {@code /engine-rest}.
 */
@Component
class SendStepValidation extends AbstractProcessEnginePlugin {

    private static final String SEND_EMAIL = "${sendEmail}";

    private final TemplateRenderer templates;

    SendStepValidation(TemplateRenderer templates) {
        this.templates = templates;
    }

    @Override
    public void preInit(ProcessEngineConfigurationImpl configuration) {
        if (configuration.getCustomPostBPMNParseListeners() == null) {
            configuration.setCustomPostBPMNParseListeners(new ArrayList<>());
        }
        configuration.getCustomPostBPMNParseListeners().add(new AbstractBpmnParseListener() {
            @Override
            public void parseServiceTask(Element serviceTask, ScopeImpl scope, ActivityImpl activity) {
                validate(serviceTask, activity);
            }
        });
    }

    private void validate(Element serviceTask, ActivityImpl activity) {
        String delegate = serviceTask.attributeNS(BpmnParse.CAMUNDA_BPMN_EXTENSIONS_NS, "delegateExpression");
        if (!SEND_EMAIL.equals(delegate == null ? null : delegate.strip())) {
            return;
        }
        String template = inputParameter(serviceTask, "template");
        if (template == null || template.isBlank()) {
            throw new BpmnParseException("Send step '" + activity.getId()
                    + "' names no template: set its 'template' input parameter (Template key in Modeler)", serviceTask);
        }
        if (template.contains("${") || template.contains("#{")) {
            return; // chosen at run time: checked when the step runs
        }
        String quietHours = inputParameter(serviceTask, "quietHours");
        if (quietHours != null && !quietHours.strip().matches("respect|ignore")) {
            throw new BpmnParseException("Send step '" + activity.getId() + "' has quietHours '" + quietHours.strip()
                    + "'; use respect or ignore", serviceTask);
        }
        String problem = templates.problemWith(template.strip());
        if (problem != null) {
            throw new BpmnParseException("Send step '" + activity.getId() + "' uses template '" + template.strip()
                    + "', which cannot be sent: " + problem, serviceTask);
        }
    }

    private static String inputParameter(Element serviceTask, String name) {
        Element extensions = serviceTask.element("extensionElements");
        Element inputOutput = extensions == null ? null
                : extensions.elementNS(BpmnParse.CAMUNDA_BPMN_EXTENSIONS_NS, "inputOutput");
        if (inputOutput == null) {
            return null;
        }
        for (Element parameter : inputOutput.elementsNS(BpmnParse.CAMUNDA_BPMN_EXTENSIONS_NS, "inputParameter")) {
            if (name.equals(parameter.attribute("name"))) {
                return parameter.getText();
            }
        }
        return null;
    }
}
