package io.stageflow.journeys;

import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

import io.stageflow.customers.Customer;
import io.stageflow.events.StoredEvent;
import io.stageflow.experiments.ExperimentAssignments;
import io.stageflow.subscriptions.EmailCategory;
import io.stageflow.templates.RenderedEmail;

import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.ProcessEngineConfiguration;
import org.camunda.bpm.engine.ProcessEngines;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.impl.cfg.StandaloneInMemProcessEngineConfiguration;
import org.camunda.bpm.engine.impl.history.event.HistoricActivityInstanceEventEntity;
import org.camunda.bpm.engine.impl.history.event.HistoricProcessInstanceEventEntity;
import org.camunda.bpm.engine.impl.history.event.HistoryEvent;
import org.camunda.bpm.engine.impl.history.event.HistoryEventTypes;
import org.camunda.bpm.engine.impl.history.handler.HistoryEventHandler;
import org.camunda.bpm.engine.impl.persistence.StrongUuidGenerator;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.camunda.bpm.engine.runtime.Execution;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.impl.BpmnModelConstants;
import org.camunda.bpm.model.bpmn.instance.EndEvent;
import org.camunda.bpm.model.bpmn.instance.FlowNode;
import org.camunda.bpm.model.bpmn.instance.Message;
import org.camunda.bpm.model.bpmn.instance.MessageEventDefinition;
import org.camunda.bpm.model.bpmn.instance.Process;
import org.camunda.bpm.model.bpmn.instance.StartEvent;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaProperties;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaProperty;

/**
 * One simulation: an isolated process engine (its own in-memory H2 database, no job executor, Stageflow's steps
 * replaced by delegates that only record what they would do, history kept in memory by a handler of this run instead
 * of tables), and a discrete-event loop over simulated time. Camunda's clock is JVM-wide and the live engine's, so it
 * is never moved: each timer's simulated due date is the simulated moment it was created plus the delay the engine
 * gave it against the real clock, and every timer due before the next stored event runs first, in order. Async
 * continuations (the send steps) run at once. Single-threaded: one thread drives the run from start to end.
 */
final class SimulationRun implements AutoCloseable {

    private static final int PAGE = 2000;
    static final String GOAL_PROPERTY = JourneyLedger.OUTCOME_PROPERTY;

    /** The stored events to replay, page by page, oldest first. */
    interface EventSource {
        List<StoredEvent> page(Instant afterOccurredAt, long afterId, int limit);

        long count();
    }

    /** What the simulated steps need from the live system, read only. */
    interface LiveReads {
        Optional<Customer> customer(String id);

        String suppression(String email, EmailCategory category);

        boolean consentsToMarketing(Customer customer);

        boolean segmentExists(String segment);

        boolean inSegment(String segment, String customerId);

        RenderedEmail render(String template, Customer customer, String journeyKey, boolean withCoupon);
    }

    private final String journeyKey;
    private final ProcessEngine engine;
    private final RuntimeService runtime;
    private final ManagementService management;
    private final String definitionId;
    private final BpmnModelInstance model;
    private final LiveReads live;
    private final SimulatedPacing pacing;
    private final boolean tracing;

    private final List<String> startMessages = new ArrayList<>();
    private final Set<String> eventTypes = new HashSet<>();
    private final Set<String> goals = new HashSet<>();
    private final ReentryPolicy reentry;
    private final String correlateBy;

    /** Simulated now: the moment of the event or timer being processed. */
    private Instant now;
    /** The real clock just before the engine call under way, against which new timers' delays are measured. */
    private long realAtCall;
    private final PriorityQueue<DueTimer> timers = new PriorityQueue<>();
    private final Set<String> knownJobs = new HashSet<>();
    private long timerSequence;

    private final Map<String, Set<String>> activeInstances = new HashMap<>();
    private final Map<String, String> customerOfInstance = new HashMap<>();
    private final Set<String> everEntered = new HashSet<>();
    private final Set<String> customersSeen = new HashSet<>();
    private final Map<String, long[]> stepCounts = new LinkedHashMap<>();
    private final Map<String, long[]> emailCounts = new LinkedHashMap<>();
    private final Set<String> couponPending = new HashSet<>();
    private final Map<String, Optional<Customer>> profiles = new HashMap<>();
    private long entered;
    private long converted;
    private long failed;
    private long replayed;
    private final List<SimulationTrace.Entry> entries = new ArrayList<>();
    private final List<SimulationTrace.Email> emails = new ArrayList<>();

    /**
     * @param bpmn    the version's BPMN file, with any decision tables it calls
     * @param tracing whether to keep every step and render every email (one customer); a full run only counts
     */
    SimulationRun(String journeyKey, String bpmn, Map<String, byte[]> decisions, DeploymentPolicy policy,
            LiveReads live, SimulatedPacing pacing, boolean tracing) {
        this.journeyKey = journeyKey;
        this.live = live;
        this.pacing = pacing;
        this.tracing = tracing;
        this.engine = buildEngine(policy);
        this.runtime = engine.getRuntimeService();
        this.management = engine.getManagementService();
        try {
            var deployment = engine.getRepositoryService().createDeployment().name("simulation")
                    .addModelInstance(journeyKey + ".bpmn", inline(bpmn));
            decisions.forEach((name, content) -> deployment.addInputStream(name, new ByteArrayInputStream(content)));
            String deploymentId = deployment.deploy().getId();
            ProcessDefinition definition = engine.getRepositoryService().createProcessDefinitionQuery()
                    .deploymentId(deploymentId).processDefinitionKey(journeyKey).singleResult();
            if (definition == null) {
                throw new IllegalArgumentException("The file has no executable process with the id " + journeyKey);
            }
            this.definitionId = definition.getId();
            this.model = engine.getRepositoryService().getBpmnModelInstance(definitionId);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        Process process = model.getModelElementsByType(Process.class).stream()
                .filter(p -> journeyKey.equals(p.getId())).findFirst().orElseThrow();
        this.reentry = JourneyModels.reentryOf(process);
        String property = JourneyModels.processProperty(process, JourneyModels.CORRELATE_BY);
        this.correlateBy = property == null || property.isBlank() ? null : property.strip();
        for (StartEvent start : model.getModelElementsByType(StartEvent.class)) {
            if (start.getParentElement() == process) {
                start.getEventDefinitions().stream().filter(MessageEventDefinition.class::isInstance)
                        .map(d -> ((MessageEventDefinition) d).getMessage()).filter(m -> m != null && m.getName() != null)
                        .forEach(m -> startMessages.add(m.getName()));
            }
        }
        for (Message message : model.getModelElementsByType(Message.class)) {
            if (message.getName() != null && !message.getName().contains("{")) {
                String name = message.getName();
                eventTypes.add(name.contains(":") ? name.substring(0, name.indexOf(':')) : name);
            }
        }
        eventTypes.add("order_completed"); // conversions come from the real orders
        for (EndEvent end : model.getModelElementsByType(EndEvent.class)) {
            if (JourneyLedger.CONVERTED.equals(property(end, GOAL_PROPERTY))) {
                goals.add(end.getId());
            }
        }
        for (FlowNode node : model.getModelElementsByType(FlowNode.class)) {
            stepCounts.put(node.getId(), new long[4]);
        }
    }

    /**
     * The journey with every asynchronous continuation made synchronous: the live engine commits before a send step
     * so that a failed send is retried alone, but the simulation runs such a job at once anyway, and a command per
     * step (with its job written, read and deleted) was half of a run's time.
     */
    private static BpmnModelInstance inline(String bpmn) {
        BpmnModelInstance journey = Bpmn.readModelFromStream(new ByteArrayInputStream(bpmn.getBytes(
                java.nio.charset.StandardCharsets.UTF_8)));
        for (FlowNode node : journey.getModelElementsByType(FlowNode.class)) {
            for (String attribute : List.of("asyncBefore", "asyncAfter", "async")) {
                node.removeAttributeNs(BpmnModelConstants.CAMUNDA_NS, attribute);
            }
        }
        return journey;
    }

    private ProcessEngine buildEngine(DeploymentPolicy policy) {
        StandaloneInMemProcessEngineConfiguration configuration = new StandaloneInMemProcessEngineConfiguration();
        String name = "stageflow-simulation-" + UUID.randomUUID();
        configuration.setProcessEngineName(name);
        // One thread drives the engine: no row locks to take.
        configuration.setJdbcUrl("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1;LOCK_MODE=0");
        configuration.setDatabaseSchemaUpdate(ProcessEngineConfiguration.DB_SCHEMA_UPDATE_CREATE_DROP);
        configuration.setJobExecutorActivate(false);
        configuration.setHistory(ProcessEngineConfiguration.HISTORY_ACTIVITY);
        configuration.setEnableDefaultDbHistoryEventHandler(false);
        configuration.setCustomHistoryEventHandlers(List.of(new Recorder()));
        configuration.setIdGenerator(new StrongUuidGenerator());
        configuration.setMetricsEnabled(false);
        configuration.setDbMetricsReporterActivate(false);
        configuration.setEnforceHistoryTimeToLive(false);
        configuration.setCmmnEnabled(false);
        configuration.setCustomPostBPMNParseListeners(new ArrayList<>(List.of(policy.enforcing)));
        Map<Object, Object> beans = new HashMap<>();
        beans.put("sendEmail", (JavaDelegate) this::sendEmail);
        beans.put("sendSms", (JavaDelegate) this::sendSms);
        beans.put("sendWhatsApp", (JavaDelegate) this::sendWhatsApp);
        beans.put("setLifecycleStage", (JavaDelegate) this::setLifecycleStage);
        beans.put("issueCoupon", (JavaDelegate) this::issueCoupon);
        beans.put("revokeCoupons", (JavaDelegate) this::revokeCoupons);
        beans.put("checkSegment", (JavaDelegate) this::checkSegment);
        beans.put("split", (ExecutionListener) this::split);
        // A webhook calls the business's systems: a simulation makes no call, and the journey goes on.
        beans.put("callWebhook", (JavaDelegate) execution -> { });
        configuration.setBeans(beans);
        ProcessEngine built = configuration.buildProcessEngine();
        // Invisible to the live application (Cockpit, the REST API list the registered engines).
        ProcessEngines.unregister(built);
        return built;
    }

    /** The bean names the simulation stands in for: every Stageflow step with a delegate. */
    static Set<String> simulatedBeans() {
        return Set.of("sendEmail", "sendSms", "sendWhatsApp", "setLifecycleStage", "issueCoupon", "revokeCoupons", "checkSegment",
                "split", "callWebhook");
    }

    /** The event types to read from the history: those the journey starts on or waits for, and orders. */
    Set<String> eventTypes() {
        return Set.copyOf(eventTypes);
    }

    /** The event type of the journey's first message start event, or null when it starts on none. */
    String startEventType() {
        if (startMessages.isEmpty()) {
            return null;
        }
        String name = startMessages.get(0);
        return name.contains(":") ? name.substring(0, name.indexOf(':')) : name;
    }

    /**
     * Replays the events, then lets the timers due before {@code until} run.
     *
     * @param sample    the customers to replay, or null for all
     * @param cancelled asked before each event
     * @param progress  told the number of events read so far
     * @return false when cancelled
     */
    boolean replay(EventSource source, Set<String> sample, Instant until, BooleanSupplier cancelled,
            LongConsumer progress) {
        boolean done = readAll(source, cancelled, progress, event -> {
            if (sample == null || sample.contains(event.customerId())) {
                accept(event);
            }
        });
        if (done) {
            finish(until);
        }
        return done;
    }

    /**
     * Reads the stored events page by page, oldest first, handing each to {@code handler}; false when cancelled.
     *
     * @param progress told the number of events read so far
     */
    static boolean readAll(EventSource source, BooleanSupplier cancelled, LongConsumer progress,
            java.util.function.Consumer<StoredEvent> handler) {
        Instant afterAt = null;
        long afterId = -1;
        long read = 0;
        while (true) {
            List<StoredEvent> page = source.page(afterAt, afterId, PAGE);
            for (StoredEvent event : page) {
                if (cancelled.getAsBoolean()) {
                    return false;
                }
                read++;
                afterAt = event.occurredAt();
                afterId = event.id();
                handler.accept(event);
                if (read % 500 == 0) {
                    progress.accept(read);
                }
            }
            progress.accept(read);
            if (page.size() < PAGE) {
                return true;
            }
        }
    }

    /** Replays one event at its moment: first every timer due by then, then the event itself. */
    void accept(StoredEvent event) {
        runTimersUntil(event.occurredAt());
        route(event);
    }

    /** Lets every timer due before {@code until} run: the end of the replayed period. */
    void finish(Instant until) {
        runTimersUntil(until);
    }

    private void runTimersUntil(Instant moment) {
        while (!timers.isEmpty() && !timers.peek().due().isAfter(moment)) {
            DueTimer timer = timers.poll();
            now = timer.due();
            boolean stillThere = management.createJobQuery().jobId(timer.jobId()).count() > 0;
            if (stillThere) {
                execute(timer.jobId(), timer.customerId());
                settle(timer.customerId());
            }
        }
    }

    private void route(StoredEvent event) {
        now = event.occurredAt();
        replayed++;
        String customer = event.customerId();
        customersSeen.add(customer);
        if (tracing) {
            entries.add(new SimulationTrace.Entry(now, "event", null, null, event.type()));
        }
        Map<String, Object> variables = EventRouting.variables(event);
        if (activeInstances.containsKey(customer)) {
            List<Execution> waiting = runtime.createExecutionQuery().processInstanceBusinessKey(customer)
                    .messageEventSubscriptionName(event.type()).active().list().stream()
                    .filter(execution -> isFor(execution, event)).toList();
            for (Execution execution : waiting) {
                boolean stillWaiting = runtime.createExecutionQuery().executionId(execution.getId())
                        .messageEventSubscriptionName(event.type()).count() > 0;
                if (stillWaiting) {
                    realAtCall = ClockUtil.getCurrentTime().getTime();
                    command(() -> runtime.messageEventReceived(event.type(), execution.getId(), variables));
                }
            }
        }
        for (String message : startMessages) {
            if (!(message.equals(event.type()) || message.startsWith(event.type() + ":"))) {
                continue;
            }
            Object key = correlateBy == null ? null : event.properties().get(correlateBy);
            String everKey = customer + (key == null ? "" : "\u0000" + key);
            boolean mayEnter = switch (reentry) {
                case ALWAYS -> true;
                case ONCE -> !everEntered.contains(everKey);
                case ONCE_ACTIVE -> !activeInstances.containsKey(customer) || (key == null
                        ? activeInstances.get(customer).isEmpty()
                        : runtime.createProcessInstanceQuery().processInstanceBusinessKey(customer)
                                .variableValueEquals(correlateBy, key).count() == 0);
            };
            if (!mayEnter) {
                if (tracing) {
                    entries.add(new SimulationTrace.Entry(now, "declined", null, null,
                            "Not entered again: re-entry policy " + reentry));
                }
                continue;
            }
            everEntered.add(everKey);
            realAtCall = ClockUtil.getCurrentTime().getTime();
            command(() -> runtime.startProcessInstanceByMessageAndProcessDefinitionId(message, definitionId, customer,
                    variables));
        }
        settle(customer);
    }

    /**
     * Runs one engine command for an event. Steps run inline (see {@link #inline}), so a step that fails fails the
     * command: counted and traced as the live engine's incident would be, and the replay goes on.
     */
    private void command(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            failed++;
            if (tracing) {
                entries.add(new SimulationTrace.Entry(now, "failed", null, null,
                        "A step failed; the live engine would retry it and then open an incident: " + e.getMessage()));
            }
        }
    }

    private boolean isFor(Execution execution, StoredEvent event) {
        if (correlateBy == null || !event.properties().containsKey(correlateBy)) {
            return true;
        }
        Object expected = runtime.getVariable(execution.getProcessInstanceId(), correlateBy);
        return expected != null && expected.toString().equals(String.valueOf(event.properties().get(correlateBy)));
    }

    /**
     * Runs the customer's new async continuations at once and schedules their new timers in simulated time, until
     * no new job appears.
     */
    private void settle(String customer) {
        boolean again = true;
        while (again) {
            again = false;
            Set<String> instances = activeInstances.get(customer);
            if (instances == null) {
                return;
            }
            for (String instance : List.copyOf(instances)) {
                for (Job job : management.createJobQuery().processInstanceId(instance).list()) {
                    if (!knownJobs.add(job.getId())) {
                        continue;
                    }
                    if (job.getDuedate() == null || job.getDuedate().getTime() <= realAtCall) {
                        execute(job.getId(), customer);
                        again = true;
                    } else {
                        Instant due = now.plusMillis(job.getDuedate().getTime() - realAtCall);
                        timers.add(new DueTimer(due, timerSequence++, job.getId(), customer));
                    }
                }
                if (again) {
                    break;
                }
            }
        }
    }

    private void execute(String jobId, String customer) {
        realAtCall = ClockUtil.getCurrentTime().getTime();
        try {
            management.executeJob(jobId);
        } catch (RuntimeException e) {
            failed++;
            Job job = management.createJobQuery().jobId(jobId).singleResult();
            String step = job == null ? null : activityOf(job);
            if (step != null && stepCounts.containsKey(step)) {
                stepCounts.get(step)[3]++;
            }
            if (tracing) {
                entries.add(new SimulationTrace.Entry(now, "failed", step, nameOf(step),
                        "The step failed; the live engine would retry it and then open an incident: " + e.getMessage()));
            }
        }
    }

    private String activityOf(Job job) {
        if (job.getExecutionId() == null) {
            return null;
        }
        Execution execution = runtime.createExecutionQuery().executionId(job.getExecutionId()).singleResult();
        if (execution == null) {
            return null;
        }
        List<String> active = runtime.getActiveActivityIds(execution.getId());
        return active.isEmpty() ? null : active.get(0);
    }

    private String nameOf(String stepId) {
        if (stepId == null) {
            return null;
        }
        var element = model.getModelElementById(stepId);
        return element instanceof FlowNode node && node.getName() != null ? node.getName() : stepId;
    }

    // The simulated steps: each records what it would do, and does nothing to the live system.

    private void sendEmail(DelegateExecution execution) {
        String step = execution.getCurrentActivityId();
        String customerId = execution.getProcessBusinessKey();
        if (customerId == null) {
            throw new IllegalStateException("Step " + step + " cannot send: the journey has no business key (customer id)");
        }
        Object raw = execution.getVariableLocal(SendEmailStep.TEMPLATE.name());
        if (!(raw instanceof String template) || template.isBlank()) {
            throw new IllegalStateException("Step " + step + " has no 'template' input parameter naming the template folder to send");
        }
        template = SendEmailStep.simulatedTemplate(execution, template.strip(), customerId);
        EmailCategory category = SendEmailStep.CATEGORY.read(execution);
        boolean quietHours = SendEmailStep.QUIET_HOURS.read(execution);
        boolean withCoupon = couponPending.remove(execution.getProcessInstanceId());
        long[] counts = emailCounts.computeIfAbsent(step + "\u0000" + template, k -> new long[5]);
        counts[0]++;
        Optional<Customer> profile = profiles.computeIfAbsent(customerId, live::customer);
        String outcome;
        String reason = null;
        Instant arrives = null;
        if (profile.isEmpty()) {
            outcome = "suppressed";
            reason = "No customer profile " + customerId;
        } else if ((reason = live.suppression(profile.get().email(), category)) != null) {
            outcome = "suppressed";
            reason = "The address is suppressed: " + reason;
        } else if (category == EmailCategory.MARKETING && !live.consentsToMarketing(profile.get())) {
            outcome = "suppressed";
            reason = "No marketing consent";
        } else if (category == EmailCategory.MARKETING) {
            SimulatedPacing.Decision decision = pacing.decide(customerId, zoneOf(profile.get()), quietHours, now);
            outcome = decision.outcome();
            reason = decision.reason();
            arrives = decision.arrivesAt();
        } else {
            outcome = "sent";
            arrives = now;
        }
        switch (outcome) {
            case "sent" -> counts[1]++;
            case "deferred" -> counts[2]++;
            case "skipped" -> counts[3]++;
            default -> counts[4]++;
        }
        if (tracing) {
            String subject = null;
            String html = null;
            String text = null;
            String problem = null;
            if (profile.isPresent()) {
                try {
                    RenderedEmail rendered = live.render(template, profile.get(), journeyKey, withCoupon);
                    subject = rendered.subject();
                    html = rendered.html();
                    text = rendered.text();
                } catch (RuntimeException e) {
                    problem = "The template cannot be rendered for this customer: " + e.getMessage();
                }
            }
            emails.add(new SimulationTrace.Email(step, template, category.name().toLowerCase(java.util.Locale.ROOT),
                    now, arrives, outcome, reason, subject, html, text, problem));
        }
    }

    private static ZoneId zoneOf(Customer customer) {
        try {
            return ZoneId.of(customer.timeZone());
        } catch (RuntimeException unusable) {
            return ZoneOffset.UTC;
        }
    }

    /** An SMS is not counted among the simulated emails; the trace says the step would queue one. */
    private void sendSms(DelegateExecution execution) {
        if (tracing) {
            effect(execution, "Would queue a " + SendSmsStep.CATEGORY.read(execution).name().toLowerCase(
                    java.util.Locale.ROOT) + " SMS (none sent; SMS consent and quiet hours are not simulated)");
        }
    }

    /** A WhatsApp message is not counted among the simulated emails; the trace says the step would queue one. */
    private void sendWhatsApp(DelegateExecution execution) {
        if (tracing) {
            effect(execution, "Would queue a " + SendWhatsAppStep.CATEGORY.read(execution).name().toLowerCase(
                    java.util.Locale.ROOT) + " WhatsApp message, template " + execution.getVariableLocal("template")
                    + " (none sent; WhatsApp consent and quiet hours are not simulated)");
        }
    }

    private void setLifecycleStage(DelegateExecution execution) {
        if (tracing) {
            Object stage = execution.getVariableLocal("stage");
            boolean advance = SetLifecycleStageStep.MODE.read(execution);
            effect(execution, (advance ? "Would advance the customer to stage " : "Would move the customer to stage ")
                    + stage);
        }
    }

    private void issueCoupon(DelegateExecution execution) {
        String offer = IssueCouponStep.OFFER.read(execution);
        if (offer == null) {
            throw new IllegalStateException("Step " + execution.getCurrentActivityId()
                    + " names no offer: set its 'offer' input parameter");
        }
        couponPending.add(execution.getProcessInstanceId());
        execution.getProcessInstance().setVariable(IssueCouponStep.RESULT_VARIABLE.read(execution), "SIMULATED");
        if (tracing) {
            effect(execution, "Would reserve a coupon of offer " + offer + " (none reserved)");
        }
    }

    private void revokeCoupons(DelegateExecution execution) {
        execution.getProcessInstance().setVariable("revokedCoupons", 0);
        if (tracing) {
            effect(execution, "Would revoke this journey's unredeemed coupons (none revoked)");
        }
    }

    private void checkSegment(DelegateExecution execution) {
        String segment = CheckSegmentStep.SEGMENT.read(execution);
        if (segment == null || !live.segmentExists(segment)) {
            throw new IllegalStateException("Step " + execution.getCurrentActivityId() + " checks segment '" + segment
                    + "', which does not exist");
        }
        boolean in = live.inSegment(segment, execution.getProcessBusinessKey());
        execution.getProcessInstance().setVariable(CheckSegmentStep.RESULT_VARIABLE.read(execution), in);
        if (tracing) {
            effect(execution, "In segment " + segment + " (as it is now): " + in);
        }
    }

    /**
     * A split by the customer's bucket alone ({@link ExperimentAssignments#assign}): it records no entry, and an
     * earlier entry or a decision of the live experiment does not change the path.
     */
    private void split(DelegateExecution execution) {
        ExperimentAssignments.Assignment assignment = SplitStep.assignByBucket(execution);
        if (tracing) {
            effect(execution, "Would enter experiment " + assignment.experimentKey() + " on the path '"
                    + assignment.variant() + "'" + (assignment.holdout() ? " (the holdout)" : "") + " (none recorded)");
        }
    }

    private void effect(DelegateExecution execution, String detail) {
        entries.add(new SimulationTrace.Entry(now, "effect", execution.getCurrentActivityId(),
                nameOf(execution.getCurrentActivityId()), detail));
    }

    /** The engine's history, counted (and for a trace, kept) in memory instead of written to tables. */
    private final class Recorder implements HistoryEventHandler {

        @Override
        public void handleEvent(HistoryEvent event) {
            if (event instanceof HistoricActivityInstanceEventEntity activity) {
                long[] counts = stepCounts.get(activity.getActivityId());
                boolean start = activity.isEventOfType(HistoryEventTypes.ACTIVITY_INSTANCE_START);
                boolean end = activity.isEventOfType(HistoryEventTypes.ACTIVITY_INSTANCE_END);
                if (counts != null && start) {
                    counts[0]++;
                    if (goals.contains(activity.getActivityId())) {
                        converted++;
                    }
                } else if (counts != null && end) {
                    counts[1]++;
                }
                if (tracing && (start || end)) {
                    entries.add(new SimulationTrace.Entry(now, start ? "entered" : "left", activity.getActivityId(),
                            nameOf(activity.getActivityId()), activity.getActivityType()));
                }
            } else if (event instanceof HistoricProcessInstanceEventEntity instance) {
                if (instance.isEventOfType(HistoryEventTypes.PROCESS_INSTANCE_START)) {
                    entered++;
                    customerOfInstance.put(instance.getProcessInstanceId(), instance.getBusinessKey());
                    activeInstances.computeIfAbsent(instance.getBusinessKey(), k -> new HashSet<>())
                            .add(instance.getProcessInstanceId());
                } else if (instance.isEventOfType(HistoryEventTypes.PROCESS_INSTANCE_END)) {
                    String customer = customerOfInstance.remove(instance.getProcessInstanceId());
                    Set<String> active = customer == null ? null : activeInstances.get(customer);
                    if (active != null) {
                        active.remove(instance.getProcessInstanceId());
                        if (active.isEmpty()) {
                            activeInstances.remove(customer);
                        }
                    }
                    couponPending.remove(instance.getProcessInstanceId());
                }
            }
        }

        @Override
        public void handleEvents(List<HistoryEvent> events) {
            events.forEach(this::handleEvent);
        }
    }

    private final Set<String> enteredCustomers = new HashSet<>();

    /** The figures so far. */
    SimulationReport report(Instant from, Instant to, List<String> notes) {
        List<SimulationReport.StepFigure> steps = new ArrayList<>();
        stepCounts.forEach((id, counts) -> {
            var element = model.getModelElementById(id);
            steps.add(new SimulationReport.StepFigure(id, nameOf(id), element.getElementType().getTypeName(),
                    counts[0], counts[1], Math.max(0, counts[0] - counts[1]), counts[3]));
        });
        List<SimulationReport.TemplateEmails> perTemplate = new ArrayList<>();
        emailCounts.forEach((key, counts) -> {
            String[] parts = key.split("\u0000", 2);
            perTemplate.add(new SimulationReport.TemplateEmails(parts[0], parts[1], counts[0], counts[1], counts[2],
                    counts[3], counts[4]));
        });
        enteredCustomers.addAll(everEntered.stream().map(k -> k.split("\u0000", 2)[0]).toList());
        return new SimulationReport(from, to, replayed, customersSeen.size(), entered, enteredCustomers.size(),
                converted, entered == 0 ? null : (double) converted / entered, failed, steps, perTemplate, notes);
    }

    SimulationTrace trace(String customerId, Instant from, Instant to) {
        List<SimulationTrace.Entry> sorted = new ArrayList<>(entries);
        return new SimulationTrace(customerId, from, to, sorted, List.copyOf(emails));
    }

    private static String property(EndEvent end, String name) {
        if (end.getExtensionElements() == null) {
            return null;
        }
        return end.getExtensionElements().getElementsQuery().filterByType(CamundaProperties.class).list().stream()
                .flatMap(properties -> properties.getCamundaProperties().stream())
                .filter(p -> name.equals(p.getCamundaName())).map(CamundaProperty::getCamundaValue)
                .findFirst().orElse(null);
    }

    @Override
    public void close() {
        engine.close();
        // The pool's connections keep the in-memory database alive (DB_CLOSE_DELAY=-1): drop it for good.
        try (var connection = java.sql.DriverManager.getConnection(
                engine.getProcessEngineConfiguration().getJdbcUrl(), "sa", "")) {
            connection.createStatement().execute("SHUTDOWN");
        } catch (java.sql.SQLException ignored) {
            // already gone
        }
    }

    private record DueTimer(Instant due, long sequence, String jobId, String customerId)
            implements Comparable<DueTimer> {

        @Override
        public int compareTo(DueTimer other) {
            int byDue = due.compareTo(other.due);
            return byDue != 0 ? byDue : Long.compare(sequence, other.sequence);
        }
    }

    static Duration horizonOf(int days) {
        return Duration.ofDays(days);
    }
}
