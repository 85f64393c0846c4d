package io.stageflow.journeys;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.instance.FlowNode;
import org.camunda.bpm.model.bpmn.instance.Process;
import org.camunda.bpm.model.bpmn.instance.ServiceTask;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaInputOutput;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaInputParameter;
import org.camunda.bpm.model.xml.ModelException;
import org.springframework.stereotype.Component;

/**
 * Checks every Stageflow step of the journey files against the templates, stages, offers, segments and categories
 * as they are now, with the same {@link StepRules} as a deployment. The engine only parses a
 * file when it changed, so without this an already deployed journey whose template was since deleted or broken
 * would start, and fail at its first email instead of at startup.
 */
@Component
class JourneyFolderCheck {

    private final StepRules rules;

    JourneyFolderCheck(StepRules rules) {
        this.rules = rules;
    }

    /** One line per problem, naming the file, the step and the template; empty when every step can send. */
    List<String> problems(Path file, String resourceName) {
        if (!file.toString().endsWith(".bpmn")) {
            return List.of();
        }
        BpmnModelInstance model;
        try (InputStream in = Files.newInputStream(file)) {
            model = Bpmn.readModelFromStream(in);
        } catch (IOException | ModelException e) {
            return List.of(resourceName + ": not a readable BPMN file: " + e.getMessage());
        }
        List<String> problems = new ArrayList<>();
        for (Process process : model.getModelElementsByType(Process.class)) {
            String problem = StepRules.reentryProblem(process.getId(), JourneyModels.reentryValue(process));
            if (problem == null) {
                problem = TemplateVariables.problemWith(process.getId(),
                        JourneyModels.processProperty(process, TemplateVariables.PROPERTY));
            }
            if (problem != null) {
                problems.add(resourceName + ": " + problem);
            }
        }
        SplitStep.problemsIn(model.getModelElementsByType(FlowNode.class))
                .forEach(problem -> problems.add(resourceName + ": " + problem));
        for (ServiceTask task : model.getModelElementsByType(ServiceTask.class)) {
            String problem = rules.problemWith(task.getId(), task.getCamundaDelegateExpression(),
                    name -> input(task, name), inputNames(task));
            if (problem != null) {
                problems.add(resourceName + ": " + problem);
            }
        }
        return problems;
    }

    private static List<String> inputNames(ServiceTask task) {
        if (task.getExtensionElements() == null) {
            return List.of();
        }
        return task.getExtensionElements().getElementsQuery().filterByType(CamundaInputOutput.class).list().stream()
                .flatMap(io -> io.getCamundaInputParameters().stream())
                .map(CamundaInputParameter::getCamundaName).toList();
    }

    private static String input(ServiceTask task, String name) {
        if (task.getExtensionElements() == null) {
            return null;
        }
        return task.getExtensionElements().getElementsQuery().filterByType(CamundaInputOutput.class).list().stream()
                .flatMap(io -> io.getCamundaInputParameters().stream())
                .filter(parameter -> name.equals(parameter.getCamundaName()))
                .map(CamundaInputParameter::getTextContent)
                .findFirst().orElse(null);
    }
}
