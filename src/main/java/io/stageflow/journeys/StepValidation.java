package io.stageflow.journeys;

import java.util.List;

import org.camunda.bpm.engine.BpmnParseException;
import org.camunda.bpm.engine.impl.bpmn.parser.AbstractBpmnParseListener;
import org.camunda.bpm.engine.impl.bpmn.parser.BpmnParse;
import org.camunda.bpm.engine.impl.bpmn.parser.BpmnParseListener;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.persistence.entity.ProcessDefinitionEntity;
import org.camunda.bpm.engine.impl.pvm.process.ActivityImpl;
import org.camunda.bpm.engine.impl.pvm.process.ScopeImpl;
import org.camunda.bpm.engine.impl.util.xml.Element;
import org.springframework.stereotype.Component;

/**
 * Refuses a deployment with a Stageflow step that cannot run (a send step whose template does not exist or does
 * not parse or whose category is unknown, a set-stage step naming no stage, a check-segment step naming no
 * existing segment: whatever the step's {@link JourneyStep} finds), naming the element and the input, so a journey
 * can never reach production that would stall there. Runs on every deployment: changed files of
 * {@code bpmn/} at startup, and Camunda Modeler's deployments through {@code /engine-rest}. Unchanged files are
 * checked at startup by {@link JourneyDeployer}, since the engine does not parse them again.
 */
@Component
class StepValidation extends AbstractProcessEnginePlugin {

    private final StepRules rules;

    StepValidation(StepRules rules) {
        this.rules = rules;
    }

    @Override
    public void preInit(ProcessEngineConfigurationImpl configuration) {
        EngineHooks.addParseListenerOnce(configuration, validating);
    }

    private final BpmnParseListener validating = new AbstractBpmnParseListener() {
        @Override
        public void parseServiceTask(Element serviceTask, ScopeImpl scope, ActivityImpl activity) {
            validate(serviceTask, activity);
        }

        @Override
        public void parseProcess(Element process, ProcessDefinitionEntity definition) {
            String problem = StepRules.reentryProblem(definition.getKey(), camundaProperty(process, ReentryPolicy.PROPERTY));
            if (problem == null) {
                problem = TemplateVariables.problemWith(definition.getKey(),
                        camundaProperty(process, TemplateVariables.PROPERTY));
            }
            if (problem != null) {
                throw new BpmnParseException(problem, process);
            }
            validateSplits(process);
        }
    };

    /** The process's splits (their gateways and arrows), and no split condition on an arrow that leaves no split. */
    private static void validateSplits(Element process) {
        SplitStep.InFile splits = new SplitStep.InFile(process);
        for (SplitStep.Parsed split : splits.splits) {
            String problem = SplitStep.problemWith(split.drawn());
            if (problem != null) {
                throw new BpmnParseException(problem, split.element());
            }
        }
        String problem = SplitStep.problemWithAll(splits.splits.stream().map(SplitStep.Parsed::drawn).toList());
        if (problem != null) {
            throw new BpmnParseException(problem, splits.splits.get(0).element());
        }
        if (!splits.strayArrows.isEmpty()) {
            Element arrow = splits.strayArrows.get(0);
            throw new BpmnParseException(SplitStep.strayArrowProblem(arrow.attribute("id"), arrow.attribute("sourceRef")),
                    arrow);
        }
    }

    private void validate(Element serviceTask, ActivityImpl activity) {
        String problem = rules.problemWith(activity.getId(),
                serviceTask.attributeNS(BpmnParse.CAMUNDA_BPMN_EXTENSIONS_NS, "delegateExpression"),
                name -> inputParameter(serviceTask, name), inputParameterNames(serviceTask));
        if (problem != null) {
            throw new BpmnParseException(problem, serviceTask);
        }
    }

    /** The value of the Camunda extension property {@code name} of a BPMN element, or null. */
    static String camundaProperty(Element element, String name) {
        Element extensions = element.element("extensionElements");
        Element properties = extensions == null ? null
                : extensions.elementNS(BpmnParse.CAMUNDA_BPMN_EXTENSIONS_NS, "properties");
        if (properties == null) {
            return null;
        }
        for (Element property : properties.elementsNS(BpmnParse.CAMUNDA_BPMN_EXTENSIONS_NS, "property")) {
            if (name.equals(property.attribute("name"))) {
                return property.attribute("value");
            }
        }
        return null;
    }

    private static List<String> inputParameterNames(Element serviceTask) {
        Element extensions = serviceTask.element("extensionElements");
        Element inputOutput = extensions == null ? null
                : extensions.elementNS(BpmnParse.CAMUNDA_BPMN_EXTENSIONS_NS, "inputOutput");
        return inputOutput == null ? List.of()
                : inputOutput.elementsNS(BpmnParse.CAMUNDA_BPMN_EXTENSIONS_NS, "inputParameter").stream()
                        .map(parameter -> parameter.attribute("name")).toList();
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
