package io.stageflow.journeys;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.stageflow.support.Tallies;

import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.management.ActivityStatistics;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.camunda.bpm.engine.repository.ProcessDefinitionQuery;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.instance.EndEvent;
import org.camunda.bpm.model.bpmn.instance.EventBasedGateway;
import org.camunda.bpm.model.bpmn.instance.FlowNode;
import org.camunda.bpm.model.bpmn.instance.SequenceFlow;
import org.camunda.bpm.model.bpmn.instance.StartEvent;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaProperties;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Journey analytics for a period, from the journey {@link Tallies} that {@link JourneyLedger} keeps rather than
 * from Camunda's history, so that a history cleanup changes no figure and no request scans the
 * history. The diagram supplies the steps' names and the goals; the engine's runtime statistics say who waits where.
 */
@Component
public class JourneyStatistics {

    private final JdbcClient jdbc;
    private final Tallies tallies;
    private final RepositoryService repository;
    private final ManagementService management;

    JourneyStatistics(JdbcClient jdbc, Tallies tallies, RepositoryService repository, ManagementService management) {
        this.jdbc = jdbc;
        this.tallies = tallies;
        this.repository = repository;
        this.management = management;
    }

    /**
     * The report of journey {@code journey}, version {@code version} (null: all versions), for {@code [from, to)};
     * empty when no such journey was ever deployed.
     */
    public Optional<JourneyReport> report(String journey, Integer version, Instant from, Instant to) {
        ProcessDefinitionQuery query = repository.createProcessDefinitionQuery().processDefinitionKey(journey);
        List<ProcessDefinition> definitions = version == null ? query.list() : query.processDefinitionVersion(version).list();
        if (definitions.isEmpty()) {
            return Optional.empty();
        }
        ProcessDefinition latest = definitions.stream().max((a, b) -> Integer.compare(a.getVersion(), b.getVersion()))
                .orElseThrow();
        Map<String, Map<String, Long>> figures = figures(journey, version, from, to);
        Map<String, Long> waiting = waitingNow(definitions);

        BpmnModelInstance model = repository.getBpmnModelInstance(latest.getId());
        Map<String, JourneyReport.Step> steps = new LinkedHashMap<>();
        List<JourneyReport.Exit> exits = new ArrayList<>();
        Map<FlowNode, List<FlowNode>> targets = targets(model);
        for (FlowNode node : inFlowOrder(model, targets)) {
            String type = node.getElementType().getTypeName();
            if (node instanceof EndEvent end) {
                exits.add(new JourneyReport.Exit(end.getId(), end.getName(), isGoal(end),
                        figure(figures, end.getId(), JourneyLedger.Figure.ENDED)));
            } else if (node instanceof EventBasedGateway gateway) {
                // The engine ends the gateway as cancelled when one of its events fires: those who moved on are the
                // ones who reached its events, which nothing else leads to.
                long movedOn = targets.getOrDefault(gateway, List.of()).stream()
                        .mapToLong(event -> figure(figures, event.getId(), JourneyLedger.Figure.REACHED)).sum();
                steps.put(node.getId(), new JourneyReport.Step(node.getId(), node.getName(), type,
                        figure(figures, node.getId(), JourneyLedger.Figure.REACHED), movedOn,
                        waiting.getOrDefault(node.getId(), 0L)));
            } else if (JourneyLedger.isStep(type)) {
                steps.put(node.getId(), step(node.getId(), node.getName(), type, figures, waiting));
            }
        }
        // Steps of older versions that the latest diagram no longer has.
        figures.keySet().stream().filter(id -> !id.equals(JourneyLedger.WHOLE_JOURNEY) && !steps.containsKey(id)
                        && exits.stream().noneMatch(exit -> exit.id().equals(id)))
                .sorted().forEach(id -> steps.put(id, step(id, null, null, figures, waiting)));

        long entered = figure(figures, JourneyLedger.WHOLE_JOURNEY, JourneyLedger.Figure.ENTERED);
        long converted = figures.values().stream()
                .mapToLong(byFigure -> byFigure.getOrDefault(JourneyLedger.Figure.CONVERTED.name(), 0L)).sum();
        return Optional.of(new JourneyReport(journey, version, from, to, entered, List.copyOf(steps.values()),
                List.copyOf(exits), figure(figures, JourneyLedger.WHOLE_JOURNEY, JourneyLedger.Figure.CANCELLED),
                converted, entered == 0 ? null : (double) converted / entered,
                medianTimeToConvert(journey, version, from, to)));
    }

    /**
     * Where each node's flows lead, from the flows themselves: a diagram need not list each node's outgoing flows.
     */
    private static Map<FlowNode, List<FlowNode>> targets(BpmnModelInstance model) {
        Map<FlowNode, List<FlowNode>> targets = new HashMap<>();
        for (SequenceFlow flow : model.getModelElementsByType(SequenceFlow.class)) {
            targets.computeIfAbsent(flow.getSource(), source -> new ArrayList<>()).add(flow.getTarget());
        }
        return targets;
    }

    /** The diagram's elements breadth first from its start events, then any the flows do not reach. */
    private static List<FlowNode> inFlowOrder(BpmnModelInstance model, Map<FlowNode, List<FlowNode>> targets) {
        Set<FlowNode> ordered = new LinkedHashSet<>();
        Deque<FlowNode> next = new ArrayDeque<>(model.getModelElementsByType(StartEvent.class));
        while (!next.isEmpty()) {
            FlowNode node = next.poll();
            if (ordered.add(node)) {
                next.addAll(targets.getOrDefault(node, List.of()));
            }
        }
        ordered.addAll(model.getModelElementsByType(FlowNode.class));
        return List.copyOf(ordered);
    }

    private static JourneyReport.Step step(String id, String name, String type, Map<String, Map<String, Long>> figures,
            Map<String, Long> waiting) {
        return new JourneyReport.Step(id, name, type, figure(figures, id, JourneyLedger.Figure.REACHED),
                figure(figures, id, JourneyLedger.Figure.COMPLETED), waiting.getOrDefault(id, 0L));
    }

    private static long figure(Map<String, Map<String, Long>> figures, String elementId, JourneyLedger.Figure figure) {
        return figures.getOrDefault(elementId, Map.of()).getOrDefault(figure.name(), 0L);
    }

    /** Element id, then figure, then total, from the journey tallies. */
    private Map<String, Map<String, Long>> figures(String journey, Integer version, Instant from, Instant to) {
        Map<String, Map<String, Long>> figures = new HashMap<>();
        for (Tallies.Total total : tallies.periodTotals(JourneyLedger.SERIES, journey, version, from, to)) {
            figures.computeIfAbsent(total.tally().element(), id -> new HashMap<>())
                    .merge(total.tally().figure(), total.amount(), Long::sum);
        }
        return figures;
    }

    private Map<String, Long> waitingNow(Collection<ProcessDefinition> definitions) {
        Map<String, Long> waiting = new HashMap<>();
        for (ProcessDefinition definition : definitions) {
            for (ActivityStatistics activity : management.createActivityStatisticsQuery(definition.getId()).list()) {
                waiting.merge(activity.getId(), (long) activity.getInstances(), Long::sum);
            }
        }
        return waiting;
    }

    /** The median of the conversions' durations in the period (the mean of the two middle ones for an even count). */
    private Duration medianTimeToConvert(String journey, Integer version, Instant from, Instant to) {
        String where = " from sf_journey_conversion where journey_key = :journey and converted_at >= :from"
                + " and converted_at < :to" + (version == null ? "" : " and journey_version = :version");
        Map<String, Object> params = new HashMap<>(Map.of("journey", journey, "from", Timestamp.from(from),
                "to", Timestamp.from(to)));
        if (version != null) {
            params.put("version", version);
        }
        long count = jdbc.sql("select count(*)" + where).params(params).query(Long.class).single();
        if (count == 0) {
            return null;
        }
        params.put("offset", (count - 1) / 2);
        params.put("rows", count % 2 == 0 ? 2 : 1);
        List<Long> middle = jdbc.sql("select duration_ms" + where + " order by duration_ms limit :rows offset :offset")
                .params(params).query(Long.class).list();
        return Duration.ofMillis(Math.round(middle.stream().mapToLong(Long::longValue).average().orElse(0)));
    }

    private static boolean isGoal(EndEvent end) {
        if (end.getExtensionElements() == null) {
            return false;
        }
        return end.getExtensionElements().getElementsQuery().filterByType(CamundaProperties.class).list().stream()
                .flatMap(properties -> properties.getCamundaProperties().stream())
                .anyMatch(property -> JourneyLedger.OUTCOME_PROPERTY.equals(property.getCamundaName())
                        && JourneyLedger.CONVERTED.equals(property.getCamundaValue()));
    }
}
