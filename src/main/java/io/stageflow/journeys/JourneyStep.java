package io.stageflow.journeys;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * One kind of Stageflow step, in one class: the element template Modeler shows for it, the delegate bean its
 * template's {@code delegateExpression} names (the class itself, a {@code JavaDelegate} registered under that
 * name), its inputs with their parsing, what makes it runnable (checked when a journey is deployed and at every
 * start, by {@link StepRules}), and what it does when it runs. Steps the engine runs itself (a wait, a user task)
 * only declare their template. Every registered step is held against {@code bpmn/.camunda/element-templates/} by
 * a test, so the file Modeler reads and the code cannot drift apart.
 */
interface JourneyStep {

    /** The element template's id, such as {@code io.stageflow.sendEmail}. */
    String templateId();

    /** The element template's version; a new version is a new entry in the file next to the old one. */
    default int templateVersion() {
        return 1;
    }

    /** The BPMN element type the template applies to, such as {@code bpmn:ServiceTask}. */
    String appliesTo();

    /** The name of the delegate bean that runs the step, or null when the engine runs it itself. */
    default String beanName() {
        return null;
    }

    /** The template's {@code camunda:delegateExpression}, {@code ${beanName}}, or null. */
    default String expression() {
        return beanName() == null ? null : "${" + beanName() + "}";
    }

    /**
     * The execution-listener event on which the engine calls the bean ({@code start}) when the step is a listener on
     * its element rather than a task's delegate, as the split on an exclusive gateway is; null for a delegate. The
     * template binds the listener ({@code camunda:executionListener} with {@code delegateExpression} {@code ${beanName}}).
     */
    default String listenerEvent() {
        return null;
    }

    /** Every field the template sets besides the delegate expression (or listener), in the template's order. */
    List<StepInput<?>> inputs();

    /**
     * Why a step of this kind with these inputs cannot run, naming the step and the input, or null when it can.
     *
     * @param inputs the step's raw input parameter by name (null when unset)
     */
    default String problemWith(String stepId, UnaryOperator<String> inputs) {
        return null;
    }
}
