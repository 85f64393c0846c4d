package io.stageflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.stageflow.ArchitectureTest.Edge;

/**
 * The dependency picture in {@code docs/architecture.md}: a Mermaid flowchart of the top-level packages of the main
 * code, one box per layer of {@link ArchitectureTest#LAYERS} and one arrow per package that uses another, with a table
 * of the same under it. It is generated from the code, never drawn by hand: this test fails when the block between
 * the markers differs from what the code says, and rewrites the block in place when run with
 * {@code -Dstageflow.docs.write=true}:
 * {@code ./mvnw -q -B test -Dtest=ArchitectureMapTest -Dstageflow.docs.write=true}.
 */
class ArchitectureMapTest {

    static final Path DOC = Path.of("docs", "architecture.md");
    static final String START = "<!-- dependency-graph:start -->";
    static final String END = "<!-- dependency-graph:end -->";
    static final String WRITE = "stageflow.docs.write";
    static final String REGENERATE = "./mvnw -q -B test -Dtest=ArchitectureMapTest -D" + WRITE + "=true";

    private static final Pattern PLAIN_ID = Pattern.compile("[a-z][a-z0-9_]*");
    /** Words that Mermaid reads as syntax, so a package of that name needs another node id. */
    private static final Set<String> MERMAID_WORDS = Set.of("end", "subgraph", "graph", "flowchart", "style",
            "class", "classDef", "click", "linkStyle", "direction");

    @Test
    void thePictureInTheDocsIsTheOneTheCodeDraws() throws IOException {
        String generated = block(ArchitectureTest.LAYERS, ArchitectureTest.packages(),
                ArchitectureTest.featureDependencies().keySet());
        String doc = Files.readString(DOC, StandardCharsets.UTF_8).replace("\r\n", "\n");
        int start = doc.indexOf(START);
        int end = doc.indexOf(END);
        assertThat(start >= 0 && end > start)
                .withFailMessage("%s has no block between %s and %s for the dependency picture; add the two markers"
                        + " on lines of their own, then run %s", DOC, START, END, REGENERATE)
                .isTrue();
        String committed = doc.substring(start + START.length(), end);

        if (Boolean.getBoolean(WRITE) && !committed.equals(generated)) {
            Files.writeString(DOC, doc.substring(0, start + START.length()) + generated + doc.substring(end),
                    StandardCharsets.UTF_8);
            System.out.println("[architecture map] wrote the dependency picture in " + DOC);
            committed = generated;
        }
        assertThat(committed)
                .withFailMessage("The dependency picture in %s is not the code's any more. Regenerate it with%n  %s%n"
                                + "and commit the change (review it: a new arrow is a new dependency). Lines that"
                                + " change:%n%s", DOC, REGENERATE, difference(committed, generated))
                .isEqualTo(generated);
    }

    @Test
    void thePictureShowsEveryPackageInItsLayerAndEveryDependency() {
        SortedSet<String> packages = ArchitectureTest.packages();
        Set<Edge> edges = ArchitectureTest.featureDependencies().keySet();
        String block = block(ArchitectureTest.LAYERS, packages, edges);

        assertThat(edges).as("the main code's dependencies between packages").isNotEmpty();
        for (Edge edge : edges) {
            assertThat(block).as("the arrow %s", edge).contains("    " + id(edge.origin()) + " --> " + id(edge.target()) + "\n");
        }
        assertThat(block.lines().filter(line -> line.contains(" --> ")).count()).isEqualTo(edges.size());
        // The boxes, top first, with the nodes in each: one box per layer that has packages, in the table's order.
        List<List<String>> boxes = new ArrayList<>();
        for (String line : block.lines().toList()) {
            if (line.startsWith("    subgraph ")) {
                boxes.add(new ArrayList<>());
            } else if (line.startsWith("        ")) {
                boxes.get(boxes.size() - 1).add(line.strip());
            }
        }
        List<List<String>> expected = ArchitectureTest.LAYERS.stream()
                .map(layer -> layer.stream().filter(packages::contains).map(ArchitectureMapTest::node).toList())
                .filter(layer -> !layer.isEmpty()).toList();
        assertThat(boxes).isEqualTo(expected);
        assertThat(boxes.stream().mapToInt(List::size).sum()).isEqualTo(packages.size());
    }

    @Test
    void drawsLayersTopFirstWithOnlyThePackagesThatExist() {
        List<List<String>> layers = List.of(List.of(ArchitectureTest.ROOT), List.of("shop", "future"),
                List.of("end"), List.of("absent"), List.of("base"));
        SortedSet<String> packages = new TreeSet<>(List.of(ArchitectureTest.ROOT, "shop", "end", "base"));
        Set<Edge> edges = new LinkedHashSet<>(List.of(new Edge("shop", "end"), new Edge("shop", "base"),
                new Edge("end", "base")));

        assertThat(block(layers, packages, edges)).isEqualTo("""

                <!-- Generated from the code by ArchitectureMapTest (layers: ArchitectureTest.LAYERS). Do not edit; \
                regenerate with: %s -->

                ```mermaid
                flowchart TD
                    subgraph layer4["layer 4 (top)"]
                        root["io.stageflow"]
                    end
                    subgraph layer3["layer 3"]
                        shop
                    end
                    subgraph layer2["layer 2"]
                        pkg_end["end"]
                    end
                    subgraph layer1["layer 1 (bottom)"]
                        base
                    end
                    pkg_end --> base
                    shop --> base
                    shop --> pkg_end
                ```

                | Layer | Package | Depends on |
                |---|---|---|
                | 4 (top) | `io.stageflow` | nothing |
                | 3 | `shop` | `base`, `end` |
                | 2 | `end` | `base` |
                | 1 (bottom) | `base` | nothing |

                """.formatted(REGENERATE));
    }

    /**
     * The generated block: a Mermaid flowchart with a box per layer (top first; a layer with none of the packages is
     * left out and the rest numbered from the bottom) and an arrow per dependency, then the same as a table.
     */
    static String block(List<List<String>> layers, SortedSet<String> packages, Set<Edge> edges) {
        List<List<String>> present = new ArrayList<>();
        for (List<String> layer : layers) {
            List<String> names = layer.stream().filter(packages::contains).toList();
            if (!names.isEmpty()) {
                present.add(names);
            }
        }
        StringBuilder out = new StringBuilder("\n<!-- Generated from the code by ArchitectureMapTest (layers:"
                + " ArchitectureTest.LAYERS). Do not edit; regenerate with: " + REGENERATE + " -->\n\n");
        out.append("```mermaid\nflowchart TD\n");
        for (int i = 0; i < present.size(); i++) {
            out.append("    subgraph layer").append(present.size() - i).append("[\"").append(layerTitle(i, present.size()))
                    .append("\"]\n");
            for (String name : present.get(i)) {
                out.append("        ").append(node(name)).append('\n');
            }
            out.append("    end\n");
        }
        edges.stream().sorted((a, b) -> (id(a.origin()) + " " + id(a.target())).compareTo(id(b.origin()) + " " + id(b.target())))
                .forEach(edge -> out.append("    ").append(id(edge.origin())).append(" --> ").append(id(edge.target()))
                        .append('\n'));
        out.append("```\n\n");

        out.append("| Layer | Package | Depends on |\n|---|---|---|\n");
        for (int i = 0; i < present.size(); i++) {
            String layer = (present.size() - i) + (i == 0 ? " (top)" : i == present.size() - 1 ? " (bottom)" : "");
            for (String name : present.get(i)) {
                String uses = edges.stream().filter(edge -> edge.origin().equals(name)).map(Edge::target).sorted()
                        .map(target -> "`" + target + "`").collect(Collectors.joining(", "));
                out.append("| ").append(layer).append(" | `").append(name).append("` | ")
                        .append(uses.isEmpty() ? "nothing" : uses).append(" |\n");
            }
        }
        return out.append('\n').toString();
    }

    private static String layerTitle(int index, int count) {
        return "layer " + (count - index) + (index == 0 ? " (top)" : index == count - 1 ? " (bottom)" : "");
    }

    private static String node(String name) {
        return id(name).equals(name) ? name : id(name) + "[\"" + name + "\"]";
    }

    /** The Mermaid node id of a package: its name when Mermaid reads that as a plain id. */
    static String id(String name) {
        if (name.equals(ArchitectureTest.ROOT)) {
            return "root";
        }
        return PLAIN_ID.matcher(name).matches() && !MERMAID_WORDS.contains(name) && !name.equals("root")
                ? name : "pkg_" + name.replaceAll("[^A-Za-z0-9_]", "_");
    }

    /** The lines only in one of the two texts, marked - (only in the docs) and + (only in the code's picture). */
    private static String difference(String committed, String generated) {
        List<String> was = committed.lines().toList();
        List<String> now = generated.lines().toList();
        StringBuilder out = new StringBuilder();
        was.stream().filter(line -> !now.contains(line)).forEach(line -> out.append("  - ").append(line).append('\n'));
        now.stream().filter(line -> !was.contains(line)).forEach(line -> out.append("  + ").append(line).append('\n'));
        return out.length() == 0 ? "  (the same lines in another order)\n" : out.toString();
    }
}
