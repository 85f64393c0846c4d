package io.stageflow.journeys;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.camunda.bpm.engine.BpmnParseException;
import org.camunda.bpm.engine.impl.bpmn.parser.AbstractBpmnParseListener;
import org.camunda.bpm.engine.impl.bpmn.parser.BpmnParseListener;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.interceptor.CommandContext;
import org.camunda.bpm.engine.impl.persistence.entity.ProcessDefinitionEntity;
import org.camunda.bpm.engine.impl.util.xml.Element;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.stereotype.Component;

/**
 * What a journey deployed by a marketer may run. A BPMN file is code: a script task, a listener class or an
 * expression naming a Spring bean ({@code ${jdbcTemplate.execute(…)}}) runs with the application's rights. An admin's
 * deployment (group {@code camunda-admin}) and the journeys folder at start-up are trusted, as before; a deployment
 * by anyone else (a marketer, from the console or Camunda Modeler) may only use Stageflow's own steps and plain
 * expressions over the journey's variables: no scripts, listeners, classes, connectors or method calls (but
 * {@code execution.hasVariable('name')} and {@code getVariable}, as the catalogue's journeys use), and no expression
 * that reaches a bean or the engine. The one listener allowed is a step's own, as its template writes it (the split's
 * start listener {@code ${split}} on its gateway), with nothing else in it. Checked when Camunda parses the file, before anything of it runs
 * (a timer's expression is evaluated when the deployment schedules it, after the parse); a file that breaks a rule
 * is refused whole, naming the element and the rule.
 */
@Component
class DeploymentPolicy extends AbstractProcessEnginePlugin {

    /** Elements that run code of their own. */
    private static final Set<String> CODE_ELEMENTS = Set.of("scriptTask", "script", "executionListener",
            "taskListener", "connector");
    /** Camunda attributes that name code: a class, a free expression, a script resource, a mapping class. */
    private static final Set<String> CODE_ATTRIBUTES = Set.of("class", "expression", "resource",
            "variableMappingClass", "variableMappingDelegateExpression", "type");
    /** What the engine puts in scope besides variables and beans, each a way into the engine. */
    private static final Set<String> ENGINE_NAMES = Set.of("execution", "task", "connector", "variableScope",
            "caseExecution", "processEngine", "processEngineServices", "externalTask", "dateTime", "currentUser",
            "currentUserGroups");
    private static final Set<String> EL_KEYWORDS = Set.of("and", "or", "not", "eq", "ne", "lt", "gt", "le", "ge",
            "true", "false", "null", "empty", "div", "mod", "instanceof");
    private static final Pattern EXPRESSION = Pattern.compile("[$#]\\{(.*?)}", Pattern.DOTALL);
    /** The engine calls a journey may make: whether it has a variable, and its value ({@code execution.hasVariable('score')}). */
    private static final Pattern VARIABLE_CALL = Pattern.compile(
            "execution\\s*\\.\\s*(?:hasVariable|getVariable)\\s*\\(\\s*(?:'[\\w.-]*'|\"[\\w.-]*\")\\s*\\)");
    private static final Pattern STRING_LITERAL = Pattern.compile("'(?:[^'\\\\]|\\\\.)*'|\"(?:[^\"\\\\]|\\\\.)*\"");
    private static final Pattern ROOT_IDENTIFIER = Pattern.compile("(?<![\\w.])([A-Za-z_$][\\w$]*)");

    private final StepRules rules;
    private final ListableBeanFactory beans;

    DeploymentPolicy(StepRules rules, ListableBeanFactory beans) {
        this.rules = rules;
        this.beans = beans;
    }

    @Override
    public void preInit(ProcessEngineConfigurationImpl configuration) {
        EngineHooks.addParseListenerOnce(configuration, checking);
    }

    private final BpmnParseListener checking = new AbstractBpmnParseListener() {
        @Override
        public void parseRootElement(Element root, List<ProcessDefinitionEntity> definitions) {
            if (!trusted()) {
                refuseCode(root);
            }
        }
    };

    /**
     * The same rules for every file, whoever gives it: a simulation runs a journey in an engine of its own inside the
     * application, where a script or a class would run with the application's rights all the same.
     */
    final BpmnParseListener enforcing = new AbstractBpmnParseListener() {
        @Override
        public void parseRootElement(Element root, List<ProcessDefinitionEntity> definitions) {
            refuseCode(root);
        }
    };

    private void refuseCode(Element root) {
        {
            List<Fault> faults = new ArrayList<>();
            walk(root, faults);
            if (!faults.isEmpty()) {
                throw new BpmnParseException("Not deployed: a journey deployed by a marketer may use only Stageflow's"
                        + " steps and plain expressions over its variables (docs/security.md). "
                        + faults.get(0).message() + (faults.size() > 1 ? " (and " + (faults.size() - 1) + " more)" : ""),
                        faults.get(0).element());
            }
        }
    }

    /** A rule an element breaks. */
    private record Fault(Element element, String message) {
    }

    /** Whether the deployment is an admin's, or the application's own (the journeys folder): no one logged in. */
    static boolean trusted() {
        CommandContext command = Context.getCommandContext();
        if (command == null || command.getAuthenticatedUserId() == null) {
            return true;
        }
        List<String> groups = command.getAuthenticatedGroupIds();
        return groups != null && groups.contains(EngineSecurityConfiguration.ADMIN_GROUP);
    }

    private void walk(Element element, List<Fault> problems) {
        String where = describe(element);
        String tag = element.getTagName();
        if (isStepListener(element)) {
            return; // a Stageflow step's own listener, exactly as its template writes it, and nothing else
        }
        if (CODE_ELEMENTS.contains(tag)) {
            flag(problems, element, where + " runs code (" + tag + ")");
        }
        if ("conditionExpression".equals(tag) && element.attribute("language") != null) {
            flag(problems, element, where + " is a script condition (language " + element.attribute("language") + ")");
        }
        for (String name : element.attributes()) {
            String local = name.substring(name.lastIndexOf(':') + 1);
            boolean camunda = name.contains("camunda") || name.contains("activiti");
            String value = element.attribute(name);
            if (camunda && CODE_ATTRIBUTES.contains(local)) {
                flag(problems, element, where + " names code (camunda:" + local + ")");
            } else if (camunda && "delegateExpression".equals(local)) {
                if (!rules.stepExpressions().contains(value == null ? "" : value.strip())) {
                    flag(problems, element, where + " runs " + value + ", which is not one of Stageflow's steps");
                }
            } else if (value != null) {
                String problem = expressionProblem(value);
                if (problem != null) {
                    flag(problems, element, where + ", attribute " + local + ": " + problem);
                }
            }
        }
        if (element.elements().isEmpty() && element.getText() != null) {
            String problem = expressionProblem(element.getText());
            if (problem != null) {
                flag(problems, element, where + ": " + problem);
            }
        }
        for (Element child : element.elements()) {
            walk(child, problems);
        }
    }

    /**
     * Whether the element is the execution listener a Stageflow step's template sets up (the split's
     * {@code <camunda:executionListener event="start" delegateExpression="${split}"/>}): those two attributes with the
     * step's event and expression, and no fields, script or text. Any other listener is code.
     */
    private boolean isStepListener(Element element) {
        if (!"executionListener".equals(element.getTagName()) || !element.elements().isEmpty()
                || (element.getText() != null && !element.getText().isBlank())) {
            return false;
        }
        Set<String> attributes = new java.util.HashSet<>();
        element.attributes().forEach(name -> attributes.add(name.substring(name.lastIndexOf(':') + 1)));
        if (!attributes.equals(Set.of("event", "delegateExpression"))) {
            return false;
        }
        String expression = element.attribute("delegateExpression");
        String event = rules.listenerEvents().get(expression == null ? "" : expression.strip());
        return event != null && event.equals(element.attribute("event"));
    }

    private static void flag(List<Fault> faults, Element element, String problem) {
        faults.add(new Fault(element, problem));
    }

    /** Why an expression in this text reaches beyond the journey's variables, or null when it does not. */
    String expressionProblem(String text) {
        Matcher expressions = EXPRESSION.matcher(text);
        while (expressions.find()) {
            String body = STRING_LITERAL.matcher(VARIABLE_CALL.matcher(expressions.group(1)).replaceAll("true"))
                    .replaceAll("''");
            if (body.contains("(")) {
                return "the expression " + expressions.group() + " calls a method or function";
            }
            Matcher identifiers = ROOT_IDENTIFIER.matcher(body);
            while (identifiers.find()) {
                String name = identifiers.group(1);
                if (EL_KEYWORDS.contains(name.toLowerCase(Locale.ROOT))) {
                    continue;
                }
                if (ENGINE_NAMES.contains(name) || beans.containsBean(name)) {
                    return "the expression " + expressions.group() + " reaches '" + name
                            + "', which is the engine's or the application's, not a journey variable";
                }
            }
        }
        return null;
    }

    private static String describe(Element element) {
        String id = element.attribute("id");
        return element.getTagName() + (id == null ? "" : " '" + id + "'") + " (line " + element.getLine() + ")";
    }
}
