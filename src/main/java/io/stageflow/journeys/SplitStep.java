package io.stageflow.journeys;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.stageflow.experiments.ExperimentAssignments;
import io.stageflow.experiments.ExperimentAssignments.Assignment;
import io.stageflow.experiments.ExperimentAssignments.Split;
import io.stageflow.experiments.ExperimentAssignments.Variant;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.camunda.bpm.engine.delegate.VariableScope;
import org.camunda.bpm.engine.impl.bpmn.parser.BpmnParse;
import org.camunda.bpm.engine.impl.util.xml.Element;
import org.camunda.bpm.model.bpmn.instance.BaseElement;
import org.camunda.bpm.model.bpmn.instance.ExclusiveGateway;
import org.camunda.bpm.model.bpmn.instance.FlowElement;
import org.camunda.bpm.model.bpmn.instance.FlowNode;
import org.camunda.bpm.model.bpmn.instance.SequenceFlow;
import org.camunda.bpm.model.bpmn.instance.ServiceTask;
import org.camunda.bpm.model.bpmn.instance.SubProcess;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaExecutionListener;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaProperties;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaProperty;
import org.springframework.stereotype.Component;

/**
 * The "Split" step: an A/B test inside a journey, drawn as an exclusive gateway with one arrow per path.
 *
 * <p>The gateway carries the template <em>Stageflow: Split</em> ({@code io.stageflow.split}): the experiment key
 * (extension property {@code experiment}) and, hidden, the start listener {@code ${split}} that assigns the customer
 * before the gateway chooses. Each arrow leaving it carries <em>Stageflow: Split path</em>
 * ({@code io.stageflow.splitPath}: its letter A to E, which sets the arrow's fixed condition, its name, which is the
 * variant's, and its {@code weight}) or, for at most one arrow, <em>Stageflow: Split holdout</em>
 * ({@code io.stageflow.splitHoldout}: its name and {@code share}). The variants' weights sum to 100; the holdout's
 * share is a per cent of everyone entering, taken first, and the weights split the rest. The variants' declared order
 * is their letters' order, whatever the file's order of the arrows.
 *
 * <p>The conditions are fixed texts, {@code ${experimentPath == 'a'}} to {@code ${experimentPath == 'e'}} and
 * {@code ${experimentPath == 'holdout'}}, which read only the variable this step sets; every arrow of a split must
 * have one, and no other arrow may. When the journey reaches the gateway, the listener enters the customer into
 * the experiment ({@link ExperimentAssignments#enter}) and sets on the instance {@value #PATH} (the letter, or
 * {@code holdout}), {@value #VARIANT} (the path's name), {@value #HOLDOUT} (whether it is the holdout) and
 * {@code experiment_<key>} (the path's name, under the experiment's key with {@code -} as {@code _}, kept after later
 * splits). Checked at deploy and at every start: the key, 2 to 5 variants with distinct letters and names, integer
 * weights summing to 100, a holdout share of 1 to 50, no default arrow, one split per experiment in a journey, and a
 * holdout that reaches no send step.
 */
@Component("split")
class SplitStep implements JourneyStep, ExecutionListener {

    /** The variable the arrows' conditions read: the letter of the path taken, or {@value #HOLDOUT_PATH}. */
    static final String PATH = "experimentPath";
    /** The name of the path the latest split gave the customer. */
    static final String VARIANT = "experimentVariant";
    /** Whether the latest split put the customer in its holdout. */
    static final String HOLDOUT = "experimentHoldout";
    /** Before the experiment key (hyphens as underscores): the name of the path that experiment gave the customer. */
    static final String PER_EXPERIMENT = "experiment_";
    static final List<String> LETTERS = List.of("a", "b", "c", "d", "e");
    static final String HOLDOUT_PATH = "holdout";
    static final String LISTENER_EVENT = ExecutionListener.EVENTNAME_START;
    static final String SEND_STEP = "${sendEmail}";

    static final String KEY_PATTERN = "^[a-z0-9][a-z0-9-]{0,59}$";
    static final String NAME_PATTERN = "^[A-Za-z0-9][A-Za-z0-9 ._-]{0,39}$";

    static final StepInput<String> EXPERIMENT = StepInput.extensionProperty("experiment").notEmpty()
            .pattern(KEY_PATTERN);

    private static final Pattern CONDITION = Pattern.compile(
            "\\$\\{" + PATH + " == '(" + String.join("|", LETTERS) + "|" + HOLDOUT_PATH + ")'}");

    private final ExperimentAssignments assignments;

    SplitStep(ExperimentAssignments assignments) {
        this.assignments = assignments;
    }

    @Override
    public String templateId() {
        return "io.stageflow.split";
    }

    @Override
    public String appliesTo() {
        return "bpmn:ExclusiveGateway";
    }

    @Override
    public String beanName() {
        return "split";
    }

    @Override
    public String listenerEvent() {
        return LISTENER_EVENT;
    }

    @Override
    public List<StepInput<?>> inputs() {
        return List.of(EXPERIMENT);
    }

    /** The fixed condition of the arrow for this path: a letter, or {@value #HOLDOUT_PATH}. */
    static String condition(String path) {
        return "${" + PATH + " == '" + path + "'}";
    }

    /** The path ({@code a} to {@code e}, {@value #HOLDOUT_PATH}) a split condition chooses, or null for any other text. */
    static String pathOf(String condition) {
        if (condition == null) {
            return null;
        }
        Matcher matcher = CONDITION.matcher(condition.strip());
        return matcher.matches() ? matcher.group(1) : null;
    }

    /** The variable that keeps the path an experiment gave the customer: {@code experiment_welcome_subject}. */
    static String perExperimentVariable(String experimentKey) {
        return PER_EXPERIMENT + experimentKey.replace('-', '_');
    }

    /** The template <em>Stageflow: Split path</em>, on each variant's arrow. */
    @Component
    static class PathTemplate implements JourneyStep {

        static final StepInput<String> LETTER = StepInput.attributeChoice("conditionExpression", condition("a"),
                LETTERS.stream().map(SplitStep::condition).toList());
        static final StepInput<String> NAME = StepInput.attribute("name", "String").notEmpty().pattern(NAME_PATTERN);
        static final StepInput<String> WEIGHT = StepInput.extensionProperty("weight").notEmpty()
                .pattern("^([1-9][0-9]?|100)$");

        @Override
        public String templateId() {
            return "io.stageflow.splitPath";
        }

        @Override
        public String appliesTo() {
            return "bpmn:SequenceFlow";
        }

        @Override
        public List<StepInput<?>> inputs() {
            return List.of(LETTER, NAME, WEIGHT);
        }
    }

    /** The template <em>Stageflow: Split holdout</em>, on the holdout's arrow. */
    @Component
    static class HoldoutTemplate implements JourneyStep {

        static final StepInput<String> CONDITION = StepInput.attribute("conditionExpression", "Hidden")
                .defaultValue(condition(HOLDOUT_PATH));
        static final StepInput<String> NAME = StepInput.attribute("name", "String").notEmpty().pattern(NAME_PATTERN)
                .defaultValue("Holdout");
        static final StepInput<String> SHARE = StepInput.extensionProperty("share").notEmpty()
                .pattern("^([1-9]|[1-4][0-9]|50)$").defaultValue("10");

        @Override
        public String templateId() {
            return "io.stageflow.splitHoldout";
        }

        @Override
        public String appliesTo() {
            return "bpmn:SequenceFlow";
        }

        @Override
        public List<StepInput<?>> inputs() {
            return List.of(CONDITION, NAME, SHARE);
        }
    }

    /** A split as drawn: its gateway and the arrows leaving it, read from the file or from the deployed model. */
    record Drawn(String gatewayId, String elementType, String experiment, String listenerEvent, String defaultArrow,
            List<Arrow> arrows) {

        /** The letter of the variant of this name, whatever its case. */
        String letterOf(String variant) {
            return arrows.stream().filter(arrow -> pathOf(arrow.condition()) != null
                            && variant.equalsIgnoreCase(arrow.name()))
                    .map(arrow -> pathOf(arrow.condition())).findFirst().orElseThrow();
        }
    }

    /**
     * One arrow leaving a split: its id, name, condition, {@code weight} and {@code share} properties as written, and
     * the first send step it leads to (null when none).
     */
    record Arrow(String id, String name, String condition, String weight, String share, String sendStepAhead) {
    }

    /** Why the split cannot run, naming it and the field, or null when it can. */
    static String problemWith(Drawn split) {
        String subject = "Split '" + split.gatewayId() + "'";
        if (!"exclusiveGateway".equals(split.elementType())) {
            return "'" + split.gatewayId() + "' runs the Split step (${split}), which goes on an exclusive gateway: "
                    + "apply the template Stageflow: Split to a gateway";
        }
        if (!LISTENER_EVENT.equals(split.listenerEvent())) {
            return subject + " runs ${split} on '" + split.listenerEvent() + "'; it must run on 'start', before the"
                    + " gateway chooses: apply the template Stageflow: Split again";
        }
        String experiment = EXPERIMENT.parse(split.experiment());
        if (experiment == null) {
            return subject + " names no experiment: set its Experiment key (the extension property 'experiment')";
        }
        if (!ExperimentAssignments.KEY.matcher(experiment).matches()) {
            return subject + " has experiment key '" + experiment + "'; use up to 60 lower-case letters, digits and"
                    + " hyphens, such as welcome-subject";
        }
        if (split.defaultArrow() != null) {
            return subject + " has a default path ('" + split.defaultArrow() + "'); a split chooses each path itself:"
                    + " clear the arrow's Default flow";
        }
        List<Arrow> variants = new ArrayList<>();
        List<Arrow> holdouts = new ArrayList<>();
        for (Arrow arrow : split.arrows()) {
            String path = pathOf(arrow.condition());
            if (path == null) {
                return subject + ": the arrow '" + arrow.id() + "' is not a split path; give every arrow leaving a"
                        + " split the template Stageflow: Split path (or Stageflow: Split holdout)";
            }
            (HOLDOUT_PATH.equals(path) ? holdouts : variants).add(arrow);
        }
        if (variants.size() < ExperimentAssignments.MIN_VARIANTS
                || variants.size() > ExperimentAssignments.MAX_VARIANTS) {
            return subject + " has " + variants.size() + " variant path" + (variants.size() == 1 ? "" : "s") + "; use "
                    + ExperimentAssignments.MIN_VARIANTS + " to " + ExperimentAssignments.MAX_VARIANTS
                    + " (Stageflow: Split path), plus at most one holdout";
        }
        if (holdouts.size() > 1) {
            return subject + " has " + holdouts.size() + " holdout paths ('" + holdouts.get(0).id() + "', '"
                    + holdouts.get(1).id() + "'); use at most one";
        }
        Set<String> names = new HashSet<>();
        Map<String, String> letters = new HashMap<>();
        for (Arrow arrow : split.arrows()) {
            String path = pathOf(arrow.condition());
            String which = HOLDOUT_PATH.equals(path) ? "the holdout path '" + arrow.id() + "'"
                    : "the path '" + arrow.id() + "' (Variant " + path.toUpperCase(Locale.ROOT) + ")";
            if (arrow.name() == null || arrow.name().isBlank()) {
                return subject + ": " + which + " has no name; set its Variant name";
            }
            String name = arrow.name().strip();
            if (!name.matches(NAME_PATTERN)) {
                return subject + ": " + which + " has the name '" + name + "'; use up to 40 letters, digits, spaces,"
                        + " dots, hyphens and underscores, starting with a letter or digit";
            }
            if (!names.add(name.toLowerCase(Locale.ROOT))) {
                return subject + " has two paths named '" + name + "'; give each path its own Variant name";
            }
            if (!HOLDOUT_PATH.equals(path) && letters.containsKey(path)) {
                return subject + ": the paths '" + letters.get(path) + "' and '" + arrow.id() + "' are both Variant "
                        + path.toUpperCase(Locale.ROOT) + "; give each path its own Path letter";
            }
            letters.put(path, arrow.id());
        }
        int sum = 0;
        for (Arrow arrow : variants) {
            Integer weight = whole(arrow.weight(), 1, 100);
            if (weight == null) {
                return subject + ": the path '" + arrow.name().strip() + "' has " + (arrow.weight() == null
                        ? "no weight" : "weight '" + arrow.weight().strip() + "'")
                        + "; set its Weight to a whole number from 1 to 100";
            }
            sum += weight;
        }
        if (sum != 100) {
            return subject + ": the weights of its paths sum to " + sum + " (" + variants.stream()
                    .map(arrow -> arrow.name().strip() + " " + arrow.weight().strip())
                    .collect(Collectors.joining(", ")) + "); make them sum to 100 (a holdout's share is apart)";
        }
        for (Arrow holdout : holdouts) {
            if (whole(holdout.share(), 1, ExperimentAssignments.MAX_HOLDOUT_SHARE) == null) {
                return subject + ": the holdout '" + holdout.name().strip() + "' has " + (holdout.share() == null
                        ? "no share" : "share '" + holdout.share().strip() + "'") + "; set its Share to a whole"
                        + " number of per cent from 1 to " + ExperimentAssignments.MAX_HOLDOUT_SHARE;
            }
            if (holdout.sendStepAhead() != null) {
                return subject + ": the holdout '" + holdout.name().strip() + "' leads to the send step '"
                        + holdout.sendStepAhead() + "'; a holdout sends nothing, so lead it to an end event without a"
                        + " Send email step";
            }
        }
        return null;
    }

    /** The split as the experiment sees it; the drawing must have no {@link #problemWith problem}. */
    static Split splitOf(Drawn drawn) {
        List<Variant> variants = new ArrayList<>();
        String holdoutName = null;
        int share = 0;
        Map<String, Arrow> byLetter = new HashMap<>();
        for (Arrow arrow : drawn.arrows()) {
            String path = pathOf(arrow.condition());
            if (HOLDOUT_PATH.equals(path)) {
                holdoutName = arrow.name().strip();
                share = Integer.parseInt(arrow.share().strip());
            } else {
                byLetter.put(path, arrow);
            }
        }
        for (String letter : LETTERS) {
            Arrow arrow = byLetter.get(letter);
            if (arrow != null) {
                variants.add(new Variant(arrow.name().strip(), Integer.parseInt(arrow.weight().strip())));
            }
        }
        return new Split(drawn.experiment().strip(), variants, holdoutName, share);
    }

    /** Why the splits of one journey cannot run together (two share an experiment), or null. */
    static String problemWithAll(Collection<Drawn> splits) {
        Map<String, String> byExperiment = new LinkedHashMap<>();
        for (Drawn split : splits) {
            String key = split.experiment() == null ? null : split.experiment().strip();
            if (key != null && byExperiment.containsKey(key)) {
                return "Splits '" + byExperiment.get(key) + "' and '" + split.gatewayId() + "' both run experiment '"
                        + key + "'; give each split its own Experiment key";
            }
            byExperiment.put(key, split.gatewayId());
        }
        return null;
    }

    /** Why an arrow with a split condition that leaves no split cannot be: its condition would never hold. */
    static String strayArrowProblem(String arrowId, String sourceId) {
        return "The arrow '" + arrowId + "' is a split path, but '" + sourceId + "', where it starts, is not a split:"
                + " apply the template Stageflow: Split to that gateway, or remove the arrow's split template";
    }

    /**
     * Why the splits of this journey model cannot run, one line each: each split's problem, two splits of one
     * experiment, an arrow with a split condition that leaves no split.
     */
    static List<String> problemsIn(Collection<? extends FlowNode> nodes) {
        List<String> problems = new ArrayList<>();
        List<Drawn> splits = new ArrayList<>();
        for (FlowNode node : nodes) {
            if (isSplit(node)) {
                Drawn drawn = drawn(node);
                splits.add(drawn);
                String problem = problemWith(drawn);
                if (problem != null) {
                    problems.add(problem);
                }
            } else {
                for (SequenceFlow flow : outgoing(node)) {
                    if (flow.getConditionExpression() != null
                            && pathOf(flow.getConditionExpression().getTextContent()) != null) {
                        problems.add(strayArrowProblem(flow.getId(), node.getId()));
                    }
                }
            }
        }
        String problem = problemWithAll(splits);
        if (problem != null) {
            problems.add(problem);
        }
        return problems;
    }

    @Override
    public void notify(DelegateExecution execution) {
        String step = execution.getCurrentActivityId();
        if (!(execution.getBpmnModelElementInstance() instanceof ExclusiveGateway gateway)) {
            throw new IllegalStateException("'" + step + "' runs the Split step, which goes on an exclusive gateway");
        }
        Drawn drawn = drawn(gateway);
        String problem = problemWith(drawn);
        if (problem != null) {
            throw new IllegalStateException(problem);
        }
        String customerId = execution.getProcessBusinessKey();
        if (customerId == null) {
            throw new IllegalStateException("Split '" + step + "' cannot assign a path: the journey has no business"
                    + " key (customer id)");
        }
        Assignment assignment = assignments.enter(splitOf(drawn), StepRun.journeyKey(execution),
                execution.getProcessInstanceId(), customerId);
        record(execution, drawn, assignment);
    }

    /**
     * The split by the customer's bucket alone ({@link ExperimentAssignments#assign}), its variables set as the step
     * sets them, with no entry recorded and no earlier entry or decision taken into account: for runs that must not
     * touch the live experiment (a simulation, a process test).
     */
    static Assignment assignByBucket(DelegateExecution execution) {
        if (!(execution.getBpmnModelElementInstance() instanceof FlowNode gateway)) {
            throw new IllegalStateException("'" + execution.getCurrentActivityId() + "' runs the Split step, which goes"
                    + " on an exclusive gateway");
        }
        Drawn drawn = drawn(gateway);
        String problem = problemWith(drawn);
        if (problem != null) {
            throw new IllegalStateException(problem);
        }
        if (execution.getProcessBusinessKey() == null) {
            throw new IllegalStateException("Split '" + drawn.gatewayId() + "' cannot assign a path: the journey has"
                    + " no business key (customer id)");
        }
        Assignment assignment = ExperimentAssignments.assign(splitOf(drawn), execution.getProcessBusinessKey());
        record(execution, drawn, assignment);
        return assignment;
    }

    /** Sets the instance's variables for the assignment, so that the arrow of its path is the one the gateway takes. */
    static void record(DelegateExecution execution, Drawn drawn, Assignment assignment) {
        VariableScope instance = execution.getProcessInstance();
        instance.setVariable(PATH, assignment.holdout() ? HOLDOUT_PATH : drawn.letterOf(assignment.variant()));
        instance.setVariable(VARIANT, assignment.variant());
        instance.setVariable(HOLDOUT, assignment.holdout());
        instance.setVariable(perExperimentVariable(assignment.experimentKey()), assignment.variant());
    }

    // Reading a split from the deployed model (a running step, the journeys folder's check).

    /** The split drawn at this gateway (or any element that names the step). */
    static Drawn drawn(FlowNode gateway) {
        String event = gateway.getExtensionElements() == null ? null
                : gateway.getExtensionElements().getElementsQuery().filterByType(CamundaExecutionListener.class).list()
                        .stream().filter(listener -> isSplit(listener.getCamundaDelegateExpression()))
                        .map(CamundaExecutionListener::getCamundaEvent).findFirst().orElse(null);
        String defaultArrow = gateway instanceof ExclusiveGateway exclusive && exclusive.getDefault() != null
                ? exclusive.getDefault().getId() : null;
        List<Arrow> arrows = new ArrayList<>();
        for (SequenceFlow flow : outgoing(gateway)) {
            arrows.add(new Arrow(flow.getId(), flow.getName(),
                    flow.getConditionExpression() == null ? null : flow.getConditionExpression().getTextContent(),
                    property(flow, "weight"), property(flow, "share"), sendStepAhead(flow.getTarget())));
        }
        return new Drawn(gateway.getId(), gateway.getElementType().getTypeName(), property(gateway, "experiment"),
                event, defaultArrow, arrows);
    }

    /**
     * The arrows that start at the node, by their {@code sourceRef} as the engine reads them (a file written by hand
     * may leave out the node's {@code <outgoing>} references, which Modeler writes).
     */
    private static List<SequenceFlow> outgoing(FlowNode node) {
        return node.getModelInstance().getModelElementsByType(SequenceFlow.class).stream()
                .filter(flow -> flow.getSource() == node).toList();
    }

    /** Whether the element carries the split's listener. */
    static boolean isSplit(BaseElement element) {
        return element.getExtensionElements() != null && element.getExtensionElements().getElementsQuery()
                .filterByType(CamundaExecutionListener.class).list().stream()
                .anyMatch(listener -> isSplit(listener.getCamundaDelegateExpression()));
    }

    private static boolean isSplit(String delegateExpression) {
        return delegateExpression != null && delegateExpression.strip().equals("${split}");
    }

    private static String property(BaseElement element, String name) {
        if (element.getExtensionElements() == null) {
            return null;
        }
        return element.getExtensionElements().getElementsQuery().filterByType(CamundaProperties.class).list().stream()
                .flatMap(properties -> properties.getCamundaProperties().stream())
                .filter(property -> name.equals(property.getCamundaName()))
                .map(CamundaProperty::getCamundaValue).findFirst().orElse(null);
    }

    private static String sendStepAhead(FlowNode start) {
        Deque<FlowNode> next = new ArrayDeque<>(List.of(start));
        Set<String> seen = new HashSet<>();
        while (!next.isEmpty()) {
            FlowNode node = next.poll();
            if (!seen.add(node.getId())) {
                continue;
            }
            String send = sendStepIn(node);
            if (send != null) {
                return send;
            }
            outgoing(node).forEach(flow -> next.add(flow.getTarget()));
        }
        return null;
    }

    private static String sendStepIn(FlowElement element) {
        if (element instanceof ServiceTask task && SEND_STEP.equals(strip(task.getCamundaDelegateExpression()))) {
            return task.getId();
        }
        if (element instanceof SubProcess inner) {
            for (FlowElement child : inner.getFlowElements()) {
                String send = sendStepIn(child);
                if (send != null) {
                    return send;
                }
            }
        }
        return null;
    }

    // Reading the splits of a process from the file as Camunda parses it (a deployment's check).

    /** A split of the file, and the element a refusal points at. */
    record Parsed(Drawn drawn, Element element) {
    }

    /** Every element of the process that names the step, and every arrow that carries a split condition. */
    static final class InFile {

        final List<Parsed> splits = new ArrayList<>();
        /** Arrows with a split condition that leave an element that is no split. */
        final List<Element> strayArrows = new ArrayList<>();

        InFile(Element process) {
            Map<String, Element> nodes = new HashMap<>();
            Map<String, List<Element>> outgoing = new HashMap<>();
            collect(process, nodes, outgoing);
            for (Element node : nodes.values()) {
                String event = splitListenerEvent(node);
                if (event == null) {
                    continue;
                }
                String experiment = StepValidation.camundaProperty(node, "experiment");
                List<Arrow> arrows = new ArrayList<>();
                for (Element flow : outgoing.getOrDefault(node.attribute("id"), List.of())) {
                    Element condition = flow.element("conditionExpression");
                    arrows.add(new Arrow(flow.attribute("id"), flow.attribute("name"),
                            condition == null ? null : condition.getText(),
                            StepValidation.camundaProperty(flow, "weight"), StepValidation.camundaProperty(flow, "share"),
                            sendStepAhead(nodes.get(flow.attribute("targetRef")), nodes, outgoing)));
                }
                splits.add(new Parsed(new Drawn(node.attribute("id"), node.getTagName(), experiment, event,
                        node.attribute("default"), arrows), node));
            }
            Set<String> splitIds = splits.stream().map(split -> split.drawn().gatewayId()).collect(Collectors.toSet());
            outgoing.forEach((source, flows) -> flows.stream()
                    .filter(flow -> !splitIds.contains(source) && flow.element("conditionExpression") != null
                            && pathOf(flow.element("conditionExpression").getText()) != null)
                    .forEach(strayArrows::add));
            splits.sort(java.util.Comparator.comparing(split -> split.drawn().gatewayId()));
        }

        private static void collect(Element parent, Map<String, Element> nodes, Map<String, List<Element>> outgoing) {
            for (Element child : parent.elements()) {
                if ("sequenceFlow".equals(child.getTagName())) {
                    outgoing.computeIfAbsent(child.attribute("sourceRef"), id -> new ArrayList<>()).add(child);
                } else if (child.attribute("id") != null && !"extensionElements".equals(child.getTagName())) {
                    nodes.put(child.attribute("id"), child);
                    collect(child, nodes, outgoing);
                }
            }
        }

        private static String splitListenerEvent(Element node) {
            Element extensions = node.element("extensionElements");
            if (extensions == null) {
                return null;
            }
            for (Element listener : extensions.elementsNS(BpmnParse.CAMUNDA_BPMN_EXTENSIONS_NS, "executionListener")) {
                if (isSplit(listener.attribute("delegateExpression"))) {
                    return listener.attribute("event");
                }
            }
            return null;
        }

        private static String sendStepAhead(Element start, Map<String, Element> nodes,
                Map<String, List<Element>> outgoing) {
            Deque<Element> next = new ArrayDeque<>();
            if (start != null) {
                next.add(start);
            }
            Set<String> seen = new HashSet<>();
            while (!next.isEmpty()) {
                Element node = next.poll();
                if (!seen.add(node.attribute("id"))) {
                    continue;
                }
                String send = sendStepIn(node);
                if (send != null) {
                    return send;
                }
                for (Element flow : outgoing.getOrDefault(node.attribute("id"), List.of())) {
                    Element target = nodes.get(flow.attribute("targetRef"));
                    if (target != null) {
                        next.add(target);
                    }
                }
            }
            return null;
        }

        private static String sendStepIn(Element element) {
            if ("serviceTask".equals(element.getTagName()) && SEND_STEP.equals(
                    strip(element.attributeNS(BpmnParse.CAMUNDA_BPMN_EXTENSIONS_NS, "delegateExpression")))) {
                return element.attribute("id");
            }
            for (Element child : element.elements()) {
                if (child.attribute("id") != null && !"sequenceFlow".equals(child.getTagName())) {
                    String send = sendStepIn(child);
                    if (send != null) {
                        return send;
                    }
                }
            }
            return null;
        }
    }

    /** The whole number the text is, from {@code min} to {@code max}; null for anything else. */
    private static Integer whole(String text, int min, int max) {
        if (text == null || !text.strip().matches("[0-9]{1,3}")) {
            return null;
        }
        int value = Integer.parseInt(text.strip());
        return value < min || value > max ? null : value;
    }

    private static String strip(String text) {
        return text == null ? null : text.strip();
    }
}
