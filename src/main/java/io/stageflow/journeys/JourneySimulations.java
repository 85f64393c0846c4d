package io.stageflow.journeys;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.stageflow.customers.Customer;
import io.stageflow.customers.CustomerService;
import io.stageflow.delivery.DeliveryProperties;
import io.stageflow.delivery.SendingWindow;
import io.stageflow.events.EventStore;
import io.stageflow.events.StoredEvent;
import io.stageflow.segments.Segments;
import io.stageflow.subscriptions.EmailCategory;
import io.stageflow.subscriptions.Suppressions;
import io.stageflow.templates.RenderedEmail;
import io.stageflow.templates.TemplateModel;
import io.stageflow.templates.TemplateRenderer;
import io.stageflow.web.FieldViolation;
import io.stageflow.web.InvalidInputException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.annotation.PreDestroy;

import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.repository.DecisionDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Simulating a journey version before it goes live (docs/console.md, docs/api.md): the real stored events of the
 * last days, of every customer or a sample, replayed through an isolated engine with simulated time
 * ({@link SimulationRun}). No email is sent and nothing of the live system changes: the live engine, its job executor,
 * the outbox, coupons and stages are never touched; the live database is only read (events, profiles, suppressions,
 * segments) and this feature's own table written. Simulations run in the background, one at a time per node, with
 * their progress in this node's memory; each is kept with its report in {@code sf_journey_simulation}. A customer's
 * trace is the same replay for that customer alone, with every step kept and every email rendered.
 */
@Component
public class JourneySimulations {

    private static final Logger log = LoggerFactory.getLogger(JourneySimulations.class);
    static final int MAX_DAYS = 90;
    static final int TRY_DAYS = 30;
    private static final List<String> NOTES = List.of(
            "Nothing was sent and nothing of the live system changed; the live database was only read.",
            "Pacing counts only this journey's simulated emails: other journeys' emails in the same days are not simulated.",
            "Segment checks and profiles (time zone, consent, suppressions) are as they are now, not as they were then.",
            "Event effects (stage changes by orders, coupon redemptions) and other journeys are not simulated.",
            "Message names given as expressions are not replayed.");

    private final JourneyCatalog catalog;
    private final RepositoryService repository;
    private final EventStore events;
    private final CustomerService customers;
    private final Suppressions suppressions;
    private final Segments segments;
    private final TemplateRenderer renderer;
    private final TemplateModel templateModel;
    private final DeliveryProperties delivery;
    private final SendingWindow window;
    private final DeploymentPolicy policy;
    private final JdbcClient jdbc;
    private final ObjectMapper json;
    private final Clock clock;
    private final ExecutorService runner = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "journey-simulation");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<String, Running> running = new ConcurrentHashMap<>();
    /** The engines one simulation runs at once, each with its share of the customers: one per core, at most 4. */
    private static final int SHARDS = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), 4));
    private static final int SHARD_QUEUE = 4096;
    /** Put after the last event for a shard. */
    private static final StoredEvent END_OF_EVENTS = new StoredEvent(-1, "", "", "", Instant.EPOCH, Instant.EPOCH,
            Map.of(), null, 0, 0, null);
    private final ExecutorService shardWorkers = Executors.newFixedThreadPool(SHARDS, task -> {
        Thread thread = new Thread(task, "journey-simulation-shard");
        thread.setDaemon(true);
        return thread;
    });

    JourneySimulations(JourneyCatalog catalog, RepositoryService repository, EventStore events,
            CustomerService customers, Suppressions suppressions, Segments segments, TemplateRenderer renderer,
            TemplateModel templateModel, DeliveryProperties delivery, SendingWindow window, DeploymentPolicy policy,
            JdbcClient jdbc, ObjectMapper json, Clock clock) {
        this.catalog = catalog;
        this.repository = repository;
        this.events = events;
        this.customers = customers;
        this.suppressions = suppressions;
        this.segments = segments;
        this.renderer = renderer;
        this.templateModel = templateModel;
        this.delivery = delivery;
        this.window = window;
        this.policy = policy;
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
    }

    /** A simulation as it stands: its progress while it runs, then its report. */
    public record Simulation(String id, String journeyKey, Integer version, String fileName, int days, Integer sample,
            Instant from, Instant to, String status, int progressPercent, long eventsRead, long eventsTotal,
            String startedBy, Instant startedAt, Instant finishedAt, String problem, SimulationReport report) {

        public boolean finished() {
            return !"QUEUED".equals(status) && !"RUNNING".equals(status);
        }
    }

    /** What "try it on one customer" shows: each email as it would arrive, and the whole trace. */
    public record TryResult(String journeyKey, Integer version, String customerId, String startedOn, Instant from,
            Instant until, List<SimulationTrace.Email> emails, SimulationTrace trace) {
    }

    /** What to simulate: a deployed version (null: the latest) or an uploaded file, the days, an optional sample. */
    public record Request(Integer version, String fileName, byte[] file, Integer days, Integer sample) {
    }

    private static final class Running {
        final AtomicBoolean cancel = new AtomicBoolean();
        final AtomicLong read = new AtomicLong();
        volatile long total;
        volatile String status = "QUEUED";
    }

    /** Checks the request, records the simulation and queues it; refuses bad input naming the field. */
    public Simulation start(String key, Request request, String user) {
        List<FieldViolation> violations = new ArrayList<>();
        int days = request.days() == null ? 30 : request.days();
        if (days < 1 || days > MAX_DAYS) {
            violations.add(new FieldViolation("days", "must be between 1 and " + MAX_DAYS));
        }
        if (request.sample() != null && request.sample() < 1) {
            violations.add(new FieldViolation("sample", "must be at least 1 customer, or left out for all"));
        }
        String bpmn = bpmnOf(key, request, violations);
        if (!violations.isEmpty()) {
            throw new InvalidInputException(violations);
        }
        // Deploy it once into a throw-away engine now, so that a file the engine or the policy refuses is a 400.
        try (SimulationRun check = newRun(key, bpmn, false)) {
            check.eventTypes();
        } catch (RuntimeException refused) {
            throw new InvalidInputException(request.file() != null ? "file" : "version",
                    "cannot be simulated: " + refused.getMessage());
        }
        Instant to = clock.instant();
        Instant from = to.minus(Duration.ofDays(days));
        String id = UUID.randomUUID().toString();
        Integer version = request.file() != null ? null
                : request.version() != null ? request.version() : catalog.versions(key).get(0);
        jdbc.sql("""
                insert into sf_journey_simulation (id, journey_key, version, file_name, bpmn, days, sample, window_from,
                    window_to, status, started_by, started_at)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, 'QUEUED', ?, ?)""")
                .params(id, key, version, request.file() == null ? null : request.fileName(), bpmn, days,
                        request.sample(), Timestamp.from(from), Timestamp.from(to), user, Timestamp.from(to))
                .update();
        Running state = new Running();
        running.put(id, state);
        runner.submit(() -> run(id, key, bpmn, from, to, request.sample(), state));
        return find(key, id).orElseThrow();
    }

    private String bpmnOf(String key, Request request, List<FieldViolation> violations) {
        if (request.file() != null) {
            if (request.file().length == 0) {
                violations.add(new FieldViolation("file", "is empty"));
                return null;
            }
            String xml = new String(request.file(), StandardCharsets.UTF_8);
            if (!xml.contains("id=\"" + key + "\"")) {
                violations.add(new FieldViolation("file", "has no process with the id " + key));
            }
            return xml;
        }
        List<Integer> versions = catalog.versions(key);
        if (request.version() != null && !versions.contains(request.version())) {
            violations.add(new FieldViolation("version", "journey " + key + " has no version " + request.version()));
            return null;
        }
        return catalog.diagram(key, request.version()).orElse(null);
    }

    private void run(String id, String key, String bpmn, Instant from, Instant to, Integer sample, Running state) {
        if (state.cancel.get()) {
            finish(id, "CANCELLED", null, null, state);
            return;
        }
        state.status = "RUNNING";
        jdbc.sql("update sf_journey_simulation set status = 'RUNNING' where id = ?").param(id).update();
        List<SimulationRun> shards = new ArrayList<>();
        try {
            for (int i = 0; i < SHARDS; i++) {
                shards.add(newRun(key, bpmn, false));
            }
            Set<String> types = shards.get(0).eventTypes();
            Set<String> chosen = sample == null ? null : sampleOf(types, from, to, sample, id);
            state.total = events.countHistory(types, from, to, null);
            boolean done = replaySharded(shards, history(types, from, to, null), chosen, to, state);
            if (!done) {
                finish(id, "CANCELLED", null, null, state);
                return;
            }
            SimulationReport report = SimulationReport.combine(shards.stream()
                    .map(shard -> shard.report(from, to, NOTES)).toList());
            finish(id, "DONE", json.writeValueAsString(report), null, state);
        } catch (JsonProcessingException | RuntimeException e) {
            log.warn("Simulation {} of journey {} failed", id, key, e);
            finish(id, "FAILED", null, String.valueOf(e.getMessage()), state);
        } finally {
            shards.forEach(SimulationRun::close);
        }
    }

    /**
     * Replays the events over several isolated engines at once, each with its share of the customers (customers do
     * not affect one another in a simulation: pacing and re-entry are per customer), fed in order by this thread.
     * False when cancelled.
     */
    private boolean replaySharded(List<SimulationRun> shards, SimulationRun.EventSource source, Set<String> sample,
            Instant until, Running state) {
        if (shards.size() == 1) {
            return shards.get(0).replay(source, sample, until, state.cancel::get, state.read::set);
        }
        List<BlockingQueue<StoredEvent>> queues = new ArrayList<>();
        List<Future<?>> workers = new ArrayList<>();
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        for (SimulationRun shard : shards) {
            BlockingQueue<StoredEvent> queue = new ArrayBlockingQueue<>(SHARD_QUEUE);
            queues.add(queue);
            workers.add(shardWorkers.submit(() -> {
                try {
                    for (StoredEvent event = queue.take(); event != END_OF_EVENTS; event = queue.take()) {
                        if (failure.get() == null && !state.cancel.get()) {
                            shard.accept(event);
                        }
                    }
                    if (failure.get() == null && !state.cancel.get()) {
                        shard.finish(until);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    failure.compareAndSet(null, e);
                    queue.clear();
                    drain(queue);
                }
                return null;
            }));
        }
        boolean read;
        try {
            read = SimulationRun.readAll(source, () -> state.cancel.get() || failure.get() != null, state.read::set,
                    event -> {
                        if (sample == null || sample.contains(event.customerId())) {
                            put(queues.get(Math.floorMod(event.customerId().hashCode(), queues.size())), event);
                        }
                    });
        } finally {
            queues.forEach(queue -> put(queue, END_OF_EVENTS));
        }
        for (Future<?> worker : workers) {
            try {
                worker.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        return read && !state.cancel.get();
    }

    /** After a shard failed: takes what the reader still hands it, so that the reader is never stuck on it. */
    private static void drain(BlockingQueue<StoredEvent> queue) throws InterruptedException {
        while (queue.take() != END_OF_EVENTS) {
            queue.clear();
        }
    }

    private static void put(BlockingQueue<StoredEvent> queue, StoredEvent event) {
        try {
            queue.put(event);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while handing events to a simulation", e);
        }
    }

    private Set<String> sampleOf(Set<String> types, Instant from, Instant to, int size, String seed) {
        List<String> all = new ArrayList<>(events.customersInHistory(types, from, to));
        Collections.sort(all);
        Collections.shuffle(all, new Random(seed.hashCode()));
        return new HashSet<>(all.subList(0, Math.min(size, all.size())));
    }

    private void finish(String id, String status, String report, String problem, Running state) {
        jdbc.sql("update sf_journey_simulation set status = ?, finished_at = ?, report = ?, problem = ? where id = ?")
                .params(status, Timestamp.from(clock.instant()), report,
                        problem == null ? null : problem.substring(0, Math.min(problem.length(), 1000)), id)
                .update();
        state.status = status;
        running.remove(id);
    }

    /** Asks a queued or running simulation to stop; false when it is not running on this node. */
    public boolean cancel(String key, String id) {
        Optional<Simulation> simulation = find(key, id);
        Running state = running.get(id);
        if (simulation.isEmpty() || state == null) {
            return false;
        }
        state.cancel.set(true);
        return true;
    }

    /** The simulation of this journey, with its progress or report. */
    public Optional<Simulation> find(String key, String id) {
        return jdbc.sql("select * from sf_journey_simulation where id = ? and journey_key = ?").params(id, key)
                .query((rs, row) -> {
                    String status = rs.getString("status");
                    Running state = running.get(id);
                    long read = state == null ? 0 : state.read.get();
                    long total = state == null ? 0 : state.total;
                    int percent = "DONE".equals(status) ? 100
                            : total == 0 ? 0 : (int) Math.min(99, 100 * read / total);
                    String report = rs.getString("report");
                    Timestamp finished = rs.getTimestamp("finished_at");
                    int sample = rs.getInt("sample");
                    boolean noSample = rs.wasNull();
                    int version = rs.getInt("version");
                    boolean noVersion = rs.wasNull();
                    return new Simulation(id, key, noVersion ? null : version, rs.getString("file_name"),
                            rs.getInt("days"), noSample ? null : sample, rs.getTimestamp("window_from").toInstant(),
                            rs.getTimestamp("window_to").toInstant(), status, percent, read, total,
                            rs.getString("started_by"), rs.getTimestamp("started_at").toInstant(),
                            finished == null ? null : finished.toInstant(), rs.getString("problem"),
                            report == null ? null : readReport(report));
                }).optional();
    }

    /** The journey's recent simulations, newest first, without their reports. */
    public List<Simulation> recent(String key, int limit) {
        return jdbc.sql("select id from sf_journey_simulation where journey_key = ? order by started_at desc limit ?")
                .params(key, limit).query(String.class).list().stream()
                .map(id -> find(key, id)).flatMap(Optional::stream).toList();
    }

    private SimulationReport readReport(String report) {
        try {
            return json.readValue(report, SimulationReport.class);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The BPMN file a simulation ran, to draw its figures on. */
    public Optional<String> bpmn(String key, String id) {
        return jdbc.sql("select bpmn from sf_journey_simulation where id = ? and journey_key = ?").params(id, key)
                .query(String.class).optional();
    }

    /**
     * One customer's trace in a finished simulation: the same replay (same file, same period) for that customer
     * alone, every step kept and every email rendered; empty when there is no such simulation.
     */
    public Optional<SimulationTrace> trace(String key, String id, String customerId) {
        Optional<Simulation> simulation = find(key, id);
        if (simulation.isEmpty()) {
            return Optional.empty();
        }
        String bpmn = bpmn(key, id).orElseThrow();
        Instant from = simulation.get().from();
        Instant to = simulation.get().to();
        try (SimulationRun run = newRun(key, bpmn, true)) {
            run.replay(history(run.eventTypes(), from, to, customerId), null, to, () -> false, read -> { });
            return Optional.of(run.trace(customerId, from, to));
        }
    }

    /**
     * "Try it on one customer": the customer enters the version now, as if its start event had just arrived with
     * these properties, and time is fast-forwarded over {@code days} with no other event: every email as it would
     * arrive, and when.
     */
    public TryResult tryOn(String key, Integer version, String customerId, Integer days,
            Map<String, Object> properties) {
        List<FieldViolation> violations = new ArrayList<>();
        int horizon = days == null ? TRY_DAYS : days;
        if (horizon < 1 || horizon > MAX_DAYS) {
            violations.add(new FieldViolation("days", "must be between 1 and " + MAX_DAYS));
        }
        if (customerId == null || customerId.isBlank()) {
            violations.add(new FieldViolation("customerId", "must name a customer"));
        } else if (customers.find(customerId).isEmpty()) {
            violations.add(new FieldViolation("customerId", "no customer " + customerId));
        }
        String bpmn = bpmnOf(key, new Request(version, null, null, horizon, null), violations);
        if (!violations.isEmpty()) {
            throw new InvalidInputException(violations);
        }
        Instant from = clock.instant();
        Instant until = from.plus(Duration.ofDays(horizon));
        try (SimulationRun run = newRun(key, bpmn, true)) {
            String type = run.startEventType();
            if (type == null) {
                throw new InvalidInputException("version", "the journey starts on no event, so it cannot be tried");
            }
            StoredEvent start = new StoredEvent(0, "simulation-try-" + UUID.randomUUID(), type, customerId, from, from,
                    properties == null ? Map.of() : new LinkedHashMap<>(properties), null, 0, 0, null);
            run.replay(new SimulationRun.EventSource() {
                @Override
                public List<StoredEvent> page(Instant afterOccurredAt, long afterId, int limit) {
                    return afterOccurredAt == null ? List.of(start) : List.of();
                }

                @Override
                public long count() {
                    return 1;
                }
            }, null, until, () -> false, read -> { });
            SimulationTrace trace = run.trace(customerId, from, until);
            return new TryResult(key, version == null ? catalog.versions(key).get(0) : version, customerId, type,
                    from, until, trace.emails(), trace);
        }
    }

    private SimulationRun.EventSource history(Set<String> types, Instant from, Instant to, String customerId) {
        return new SimulationRun.EventSource() {
            @Override
            public List<StoredEvent> page(Instant afterOccurredAt, long afterId, int limit) {
                return events.history(types, from, to, customerId, afterOccurredAt, afterId, limit);
            }

            @Override
            public long count() {
                return events.countHistory(types, from, to, customerId);
            }
        };
    }

    SimulationRun newRun(String key, String bpmn, boolean tracing) {
        return new SimulationRun(key, bpmn, decisionTables(), policy, liveReads(),
                new SimulatedPacing(delivery.pacing(), window), tracing);
    }

    /** The latest version of every decision table deployed, for the business rule tasks the journey calls. */
    private Map<String, byte[]> decisionTables() {
        Map<String, byte[]> tables = new LinkedHashMap<>();
        for (DecisionDefinition decision : repository.createDecisionDefinitionQuery().latestVersion().list()) {
            String name = decision.getResourceName();
            if (tables.containsKey(name)) {
                continue;
            }
            try (InputStream content = repository.getResourceAsStream(decision.getDeploymentId(), name)) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                content.transferTo(bytes);
                tables.put(name, bytes.toByteArray());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return tables;
    }

    private SimulationRun.LiveReads liveReads() {
        boolean requireOptIn = delivery.consent().requireOptIn();
        return new SimulationRun.LiveReads() {
            @Override
            public Optional<Customer> customer(String id) {
                return customers.find(id);
            }

            @Override
            public String suppression(String email, EmailCategory category) {
                Suppressions.Reason reason = suppressions.blockingReason(email, category);
                return reason == null ? null : reason.name().toLowerCase(java.util.Locale.ROOT);
            }

            @Override
            public boolean consentsToMarketing(Customer customer) {
                Boolean consent = customer.marketingConsent();
                return consent == null ? !requireOptIn : consent;
            }

            @Override
            public boolean segmentExists(String segment) {
                return segments.exists(segment);
            }

            @Override
            public boolean inSegment(String segment, String customerId) {
                return segments.contains(segment, customerId);
            }

            @Override
            public RenderedEmail render(String template, Customer customer, String journeyKey, boolean withCoupon) {
                return renderer.render(template, customer.locale() == null ? java.util.Locale.ENGLISH
                        : customer.preferredLocale(), templateModel.forSimulation(customer, journeyKey, withCoupon));
            }
        };
    }

    @PreDestroy
    void stop() {
        running.values().forEach(state -> state.cancel.set(true));
        runner.shutdownNow();
        shardWorkers.shutdownNow();
    }
}
