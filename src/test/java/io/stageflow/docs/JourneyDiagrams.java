package io.stageflow.docs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.instance.Activity;
import org.camunda.bpm.model.bpmn.instance.Association;
import org.camunda.bpm.model.bpmn.instance.BaseElement;
import org.camunda.bpm.model.bpmn.instance.BoundaryEvent;
import org.camunda.bpm.model.bpmn.instance.BusinessRuleTask;
import org.camunda.bpm.model.bpmn.instance.CallActivity;
import org.camunda.bpm.model.bpmn.instance.CompensateEventDefinition;
import org.camunda.bpm.model.bpmn.instance.ConditionalEventDefinition;
import org.camunda.bpm.model.bpmn.instance.DataObjectReference;
import org.camunda.bpm.model.bpmn.instance.DataStoreReference;
import org.camunda.bpm.model.bpmn.instance.EndEvent;
import org.camunda.bpm.model.bpmn.instance.ErrorEventDefinition;
import org.camunda.bpm.model.bpmn.instance.EscalationEventDefinition;
import org.camunda.bpm.model.bpmn.instance.Event;
import org.camunda.bpm.model.bpmn.instance.EventBasedGateway;
import org.camunda.bpm.model.bpmn.instance.EventDefinition;
import org.camunda.bpm.model.bpmn.instance.ExclusiveGateway;
import org.camunda.bpm.model.bpmn.instance.FlowElement;
import org.camunda.bpm.model.bpmn.instance.Gateway;
import org.camunda.bpm.model.bpmn.instance.InclusiveGateway;
import org.camunda.bpm.model.bpmn.instance.Lane;
import org.camunda.bpm.model.bpmn.instance.LinkEventDefinition;
import org.camunda.bpm.model.bpmn.instance.ManualTask;
import org.camunda.bpm.model.bpmn.instance.MessageEventDefinition;
import org.camunda.bpm.model.bpmn.instance.MessageFlow;
import org.camunda.bpm.model.bpmn.instance.MultiInstanceLoopCharacteristics;
import org.camunda.bpm.model.bpmn.instance.ParallelGateway;
import org.camunda.bpm.model.bpmn.instance.Participant;
import org.camunda.bpm.model.bpmn.instance.ReceiveTask;
import org.camunda.bpm.model.bpmn.instance.ScriptTask;
import org.camunda.bpm.model.bpmn.instance.SendTask;
import org.camunda.bpm.model.bpmn.instance.SequenceFlow;
import org.camunda.bpm.model.bpmn.instance.ServiceTask;
import org.camunda.bpm.model.bpmn.instance.SignalEventDefinition;
import org.camunda.bpm.model.bpmn.instance.StartEvent;
import org.camunda.bpm.model.bpmn.instance.SubProcess;
import org.camunda.bpm.model.bpmn.instance.TerminateEventDefinition;
import org.camunda.bpm.model.bpmn.instance.TextAnnotation;
import org.camunda.bpm.model.bpmn.instance.ThrowEvent;
import org.camunda.bpm.model.bpmn.instance.TimerEventDefinition;
import org.camunda.bpm.model.bpmn.instance.UserTask;
import org.camunda.bpm.model.bpmn.instance.bpmndi.BpmnEdge;
import org.camunda.bpm.model.bpmn.instance.bpmndi.BpmnShape;
import org.camunda.bpm.model.bpmn.instance.dc.Bounds;
import org.camunda.bpm.model.bpmn.instance.di.Waypoint;

/**
 * Draws a journey's BPMN diagram as SVG from the diagram interchange (DI) in the file: the shapes and arrows where
 * Camunda Modeler put them, with the element names, the BPMN symbols that matter for reading a journey (start, end,
 * message, timer, gateway kinds, task kinds), and nothing the diagram does not say. No browser needed.
 *
 * <p>Re-render the pictures in {@code docs/journeys/} with {@code docs/render-diagrams.sh}, or directly:
 * {@code java -cp <test classpath> io.stageflow.docs.JourneyDiagrams bpmn docs/journeys}.
 */
public final class JourneyDiagrams {

    private static final double MARGIN = 20;
    private static final double FONT_SIZE = 12;
    /** Average glyph width of a 12px sans-serif font, for wrapping; generous so text stays inside its box. */
    private static final double CHAR_WIDTH = 6.4;
    private static final double LINE_HEIGHT = 14;

    private final BpmnModelInstance model;
    private final StringBuilder svg = new StringBuilder();
    private double minX = Double.MAX_VALUE;
    private double minY = Double.MAX_VALUE;
    private double maxX = -Double.MAX_VALUE;
    private double maxY = -Double.MAX_VALUE;

    private JourneyDiagrams(BpmnModelInstance model) {
        this.model = model;
    }

    /** Renders every {@code *.bpmn} in {@code args[0]} (default {@code bpmn}) to {@code args[1]/<file name>.svg}. */
    public static void main(String[] args) throws IOException {
        Path from = Path.of(args.length > 0 ? args[0] : "bpmn");
        Path to = Path.of(args.length > 1 ? args[1] : "docs/journeys");
        for (Path written : renderAll(from, to)) {
            System.out.println("wrote " + written);
        }
    }

    /** Renders each BPMN file of the folder to an SVG file of the same base name; returns the files written. */
    public static List<Path> renderAll(Path bpmnFolder, Path svgFolder) throws IOException {
        Files.createDirectories(svgFolder);
        List<Path> written = new ArrayList<>();
        try (var files = Files.list(bpmnFolder)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".bpmn")).sorted().toList()) {
                Path target = svgFolder.resolve(file.getFileName().toString().replaceFirst("\\.bpmn$", ".svg"));
                Files.writeString(target, render(file), StandardCharsets.UTF_8);
                written.add(target);
            }
        }
        return written;
    }

    /** The SVG of one BPMN file's (first) diagram. */
    public static String render(Path bpmnFile) {
        return new JourneyDiagrams(Bpmn.readModelFromFile(bpmnFile.toFile())).draw();
    }

    private String draw() {
        Collection<BpmnShape> shapes = model.getModelElementsByType(BpmnShape.class);
        Collection<BpmnEdge> edges = model.getModelElementsByType(BpmnEdge.class);
        // Containers first (pools, lanes, expanded subprocesses), so that what is inside them is drawn on top.
        for (BpmnShape shape : shapes) {
            if (isContainer(shape)) {
                shape(shape);
            }
        }
        for (BpmnEdge edge : edges) {
            edge(edge);
        }
        for (BpmnShape shape : shapes) {
            if (!isContainer(shape) && !(shape.getBpmnElement() instanceof BoundaryEvent)) {
                shape(shape);
            }
        }
        for (BpmnShape shape : shapes) {
            if (shape.getBpmnElement() instanceof BoundaryEvent) {
                shape(shape);
            }
        }
        double width = maxX - minX + 2 * MARGIN;
        double height = maxY - minY + 2 * MARGIN;
        StringBuilder out = new StringBuilder();
        out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        out.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%s\" height=\"%s\" viewBox=\"%s %s %s %s\""
                        + " font-family=\"Arial, Helvetica, sans-serif\" font-size=\"%s\">\n",
                n(width), n(height), n(minX - MARGIN), n(minY - MARGIN), n(width), n(height), n(FONT_SIZE)));
        out.append("<title>").append(escape(title())).append("</title>\n");
        out.append("<defs>\n")
                .append("<marker id=\"arrow\" viewBox=\"0 0 20 20\" refX=\"11\" refY=\"10\" markerWidth=\"10\""
                        + " markerHeight=\"10\" orient=\"auto\"><path d=\"M 1 5 L 11 10 L 1 15 Z\" fill=\"#22242a\"/></marker>\n")
                .append("<marker id=\"open-arrow\" viewBox=\"0 0 20 20\" refX=\"11\" refY=\"10\" markerWidth=\"10\""
                        + " markerHeight=\"10\" orient=\"auto\"><path d=\"M 1 5 L 11 10 L 1 15 Z\" fill=\"white\""
                        + " stroke=\"#22242a\"/></marker>\n")
                .append("<marker id=\"circle\" viewBox=\"0 0 20 20\" refX=\"6\" refY=\"6\" markerWidth=\"10\""
                        + " markerHeight=\"10\"><circle cx=\"6\" cy=\"6\" r=\"3.5\" fill=\"white\" stroke=\"#22242a\"/></marker>\n")
                .append("</defs>\n");
        out.append(String.format(Locale.ROOT, "<rect x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\" fill=\"white\"/>\n",
                n(minX - MARGIN), n(minY - MARGIN), n(width), n(height)));
        out.append(svg);
        out.append("</svg>\n");
        return out.toString();
    }

    private String title() {
        for (org.camunda.bpm.model.bpmn.instance.Process process
                : model.getModelElementsByType(org.camunda.bpm.model.bpmn.instance.Process.class)) {
            if (process.isExecutable()) {
                return process.getName() == null ? process.getId() : process.getName() + " (" + process.getId() + ")";
            }
        }
        return "BPMN diagram";
    }

    private static boolean isContainer(BpmnShape shape) {
        BaseElement element = shape.getBpmnElement();
        return element instanceof Participant || element instanceof Lane
                || (element instanceof SubProcess && shape.isExpanded());
    }

    // --- shapes ---

    private void shape(BpmnShape shape) {
        BaseElement element = shape.getBpmnElement();
        Bounds b = shape.getBounds();
        if (element == null || b == null) {
            return;
        }
        double x = b.getX();
        double y = b.getY();
        double w = b.getWidth();
        double h = b.getHeight();
        include(x, y, x + w, y + h);
        svg.append("<g data-element-id=\"").append(escape(element.getId())).append("\">\n");
        if (element instanceof Event event) {
            event(event, x, y, w, h);
            externalLabel(shape, name(element), x, y, w, h);
        } else if (element instanceof Gateway gateway) {
            gateway(gateway, x, y, w, h);
            externalLabel(shape, name(element), x, y, w, h);
        } else if (element instanceof SubProcess subProcess && shape.isExpanded()) {
            String dash = subProcess.triggeredByEvent() ? " stroke-dasharray=\"1,3\" stroke-linecap=\"round\"" : "";
            rect(x, y, w, h, 10, 2, dash);
            text(name(element), x + 8, y + 6, w - 16, false);
            activityMarkers((Activity) element, x, y, w, h);
        } else if (element instanceof Activity activity) {
            rect(x, y, w, h, 10, element instanceof CallActivity ? 4 : 2, "");
            taskIcon(activity, x, y);
            centeredText(name(element), x + w / 2, y + h / 2, w - 10);
            if (element instanceof SubProcess) {
                plusMarker(x + w / 2, y + h - 9);
            }
            activityMarkers(activity, x, y, w, h);
        } else if (element instanceof Participant || element instanceof Lane) {
            rect(x, y, w, h, 0, 1.5, "");
            if (element instanceof Participant) {
                line(x + 30, y, x + 30, y + h, 1.5, "");
            }
            verticalText(name(element), x + 15, y + h / 2);
        } else if (element instanceof TextAnnotation annotation) {
            svg.append(String.format(Locale.ROOT,
                    "<path d=\"M %s %s L %s %s L %s %s L %s %s\" fill=\"none\" stroke=\"#22242a\" stroke-width=\"1\"/>\n",
                    n(x + 10), n(y), n(x), n(y), n(x), n(y + h), n(x + 10), n(y + h)));
            String text = annotation.getText() == null ? "" : annotation.getText().getTextContent();
            text(text, x + 5, y + 5, w - 10, false);
        } else if (element instanceof DataObjectReference || element instanceof DataStoreReference) {
            svg.append(String.format(Locale.ROOT,
                    "<path d=\"M %s %s L %s %s L %s %s L %s %s L %s %s Z\" fill=\"white\" stroke=\"#22242a\" stroke-width=\"1.5\"/>\n",
                    n(x), n(y), n(x + w - 10), n(y), n(x + w), n(y + 10), n(x + w), n(y + h), n(x), n(y + h)));
            externalLabel(shape, name(element), x, y, w, h);
        } else {
            rect(x, y, w, h, 0, 1, " stroke-dasharray=\"4,2\"");
            centeredText(name(element), x + w / 2, y + h / 2, w - 10);
        }
        svg.append("</g>\n");
    }

    private void event(Event event, double x, double y, double w, double h) {
        double cx = x + w / 2;
        double cy = y + h / 2;
        double r = Math.min(w, h) / 2;
        boolean throwing = event instanceof ThrowEvent;
        String dash = "";
        if (event instanceof BoundaryEvent boundary && !boundary.cancelActivity()) {
            dash = " stroke-dasharray=\"5.5,3\"";
        }
        if (event instanceof StartEvent start && start.getParentElement() instanceof SubProcess sub
                && sub.triggeredByEvent() && !start.isInterrupting()) {
            dash = " stroke-dasharray=\"5.5,3\"";
        }
        if (event instanceof EndEvent) {
            circle(cx, cy, r, 4, dash);
        } else if (event instanceof StartEvent) {
            circle(cx, cy, r, 2, dash);
        } else {
            circle(cx, cy, r, 1.5, dash);
            circle(cx, cy, r - 3, 1.5, dash);
        }
        Collection<EventDefinition> definitions = event.getChildElementsByType(EventDefinition.class);
        for (EventDefinition definition : definitions) {
            eventIcon(definition, cx, cy, throwing || event instanceof EndEvent);
            break; // one symbol: a journey never needs a multiple event
        }
    }

    private void eventIcon(EventDefinition definition, double cx, double cy, boolean filled) {
        String fill = filled ? "#22242a" : "white";
        String stroke = filled ? "white" : "#22242a";
        if (definition instanceof MessageEventDefinition) {
            double w = 20;
            double h = 14;
            svg.append(String.format(Locale.ROOT,
                    "<rect x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\" fill=\"%s\" stroke=\"#22242a\" stroke-width=\"1\"/>\n",
                    n(cx - w / 2), n(cy - h / 2), n(w), n(h), fill));
            svg.append(String.format(Locale.ROOT,
                    "<path d=\"M %s %s L %s %s L %s %s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1\"/>\n",
                    n(cx - w / 2), n(cy - h / 2), n(cx), n(cy + 1), n(cx + w / 2), n(cy - h / 2), stroke));
        } else if (definition instanceof TimerEventDefinition) {
            circle(cx, cy, 11, 2, "");
            for (int i = 0; i < 12; i++) {
                double a = Math.PI * 2 * i / 12;
                line(cx + 8.5 * Math.cos(a), cy + 8.5 * Math.sin(a), cx + 10.5 * Math.cos(a), cy + 10.5 * Math.sin(a), 1, "");
            }
            line(cx, cy, cx + 5, cy - 6, 1.5, "");
            line(cx, cy, cx + 6, cy + 1, 1.5, "");
        } else if (definition instanceof SignalEventDefinition) {
            polygon(fill, cx, cy - 10, cx + 10, cy + 7, cx - 10, cy + 7);
        } else if (definition instanceof ErrorEventDefinition) {
            polygon(fill, cx - 9, cy + 9, cx - 4, cy - 9, cx + 2, cy + 1, cx + 9, cy - 9, cx + 4, cy + 9, cx - 2, cy - 1);
        } else if (definition instanceof EscalationEventDefinition) {
            polygon(fill, cx, cy - 10, cx + 8, cy + 9, cx, cy + 2, cx - 8, cy + 9);
        } else if (definition instanceof TerminateEventDefinition) {
            svg.append(String.format(Locale.ROOT, "<circle cx=\"%s\" cy=\"%s\" r=\"10\" fill=\"#22242a\"/>\n", n(cx), n(cy)));
        } else if (definition instanceof ConditionalEventDefinition) {
            svg.append(String.format(Locale.ROOT,
                    "<rect x=\"%s\" y=\"%s\" width=\"14\" height=\"18\" fill=\"white\" stroke=\"#22242a\"/>\n",
                    n(cx - 7), n(cy - 9)));
            for (int i = 0; i < 4; i++) {
                line(cx - 4, cy - 5 + i * 4, cx + 4, cy - 5 + i * 4, 1, "");
            }
        } else if (definition instanceof CompensateEventDefinition) {
            polygon(fill, cx - 1, cy - 7, cx - 1, cy + 7, cx - 10, cy);
            polygon(fill, cx + 9, cy - 7, cx + 9, cy + 7, cx, cy);
        } else if (definition instanceof LinkEventDefinition) {
            polygon(fill, cx - 9, cy - 4, cx + 1, cy - 4, cx + 1, cy - 9, cx + 10, cy, cx + 1, cy + 9, cx + 1, cy + 4, cx - 9, cy + 4);
        }
    }

    private void gateway(Gateway gateway, double x, double y, double w, double h) {
        double cx = x + w / 2;
        double cy = y + h / 2;
        polygon("white", cx, y, x + w, cy, cx, y + h, x, cy);
        if (gateway instanceof ExclusiveGateway) {
            line(cx - 8, cy - 10, cx + 8, cy + 10, 4, "");
            line(cx + 8, cy - 10, cx - 8, cy + 10, 4, "");
        } else if (gateway instanceof ParallelGateway) {
            line(cx, cy - 12, cx, cy + 12, 4, "");
            line(cx - 12, cy, cx + 12, cy, 4, "");
        } else if (gateway instanceof InclusiveGateway) {
            circle(cx, cy, 11, 2.5, "");
        } else if (gateway instanceof EventBasedGateway) {
            circle(cx, cy, 13, 1, "");
            circle(cx, cy, 10.5, 1, "");
            double r = 6.5;
            StringBuilder points = new StringBuilder();
            for (int i = 0; i < 5; i++) {
                double a = -Math.PI / 2 + Math.PI * 2 * i / 5;
                points.append(n(cx + r * Math.cos(a))).append(',').append(n(cy + r * Math.sin(a))).append(' ');
            }
            svg.append("<polygon points=\"").append(points.toString().strip())
                    .append("\" fill=\"white\" stroke=\"#22242a\" stroke-width=\"1.5\"/>\n");
        }
    }

    /** A small symbol in the top left corner that says what kind of task it is. */
    private void taskIcon(Activity activity, double x, double y) {
        double ix = x + 8;
        double iy = y + 7;
        if (activity instanceof ServiceTask || activity instanceof BusinessRuleTask) {
            if (activity instanceof BusinessRuleTask) {
                svg.append(String.format(Locale.ROOT,
                        "<rect x=\"%s\" y=\"%s\" width=\"17\" height=\"12\" fill=\"white\" stroke=\"#22242a\"/>\n", n(ix), n(iy)));
                line(ix, iy + 4, ix + 17, iy + 4, 1, "");
                line(ix + 5, iy + 4, ix + 5, iy + 12, 1, "");
                return;
            }
            double cx = ix + 7;
            double cy = iy + 7;
            for (int i = 0; i < 8; i++) {
                double a = Math.PI * 2 * i / 8;
                line(cx + 4 * Math.cos(a), cy + 4 * Math.sin(a), cx + 7.5 * Math.cos(a), cy + 7.5 * Math.sin(a), 2.5, "");
            }
            circle(cx, cy, 4.5, 1.5, "");
            circle(cx, cy, 1.8, 1, "");
        } else if (activity instanceof UserTask) {
            double cx = ix + 8;
            svg.append(String.format(Locale.ROOT,
                    "<circle cx=\"%s\" cy=\"%s\" r=\"3.5\" fill=\"white\" stroke=\"#22242a\" stroke-width=\"1\"/>\n",
                    n(cx), n(iy + 4)));
            svg.append(String.format(Locale.ROOT,
                    "<path d=\"M %s %s Q %s %s %s %s L %s %s Q %s %s %s %s Z\" fill=\"white\" stroke=\"#22242a\" stroke-width=\"1\"/>\n",
                    n(cx - 7), n(iy + 16), n(cx - 7), n(iy + 8), n(cx), n(iy + 8), n(cx), n(iy + 8),
                    n(cx + 7), n(iy + 8), n(cx + 7), n(iy + 16)));
        } else if (activity instanceof SendTask || activity instanceof ReceiveTask) {
            boolean send = activity instanceof SendTask;
            svg.append(String.format(Locale.ROOT,
                    "<rect x=\"%s\" y=\"%s\" width=\"18\" height=\"12\" fill=\"%s\" stroke=\"#22242a\" stroke-width=\"1\"/>\n",
                    n(ix), n(iy), send ? "#22242a" : "white"));
            svg.append(String.format(Locale.ROOT,
                    "<path d=\"M %s %s L %s %s L %s %s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1\"/>\n",
                    n(ix), n(iy), n(ix + 9), n(iy + 6), n(ix + 18), n(iy), send ? "white" : "#22242a"));
        } else if (activity instanceof ScriptTask) {
            svg.append(String.format(Locale.ROOT,
                    "<rect x=\"%s\" y=\"%s\" width=\"13\" height=\"16\" fill=\"white\" stroke=\"#22242a\"/>\n", n(ix), n(iy)));
            for (int i = 0; i < 3; i++) {
                line(ix + 3, iy + 4 + i * 4, ix + 10, iy + 4 + i * 4, 1, "");
            }
        } else if (activity instanceof ManualTask) {
            svg.append(String.format(Locale.ROOT, "<text x=\"%s\" y=\"%s\" font-size=\"14\">&#9995;</text>\n",
                    n(ix), n(iy + 13)));
        }
    }

    private void activityMarkers(Activity activity, double x, double y, double w, double h) {
        if (activity.getLoopCharacteristics() instanceof MultiInstanceLoopCharacteristics multi) {
            double mx = x + w / 2 + (activity instanceof SubProcess ? 12 : 0);
            for (int i = -1; i <= 1; i++) {
                if (multi.isSequential()) {
                    line(mx - 6, y + h - 14 + (i + 1) * 4, mx + 6, y + h - 14 + (i + 1) * 4, 2, "");
                } else {
                    line(mx + i * 4, y + h - 16, mx + i * 4, y + h - 4, 2, "");
                }
            }
        }
    }

    private void plusMarker(double cx, double cy) {
        svg.append(String.format(Locale.ROOT,
                "<rect x=\"%s\" y=\"%s\" width=\"14\" height=\"14\" fill=\"white\" stroke=\"#22242a\" stroke-width=\"1\"/>\n",
                n(cx - 7), n(cy - 7)));
        line(cx - 4, cy, cx + 4, cy, 1.5, "");
        line(cx, cy - 4, cx, cy + 4, 1.5, "");
    }

    // --- edges ---

    private void edge(BpmnEdge edge) {
        BaseElement element = edge.getBpmnElement();
        List<Waypoint> points = new ArrayList<>(edge.getWaypoints());
        if (element == null || points.size() < 2) {
            return;
        }
        StringBuilder d = new StringBuilder();
        for (int i = 0; i < points.size(); i++) {
            Waypoint p = points.get(i);
            include(p.getX(), p.getY(), p.getX(), p.getY());
            d.append(i == 0 ? "M " : " L ").append(n(p.getX())).append(' ').append(n(p.getY()));
        }
        String style;
        if (element instanceof SequenceFlow) {
            style = "stroke-width=\"2\" marker-end=\"url(#arrow)\"";
        } else if (element instanceof MessageFlow) {
            style = "stroke-width=\"1.5\" stroke-dasharray=\"10,12\" marker-start=\"url(#circle)\" marker-end=\"url(#open-arrow)\"";
        } else if (element instanceof Association) {
            style = "stroke-width=\"1\" stroke-dasharray=\"1,5\" stroke-linecap=\"round\"";
        } else {
            style = "stroke-width=\"1.5\" stroke-dasharray=\"4,2\" marker-end=\"url(#open-arrow)\"";
        }
        svg.append("<path data-element-id=\"").append(escape(element.getId())).append("\" d=\"").append(d)
                .append("\" fill=\"none\" stroke=\"#22242a\" stroke-linejoin=\"round\" ").append(style).append("/>\n");
        if (element instanceof SequenceFlow flow) {
            String name = name(element);
            if (flow.getSource() instanceof Gateway gateway && gateway.getAttributeValue("default") != null
                    && gateway.getAttributeValue("default").equals(flow.getId())) {
                Waypoint a = points.get(0);
                Waypoint b = points.get(1);
                double len = Math.hypot(b.getX() - a.getX(), b.getY() - a.getY());
                if (len > 0) {
                    double ux = (b.getX() - a.getX()) / len;
                    double uy = (b.getY() - a.getY()) / len;
                    double mx = a.getX() + ux * 10;
                    double my = a.getY() + uy * 10;
                    line(mx - uy * 5 - ux * 3, my + ux * 5 - uy * 3, mx + uy * 5 + ux * 3, my - ux * 5 + uy * 3, 1.5, "");
                }
            }
            if (!name.isBlank()) {
                if (edge.getBpmnLabel() != null && edge.getBpmnLabel().getBounds() != null) {
                    Bounds l = edge.getBpmnLabel().getBounds();
                    include(l.getX(), l.getY(), l.getX() + l.getWidth(), l.getY() + l.getHeight());
                    text(name, l.getX(), l.getY(), Math.max(l.getWidth(), 90), false);
                } else {
                    Waypoint a = points.get(0);
                    Waypoint b = points.get(1);
                    text(name, (a.getX() + b.getX()) / 2 + 4, (a.getY() + b.getY()) / 2 - 16, 90, false);
                }
            }
        }
    }

    // --- text ---

    /** The label of an event, gateway or data element: at its DI label bounds, or centred below the shape. */
    private void externalLabel(BpmnShape shape, String name, double x, double y, double w, double h) {
        if (name.isBlank()) {
            return;
        }
        if (shape.getBpmnLabel() != null && shape.getBpmnLabel().getBounds() != null) {
            Bounds l = shape.getBpmnLabel().getBounds();
            List<String> lines = wrap(name, Math.max(l.getWidth(), 90));
            double top = l.getY();
            for (int i = 0; i < lines.size(); i++) {
                textLine(lines.get(i), l.getX() + l.getWidth() / 2, top + FONT_SIZE + i * LINE_HEIGHT - 2, "middle");
                include(l.getX() + l.getWidth() / 2 - width(lines.get(i)) / 2, top,
                        l.getX() + l.getWidth() / 2 + width(lines.get(i)) / 2, top + (i + 1) * LINE_HEIGHT);
            }
        } else {
            List<String> lines = wrap(name, 90);
            for (int i = 0; i < lines.size(); i++) {
                double ty = y + h + 5 + FONT_SIZE + i * LINE_HEIGHT - 2;
                textLine(lines.get(i), x + w / 2, ty, "middle");
                include(x + w / 2 - width(lines.get(i)) / 2, ty - FONT_SIZE, x + w / 2 + width(lines.get(i)) / 2, ty + 4);
            }
        }
    }

    private void centeredText(String text, double cx, double cy, double maxWidth) {
        List<String> lines = wrap(text, maxWidth);
        double top = cy - lines.size() * LINE_HEIGHT / 2 + FONT_SIZE - 2;
        for (int i = 0; i < lines.size(); i++) {
            textLine(lines.get(i), cx, top + i * LINE_HEIGHT, "middle");
        }
    }

    private void text(String text, double x, double y, double maxWidth, boolean centered) {
        List<String> lines = wrap(text, maxWidth);
        for (int i = 0; i < lines.size(); i++) {
            textLine(lines.get(i), x, y + FONT_SIZE + i * LINE_HEIGHT - 2, centered ? "middle" : "start");
            include(x, y, x + width(lines.get(i)), y + (i + 1) * LINE_HEIGHT);
        }
    }

    private void verticalText(String text, double cx, double cy) {
        if (text.isBlank()) {
            return;
        }
        svg.append(String.format(Locale.ROOT,
                "<text x=\"%s\" y=\"%s\" text-anchor=\"middle\" fill=\"#22242a\" transform=\"rotate(-90 %s %s)\">%s</text>\n",
                n(cx), n(cy + 4), n(cx), n(cy + 4), escape(text)));
    }

    private void textLine(String line, double x, double y, String anchor) {
        svg.append(String.format(Locale.ROOT, "<text x=\"%s\" y=\"%s\" text-anchor=\"%s\" fill=\"#22242a\">%s</text>\n",
                n(x), n(y), anchor, escape(line)));
    }

    static List<String> wrap(String text, double maxWidth) {
        List<String> lines = new ArrayList<>();
        for (String paragraph : text.split("\\R")) {
            StringBuilder line = new StringBuilder();
            for (String word : paragraph.strip().split("\\s+")) {
                if (line.length() > 0 && width(line + " " + word) > maxWidth) {
                    lines.add(line.toString());
                    line.setLength(0);
                }
                line.append(line.length() > 0 ? " " : "").append(word);
            }
            if (line.length() > 0) {
                lines.add(line.toString());
            }
        }
        return lines;
    }

    private static double width(String text) {
        return text.length() * CHAR_WIDTH;
    }

    private static String name(BaseElement element) {
        String name = element instanceof FlowElement flowElement ? flowElement.getName()
                : element instanceof Participant participant ? participant.getName()
                : element instanceof Lane lane ? lane.getName()
                : element.getAttributeValue("name");
        return name == null ? "" : name.strip();
    }

    // --- primitives ---

    private void rect(double x, double y, double w, double h, double radius, double stroke, String extra) {
        svg.append(String.format(Locale.ROOT,
                "<rect x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\" rx=\"%s\" ry=\"%s\" fill=\"white\" fill-opacity=\"0.95\""
                        + " stroke=\"#22242a\" stroke-width=\"%s\"%s/>\n",
                n(x), n(y), n(w), n(h), n(radius), n(radius), n(stroke), extra));
    }

    private void circle(double cx, double cy, double r, double stroke, String extra) {
        svg.append(String.format(Locale.ROOT,
                "<circle cx=\"%s\" cy=\"%s\" r=\"%s\" fill=\"white\" stroke=\"#22242a\" stroke-width=\"%s\"%s/>\n",
                n(cx), n(cy), n(r), n(stroke), extra));
    }

    private void line(double x1, double y1, double x2, double y2, double stroke, String extra) {
        svg.append(String.format(Locale.ROOT,
                "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"#22242a\" stroke-width=\"%s\"%s/>\n",
                n(x1), n(y1), n(x2), n(y2), n(stroke), extra));
    }

    private void polygon(String fill, double... xy) {
        StringBuilder points = new StringBuilder();
        for (int i = 0; i < xy.length; i += 2) {
            points.append(i == 0 ? "" : " ").append(n(xy[i])).append(',').append(n(xy[i + 1]));
        }
        svg.append("<polygon points=\"").append(points).append("\" fill=\"").append(fill)
                .append("\" stroke=\"#22242a\" stroke-width=\"2\" stroke-linejoin=\"round\"/>\n");
    }

    private void include(double x1, double y1, double x2, double y2) {
        minX = Math.min(minX, x1);
        minY = Math.min(minY, y1);
        maxX = Math.max(maxX, x2);
        maxY = Math.max(maxY, y2);
    }

    private static String n(double value) {
        if (value == Math.rint(value)) {
            return Long.toString((long) value);
        }
        return String.format(Locale.ROOT, "%.2f", value).replaceAll("0+$", "").replaceAll("\\.$", "");
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
