package io.stageflow.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;

import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.instance.FlowNode;
import org.camunda.bpm.model.bpmn.instance.SequenceFlow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.xml.sax.InputSource;

/**
 * The journey diagrams in the docs: every journey in {@code bpmn/} renders to well-formed SVG that shows each of its
 * steps and arrows with their names. With {@code -Dstageflow.diagrams.write=true} (what
 * {@code docs/render-diagrams.sh} passes) it also writes them to {@code docs/journeys/<journey>.svg}; without, it
 * only says which pictures in the docs are missing or out of date.
 */
class JourneyDiagramsTest {

    static final Path JOURNEYS = Path.of("bpmn");
    static final Path PICTURES = Path.of("docs", "journeys");

    @Test
    void everyJourneyRendersWithAllItsStepsAndArrows() throws Exception {
        for (Path journey : journeys()) {
            String svg = JourneyDiagrams.render(journey);
            Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(new InputSource(new StringReader(svg)));
            assertThat(document.getDocumentElement().getTagName()).isEqualTo("svg");
            BpmnModelInstance model = Bpmn.readModelFromFile(journey.toFile());
            for (FlowNode node : model.getModelElementsByType(FlowNode.class)) {
                assertThat(svg).as("%s: step %s", journey, node.getId())
                        .contains("data-element-id=\"" + node.getId() + "\"");
                if (node.getName() != null && !node.getName().isBlank()) {
                    for (String word : node.getName().strip().split("\\s+")) {
                        assertThat(svg).as("%s: the name of %s", journey, node.getId())
                                .contains(JourneyDiagrams.escape(word));
                    }
                }
            }
            for (SequenceFlow flow : model.getModelElementsByType(SequenceFlow.class)) {
                assertThat(svg).as("%s: arrow %s", journey, flow.getId())
                        .contains("data-element-id=\"" + flow.getId() + "\"");
            }
        }
    }

    @Test
    void drawsTheOtherKindsOfStepsAJourneyMayUse(@TempDir Path folder) throws Exception {
        BpmnModelInstance model = Bpmn.createExecutableProcess("kinds").name("All kinds")
                .startEvent("Start").name("Cart updated").message("cart_updated")
                .userTask("Call").name("Call the customer").camundaCandidateGroups("customer-success")
                .boundaryEvent("Late").name("2 days").timerWithDuration("P2D").cancelActivity(false)
                .endEvent("Escalated").name("Escalated")
                .moveToActivity("Call")
                .exclusiveGateway("Score").name("Score below 7?")
                .condition("yes", "${score < 7}").subProcess("Rescue").name("Rescue offer").embeddedSubProcess()
                .startEvent("RescueStart").intermediateThrowEvent("Signal").signal("rescued").endEvent("RescueEnd")
                .subProcessDone()
                .parallelGateway("Both").sendTask("Notify").name("Notify sales").endEvent("Done").name("Done")
                .moveToNode("Both").scriptTask("Log").name("Log <it> & more").scriptFormat("groovy").scriptText("1")
                .endEvent("Stopped").error("E1")
                .moveToNode("Score").condition("no", "${score >= 7}").endEvent("Happy").name("Happy customer")
                .done();
        Path file = folder.resolve("kinds.bpmn");
        Bpmn.writeModelToFile(file.toFile(), model);

        String svg = JourneyDiagrams.render(file);
        if (Boolean.getBoolean("stageflow.diagrams.write")) {
            Files.writeString(Path.of("target", "kinds.svg"), svg); // to look at
        }

        DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new InputSource(new StringReader(svg)));
        assertThat(svg).contains("Call the", "customer", "Score below 7?", "&lt;it&gt;", "&amp;", "Happy",
                "data-element-id=\"Late\"", "data-element-id=\"RescueEnd\"");
    }

    @Test
    void thePicturesInTheDocsAreWrittenOnRequestAndReportedWhenStale() throws IOException {
        if (Boolean.getBoolean("stageflow.diagrams.write")) {
            for (Path written : JourneyDiagrams.renderAll(JOURNEYS, PICTURES)) {
                System.out.println("[journey diagrams] wrote " + written);
            }
        }
        for (Path journey : journeys()) {
            Path picture = PICTURES.resolve(journey.getFileName().toString().replaceFirst("\\.bpmn$", ".svg"));
            if (!Files.exists(picture)) {
                System.out.println("[journey diagrams] " + picture + " is missing; run docs/render-diagrams.sh");
            } else if (!Files.readString(picture).equals(JourneyDiagrams.render(journey))) {
                System.out.println("[journey diagrams] " + picture + " is older than " + journey
                        + "; run docs/render-diagrams.sh");
            }
        }
    }

    static List<Path> journeys() throws IOException {
        try (Stream<Path> files = Files.list(JOURNEYS)) {
            return files.filter(file -> file.toString().endsWith(".bpmn")).sorted().toList();
        }
    }
}
