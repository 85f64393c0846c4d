package io.stageflow.journeys;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.stageflow.web.FieldViolation;
import io.stageflow.web.InvalidInputException;

import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.batch.Batch;
import org.camunda.bpm.engine.batch.BatchStatistics;
import org.camunda.bpm.engine.batch.history.HistoricBatch;
import org.camunda.bpm.engine.migration.MigrationInstruction;
import org.camunda.bpm.engine.migration.MigrationInstructionValidationReport;
import org.camunda.bpm.engine.migration.MigrationPlan;
import org.camunda.bpm.engine.migration.MigrationPlanBuilder;
import org.camunda.bpm.engine.migration.MigrationPlanValidationException;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.camunda.bpm.engine.runtime.ActivityInstance;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.runtime.TransitionInstance;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.instance.EventBasedGateway;
import org.camunda.bpm.model.bpmn.instance.FlowNode;
import org.camunda.bpm.model.bpmn.instance.SequenceFlow;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Moves a journey's customers in flight from one version to another (docs/console.md, docs/api.md), as a Camunda
 * migration batch: steps of the same id in both versions are mapped, the marketer maps the rest. Before anything
 * runs, the preview says for each running customer of the old version whether they can move and, if not, why (no
 * mapping for the step they are at, or the plan's own problems, per step). Timers and waits keep their triggers: a
 * waiting timer keeps its due date, a customer waiting for an order still receives it. Each migration is kept in
 * {@code sf_journey_migration}, and its progress read from the engine's batch. None of the engine's types leave this
 * class.
 */
@Component
public class JourneyMigrations {

    /** How many customers a preview names one by one, of those who can and of those who cannot move. */
    static final int LISTED = 200;
    private static final int PAGE = 500;
    /** The BPMN types a customer can be at without an asynchronous continuation. */
    private static final Set<String> WAITS = Set.of("intermediateCatchEvent", "receiveTask", "userTask", "manualTask",
            "eventBasedGateway", "boundaryEvent", "subProcess", "callActivity", "transaction");
    private static final TypeReference<Map<String, String>> MAPPINGS = new TypeReference<>() {
    };

    private final RepositoryService repository;
    private final RuntimeService runtime;
    private final ManagementService management;
    private final HistoryService history;
    private final JdbcClient jdbc;
    private final ObjectMapper json;
    private final Clock clock;

    JourneyMigrations(RepositoryService repository, RuntimeService runtime, ManagementService management,
            HistoryService history, JdbcClient jdbc, ObjectMapper json, Clock clock) {
        this.repository = repository;
        this.runtime = runtime;
        this.management = management;
        this.history = history;
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
    }

    /**
     * What the marketer asks for: move the customers of {@code fromVersion} to {@code toVersion}, with these extra
     * mappings of a step of the old version (by id) to a step of the new one (null: none).
     */
    public record Request(Integer fromVersion, Integer toVersion, Map<String, String> mappings) {

        public Request {
            mappings = mappings == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(mappings));
        }
    }

    /**
     * A step of a version: its id, its name in the diagram (or the id), its BPMN type, and whether a customer can be
     * at it between two transactions (a wait, a task, a gateway waiting for events, or an asynchronous step), which
     * is where a migration finds them.
     */
    public record Step(String id, String name, String type, boolean canWait) {
    }

    /** A mapping of a step of the old version to one of the new; {@code sameId} when mapped by their equal ids. */
    public record Mapping(Step from, Step to, boolean sameId) {
    }

    /** A problem of the plan with one step, in the engine's words. */
    public record PlanProblem(String fromStep, String toStep, List<String> failures) {
    }

    /** One running customer of the old version: the steps they are at, and whether and why (not) they can move. */
    public record Customer(String customerId, String instanceId, List<Step> atSteps, boolean canMove,
            List<String> reasons) {
    }

    /**
     * What a migration would do now.
     *
     * @param mappings      every mapping of the plan (same ids and the marketer's), in the old version's order
     * @param unmapped      steps of the old version with no mapping that a customer can be at (one there cannot move)
     * @param problems      the plan's own problems, per step (none: the plan is valid)
     * @param warnings      what moves differently than one may think (a wait after a gateway with no mapping)
     * @param canMove       how many running customers of the old version can move
     * @param cannotMove    how many cannot
     * @param customers     the customers one by one, at most {@value #LISTED} who can and {@value #LISTED} who cannot
     */
    public record Preview(String journeyKey, int fromVersion, int toVersion, List<Mapping> mappings,
            List<Step> unmapped, List<PlanProblem> problems, List<String> warnings, int canMove, int cannotMove,
            List<Customer> customers) {
    }

    /** How far a migration's batch got. {@code status}: running, completed, failed (jobs failed; see Cockpit). */
    public record Progress(String status, int total, int done, int failed, int percent, Instant finishedAt) {

        public boolean finished() {
            return !"running".equals(status);
        }
    }

    /** A migration, as recorded in the journey's history, with its progress. */
    public record Migration(long id, String journeyKey, int fromVersion, int toVersion, String batchId,
            int instances, int skipped, String requestedBy, Instant requestedAt, Map<String, String> mappings,
            Progress progress) {
    }

    /** Every step (flow node) of the version, in the order of the BPMN file; empty when there is no such version. */
    public List<Step> steps(String key, int version) {
        return definition(key, version).map(definition -> List.copyOf(steps(definition).values())).orElse(List.of());
    }

    /**
     * The steps of version {@code from} that the engine maps by themselves to the step of the same id in version
     * {@code to} (not every step of the same id: a wait after a renamed gateway is not), by id.
     */
    public Map<String, String> sameIdMappings(String key, int from, int to) {
        Optional<ProcessDefinition> source = definition(key, from);
        Optional<ProcessDefinition> target = definition(key, to);
        if (source.isEmpty() || target.isEmpty() || source.get().getId().equals(target.get().getId())) {
            return Map.of();
        }
        return sameIds(source.get(), target.get());
    }

    private Map<String, String> sameIds(ProcessDefinition from, ProcessDefinition to) {
        Map<String, String> sameIds = new LinkedHashMap<>();
        for (MigrationInstruction instruction : runtime.createMigrationPlan(from.getId(), to.getId())
                .mapEqualActivities().build().getInstructions()) {
            sameIds.put(instruction.getSourceActivityId(), instruction.getTargetActivityId());
        }
        return sameIds;
    }

    /** How many customers are in the version now. */
    public long running(String key, int version) {
        return definition(key, version).map(definition -> runtime.createProcessInstanceQuery()
                .processDefinitionId(definition.getId()).count()).orElse(0L);
    }

    /**
     * Who could move now, and why not. Bad input (an unknown version, the same version twice, a mapping naming a
     * step that is not in its version) is refused by field; the plan's own problems are part of the answer.
     */
    public Preview preview(String key, Request request) {
        return plan(key, request).preview;
    }

    /**
     * Starts moving every customer of the old version who can move now, as a batch of the engine, and records it.
     * Refused (by field) when the plan has problems or nobody can move.
     */
    @Transactional
    public Migration start(String key, Request request, String requestedBy) {
        // Before the plan: a batch that ends between the plan and this check would leave the plan counting
        // customers the batch has moved since.
        for (Migration earlier : migrations(key)) {
            if (request.fromVersion() != null && earlier.fromVersion() == request.fromVersion()
                    && stillMoving(earlier.batchId())) {
                throw new InvalidInputException("fromVersion", "is being moved already, by migration "
                        + earlier.id() + ": wait until it has finished");
            }
        }
        Planned planned = plan(key, request);
        Preview preview = planned.preview;
        if (!preview.problems().isEmpty()) {
            List<FieldViolation> violations = new ArrayList<>();
            for (PlanProblem problem : preview.problems()) {
                String field = request.mappings().containsKey(problem.fromStep()) ? "mappings." + problem.fromStep()
                        : "mappings";
                violations.add(new FieldViolation(field, "step " + problem.fromStep() + " -> " + problem.toStep()
                        + ": " + String.join("; ", problem.failures())));
            }
            throw new InvalidInputException(violations);
        }
        if (planned.movable.isEmpty()) {
            throw new InvalidInputException("fromVersion", "has no running customer who can move to version "
                    + preview.toVersion() + " (" + preview.cannotMove() + " cannot; see the preview)");
        }
        // Without updateEventTriggers: a waiting timer keeps its due date, a message wait its subscription.
        Batch batch = runtime.newMigration(planned.plan).processInstanceIds(planned.movable).executeAsync();
        Instant now = clock.instant();
        KeyHolder id = new GeneratedKeyHolder();
        jdbc.sql("""
                insert into sf_journey_migration (journey_key, from_version, to_version, batch_id, instances, skipped,
                                                  requested_by, requested_at, mappings)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(key, preview.fromVersion(), preview.toVersion(), batch.getId(), planned.movable.size(),
                        preview.cannotMove(), requestedBy, Timestamp.from(now), write(request.mappings()))
                .update(id, "id");
        return migration(key, id.getKeyAs(Number.class).longValue()).orElseThrow();
    }

    /**
     * Whether a migration's batch may still move customers: its batch is there and not stopped on failed jobs
     * alone. Stricter than its progress: a batch whose jobs are all done stays until its monitor job removes it,
     * and until then the progress statistics are no promise that no job is left to run (a second migration of the
     * same version once started while the first had moved one of its two customers).
     */
    private boolean stillMoving(String batchId) {
        BatchStatistics statistics = management.createBatchStatisticsQuery().batchId(batchId).singleResult();
        if (statistics == null) {
            return false;
        }
        int failed = statistics.getFailedJobs();
        return !(failed > 0 && statistics.getRemainingJobs() == failed);
    }

    /** The journey's migrations, newest first, each with its progress. */
    public List<Migration> migrations(String key) {
        return jdbc.sql("select * from sf_journey_migration where journey_key = ? order by requested_at desc, id desc")
                .param(key).query(this::row).list().stream().map(this::withProgress).toList();
    }

    /** One migration of the journey, with its progress. */
    public Optional<Migration> migration(String key, long id) {
        return jdbc.sql("select * from sf_journey_migration where journey_key = ? and id = ?").params(key, id)
                .query(this::row).optional().map(this::withProgress);
    }

    private Migration row(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new Migration(rs.getLong("id"), rs.getString("journey_key"), rs.getInt("from_version"),
                rs.getInt("to_version"), rs.getString("batch_id"), rs.getInt("instances"), rs.getInt("skipped"),
                rs.getString("requested_by"), rs.getTimestamp("requested_at").toInstant(),
                read(rs.getString("mappings")), null);
    }

    private Migration withProgress(Migration migration) {
        return new Migration(migration.id(), migration.journeyKey(), migration.fromVersion(), migration.toVersion(),
                migration.batchId(), migration.instances(), migration.skipped(), migration.requestedBy(),
                migration.requestedAt(), migration.mappings(), progress(migration.batchId(), migration.instances()));
    }

    /**
     * From the engine's batch while it is there: its jobs done and failed. A batch whose jobs are all done is
     * complete, even before its monitor job (every 30 seconds) removes it. Gone, it completed; the historic batch
     * (kept at history level full) says when.
     */
    private Progress progress(String batchId, int instances) {
        BatchStatistics statistics = management.createBatchStatisticsQuery().batchId(batchId).singleResult();
        if (statistics == null) {
            HistoricBatch finished = history.createHistoricBatchQuery().batchId(batchId).singleResult();
            Instant end = finished == null || finished.getEndTime() == null ? null
                    : finished.getEndTime().toInstant();
            return new Progress("completed", instances, instances, 0, 100, end);
        }
        int total = Math.max(statistics.getTotalJobs(), 1);
        int done = statistics.getCompletedJobs();
        int failed = statistics.getFailedJobs();
        int remaining = statistics.getRemainingJobs();
        String status = remaining == 0 ? "completed" : remaining == failed ? "failed" : "running";
        int perJob = Math.max(statistics.getInvocationsPerBatchJob(), 1);
        int moved = Math.min(instances, done * perJob);
        int failedInstances = Math.min(instances - moved, failed * perJob);
        return new Progress(status, instances, remaining == 0 ? instances : moved, failedInstances,
                remaining == 0 ? 100 : done * 100 / total, null);
    }

    /** The plan for the request, checked, and who can move by it. */
    private record Planned(MigrationPlan plan, Preview preview, List<String> movable) {
    }

    private Planned plan(String key, Request request) {
        List<FieldViolation> violations = new ArrayList<>();
        if (request.fromVersion() == null) {
            violations.add(new FieldViolation("fromVersion", "is required"));
        }
        if (request.toVersion() == null) {
            violations.add(new FieldViolation("toVersion", "is required"));
        }
        throwIfAny(violations);
        ProcessDefinition from = definition(key, request.fromVersion()).orElse(null);
        ProcessDefinition to = definition(key, request.toVersion()).orElse(null);
        if (from == null) {
            violations.add(new FieldViolation("fromVersion", "journey " + key + " has no version "
                    + request.fromVersion()));
        }
        if (to == null) {
            violations.add(new FieldViolation("toVersion", "journey " + key + " has no version "
                    + request.toVersion()));
        }
        if (from != null && to != null && from.getId().equals(to.getId())) {
            violations.add(new FieldViolation("toVersion", "is the version they are on: choose another"));
        }
        throwIfAny(violations);
        Map<String, Step> fromSteps = steps(from);
        Map<String, Step> toSteps = steps(to);
        for (Map.Entry<String, String> mapping : request.mappings().entrySet()) {
            String field = "mappings." + mapping.getKey();
            if (!fromSteps.containsKey(mapping.getKey())) {
                violations.add(new FieldViolation(field, "version " + from.getVersion() + " has no step "
                        + mapping.getKey()));
            } else if (mapping.getValue() == null || !toSteps.containsKey(mapping.getValue())) {
                violations.add(new FieldViolation(field, "version " + to.getVersion() + " has no step "
                        + mapping.getValue()));
            }
        }
        throwIfAny(violations);

        Map<String, String> sameIds = sameIds(from, to);
        MigrationPlanBuilder builder = runtime.createMigrationPlan(from.getId(), to.getId()).mapEqualActivities();
        for (Map.Entry<String, String> mapping : request.mappings().entrySet()) {
            String same = sameIds.get(mapping.getKey());
            if (same != null && !same.equals(mapping.getValue())) {
                violations.add(new FieldViolation("mappings." + mapping.getKey(), "is mapped to the step of the same"
                        + " id in version " + to.getVersion() + " already: leave it out, or map it there"));
            } else if (same == null) {
                builder = builder.mapActivities(mapping.getKey(), mapping.getValue());
            }
        }
        throwIfAny(violations);

        MigrationPlan plan = null;
        List<PlanProblem> problems = new ArrayList<>();
        Map<String, String> mapped = new LinkedHashMap<>(sameIds);
        mapped.putAll(request.mappings());
        try {
            plan = builder.build();
        } catch (MigrationPlanValidationException invalid) {
            for (MigrationInstructionValidationReport report : invalid.getValidationReport()
                    .getInstructionReports()) {
                problems.add(new PlanProblem(report.getMigrationInstruction().getSourceActivityId(),
                        report.getMigrationInstruction().getTargetActivityId(), List.copyOf(report.getFailures())));
            }
            if (problems.isEmpty()) {
                problems.add(new PlanProblem("", "", List.of(invalid.getMessage())));
            }
        }

        List<Mapping> mappings = new ArrayList<>();
        List<Step> unmapped = new ArrayList<>();
        for (Step step : fromSteps.values()) {
            String target = mapped.get(step.id());
            if (target == null) {
                if (step.canWait()) {
                    unmapped.add(step);
                }
            } else {
                mappings.add(new Mapping(step, toSteps.get(target), sameIds.containsKey(step.id())));
            }
        }

        List<Customer> customers = new ArrayList<>();
        List<String> movable = new ArrayList<>();
        int cannot = 0;
        Map<String, PlanProblem> problemsByStep = new HashMap<>();
        problems.forEach(problem -> problemsByStep.put(problem.fromStep(), problem));
        int first = 0;
        List<ProcessInstance> page;
        do {
            page = runtime.createProcessInstanceQuery().processDefinitionId(from.getId()).orderByProcessInstanceId()
                    .asc().listPage(first, PAGE);
            first += PAGE;
            for (ProcessInstance instance : page) {
                ActivityInstance tree = runtime.getActivityInstance(instance.getId());
                if (tree == null) {
                    continue; // ended meanwhile
                }
                Set<String> at = new LinkedHashSet<>();
                leaves(tree, at);
                List<String> reasons = new ArrayList<>();
                for (String activity : at) {
                    Step step = fromSteps.getOrDefault(activity, new Step(activity, activity, "unknown", true));
                    PlanProblem problem = problemsByStep.get(activity);
                    if (!mapped.containsKey(activity)) {
                        reasons.add("no mapping for their step '" + step.name() + "' (" + step.id() + ") in version "
                                + to.getVersion());
                    } else if (problem != null) {
                        reasons.add("their step '" + step.name() + "' (" + step.id() + ") cannot move to "
                                + problem.toStep() + ": " + String.join("; ", problem.failures()));
                    }
                }
                if (reasons.isEmpty() && !problems.isEmpty()) {
                    reasons.add("the plan has problems with other steps (see problems)");
                }
                boolean canMove = reasons.isEmpty();
                if (canMove) {
                    movable.add(instance.getId());
                } else {
                    cannot++;
                }
                if (canMove ? movable.size() <= LISTED : cannot <= LISTED) {
                    customers.add(new Customer(instance.getBusinessKey(), instance.getId(),
                            at.stream().map(id -> fromSteps.getOrDefault(id, new Step(id, id, "unknown", true))).toList(),
                            canMove, List.copyOf(reasons)));
                }
            }
        } while (page.size() == PAGE);

        Preview preview = new Preview(key, from.getVersion(), to.getVersion(), List.copyOf(mappings),
                List.copyOf(unmapped), List.copyOf(problems), warnings(from, mapped, fromSteps), movable.size(),
                cannot, List.copyOf(customers));
        return new Planned(plan, preview, List.copyOf(movable));
    }

    /**
     * A wait after an event-based gateway that is mapped while the wait itself is not: the engine drops the old
     * wait and starts the new version's afresh when the customer moves (a timer counts from the move).
     */
    private List<String> warnings(ProcessDefinition from, Map<String, String> mapped, Map<String, Step> fromSteps) {
        List<String> warnings = new ArrayList<>();
        BpmnModelInstance model = repository.getBpmnModelInstance(from.getId());
        for (EventBasedGateway gateway : model.getModelElementsByType(EventBasedGateway.class)) {
            if (!mapped.containsKey(gateway.getId())) {
                continue;
            }
            for (SequenceFlow flow : gateway.getOutgoing()) {
                FlowNode event = flow.getTarget();
                if (!mapped.containsKey(event.getId())) {
                    warnings.add("'" + fromSteps.get(event.getId()).name() + "' (" + event.getId() + ") after '"
                            + fromSteps.get(gateway.getId()).name() + "' has no mapping: customers waiting there"
                            + " lose it, and the new version's waits after the gateway start afresh when they move"
                            + " (a timer counts from the move)");
                }
            }
        }
        return List.copyOf(warnings);
    }

    /** The ids of the activities the customer is at: the leaves of the activity instance tree, async ones too. */
    private static void leaves(ActivityInstance instance, Collection<String> into) {
        for (TransitionInstance transition : instance.getChildTransitionInstances()) {
            into.add(transition.getActivityId());
        }
        for (ActivityInstance child : instance.getChildActivityInstances()) {
            if (child.getChildActivityInstances().length == 0 && child.getChildTransitionInstances().length == 0) {
                into.add(child.getActivityId());
            } else {
                leaves(child, into);
            }
        }
    }

    private Optional<ProcessDefinition> definition(String key, Integer version) {
        if (version == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(repository.createProcessDefinitionQuery().processDefinitionKey(key)
                .processDefinitionVersion(version).singleResult());
    }

    private Map<String, Step> steps(ProcessDefinition definition) {
        BpmnModelInstance model = repository.getBpmnModelInstance(definition.getId());
        Map<String, Step> steps = new LinkedHashMap<>();
        for (FlowNode node : model.getModelElementsByType(FlowNode.class)) {
            String name = node.getName() == null || node.getName().isBlank() ? node.getId() : node.getName();
            String type = node.getElementType().getTypeName();
            boolean canWait = WAITS.contains(type) || isAsync(node);
            steps.put(node.getId(), new Step(node.getId(), name, type, canWait));
        }
        return steps;
    }

    /** Whether the step has an asynchronous continuation (an event-based gateway cannot say, and cannot have one). */
    private static boolean isAsync(FlowNode node) {
        try {
            return node.isCamundaAsyncBefore() || node.isCamundaAsyncAfter();
        } catch (UnsupportedOperationException notForThisType) {
            return false;
        }
    }

    private static void throwIfAny(List<FieldViolation> violations) {
        if (!violations.isEmpty()) {
            throw new InvalidInputException(violations);
        }
    }

    private String write(Map<String, String> mappings) {
        try {
            return json.writeValueAsString(new TreeMap<>(mappings));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private Map<String, String> read(String mappings) {
        try {
            return json.readValue(mappings, MAPPINGS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("sf_journey_migration.mappings is not a JSON object: " + mappings, e);
        }
    }
}
