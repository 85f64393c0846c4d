package io.stageflow.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;

import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.instance.FlowNode;
import org.camunda.bpm.model.bpmn.instance.Process;
import org.camunda.bpm.model.bpmn.instance.SequenceFlow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.xml.sax.InputSource;

/**
 * The journey diagrams and pages in the docs: every journey in {@code bpmn/} renders to well-formed SVG that shows
 * each of its steps and arrows with their names, and the docs hold, for each journey, its up-to-date picture
 * ({@code docs/journeys/<journey>.svg}), its page naming each step by element id ({@code docs/journeys/<journey>.md})
 * and its line in {@code docs/journeys.md}. A missing or stale picture fails the build; with
 * {@code -Dstageflow.diagrams.write=true} (what {@code docs/render-diagrams.sh} passes) the pictures are written first.
 */
class JourneyDiagramsTest {

    static final Path JOURNEYS = Path.of("bpmn");
    static final Path PICTURES = Path.of("docs", "journeys");
    static final Path OVERVIEW = Path.of("docs", "journeys.md");

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
    void thePictureInTheDocsOfEveryJourneyIsThereAndUpToDate() throws IOException {
        if (Boolean.getBoolean("stageflow.diagrams.write")) {
            for (Path written : JourneyDiagrams.renderAll(JOURNEYS, PICTURES)) {
                System.out.println("[journey diagrams] wrote " + written);
            }
        }
        assertThat(journeys()).as("journeys in %s", JOURNEYS).isNotEmpty();
        List<String> problems = new ArrayList<>();
        for (Path journey : journeys()) {
            Path picture = PICTURES.resolve(baseName(journey) + ".svg");
            if (!Files.exists(picture)) {
                problems.add(picture + " is missing");
            } else if (!Files.readString(picture).equals(JourneyDiagrams.render(journey))) {
                problems.add(picture + " is older than " + journey);
            }
        }
        assertThat(problems).as("journey pictures in %s; run docs/render-diagrams.sh and commit the .svg files",
                PICTURES).isEmpty();
    }

    @Test
    void thePicturesInTheDocsAreAllOfJourneysThatExist() throws IOException {
        Set<String> journeys = new TreeSet<>();
        for (Path journey : journeys()) {
            journeys.add(baseName(journey));
        }
        try (Stream<Path> files = Files.list(PICTURES)) {
            List<String> orphans = files.map(file -> file.getFileName().toString())
                    .filter(name -> name.endsWith(".svg") || name.endsWith(".md"))
                    .filter(name -> !journeys.contains(name.replaceFirst("\\.(svg|md)$", "")))
                    .sorted().toList();
            assertThat(orphans).as("files in %s for a journey that is not in %s", PICTURES, JOURNEYS).isEmpty();
        }
    }

    @Test
    void everyJourneyHasItsPageThatNamesEachStep() throws IOException {
        for (Path journey : journeys()) {
            String name = baseName(journey);
            Path page = PICTURES.resolve(name + ".md");
            assertThat(page).as("the page of journey %s", journey).exists();
            String text = Files.readString(page);
            BpmnModelInstance model = Bpmn.readModelFromFile(journey.toFile());
            assertThat(text).as("%s names its file", page).contains("bpmn/" + name + ".bpmn");
            for (Process process : model.getModelElementsByType(Process.class)) {
                if (process.isExecutable()) {
                    assertThat(text).as("%s names the process id", page).contains("`" + process.getId() + "`");
                }
            }
            for (FlowNode node : model.getModelElementsByType(FlowNode.class)) {
                assertThat(text).as("%s describes step %s (its element id in backquotes)", page, node.getId())
                        .contains("`" + node.getId() + "`");
            }
        }
    }

    @Test
    void theJourneyOverviewLinksEveryJourneyPageAndShowsItsPicture() throws IOException {
        String overview = Files.readString(OVERVIEW);
        for (Path journey : journeys()) {
            String name = baseName(journey);
            assertThat(overview).as("%s links the page of %s", OVERVIEW, journey)
                    .contains("](journeys/" + name + ".md)");
            assertThat(overview).as("%s shows the picture of %s", OVERVIEW, journey)
                    .contains("](journeys/" + name + ".svg)");
        }
    }

    private static String baseName(Path journey) {
        return journey.getFileName().toString().replaceFirst("\\.bpmn$", "");
    }

    static List<Path> journeys() throws IOException {
        try (Stream<Path> files = Files.list(JOURNEYS)) {
            return files.filter(file -> file.toString().endsWith(".bpmn")).sorted().toList();
        }
    }
}
