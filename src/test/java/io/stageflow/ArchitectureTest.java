package io.stageflow;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.ConfigurationProperties;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * The package map that {@code docs/architecture.md} describes, held by tests on the main code (ArchUnit):
 * <ol>
 *   <li>no cycles between the feature packages ({@code io.stageflow.<feature>..});</li>
 *   <li>only {@code journeys} depends on the engine ({@code org.camunda..});</li>
 *   <li>each package depends only on packages of its own layer or of the layers below it, as {@link #LAYERS} says;</li>
 *   <li>no package is named after a technology, and each package's settings bind its own {@code stageflow.<package>}
 *       prefix.</li>
 * </ol>
 * The picture in the docs is generated from the same code and the same table ({@link ArchitectureMapTest}), so the
 * two cannot disagree.
 */
class ArchitectureTest {

    /** The classes directly in {@code io.stageflow} (the application class) are a package of their own here. */
    static final String ROOT = "io.stageflow";

    /**
     * The layers, top first. A package may depend only on packages of the layers below its own: packages of one
     * layer know nothing of each other. Every top-level package of {@code io.stageflow} must be in exactly one
     * layer. Edit this table, then regenerate the picture in the docs ({@link ArchitectureMapTest} says how).
     */
    static final List<List<String>> LAYERS = List.of(
            List.of(ROOT),                                      // the application
            List.of("analytics", "imports", "broadcasts", "inactivity", "audit"), // reports, the jobs people run, the log
            List.of("journeys"),                                // the engine, its steps and the trigger router
            List.of("experiments"),                             // which variant customers had, and what it did
            List.of("offers", "surveys", "tracking", "bounces", "webhooks", "sms", "whatsapp"), // what customers get, what they do with it, what came back; the channels
            List.of("delivery", "recommendations", "predictions"), // the outbox; recommendations; scores from orders
            List.of("subscriptions", "referrals", "orders", "loyalty"),
            List.of("events", "templates", "segments", "privacy"),
            List.of("customers", "products", "security"),
            List.of("support", "web", "jobs"));                 // plumbing

    /** Top-level package names that say how rather than what (rule 4); {@code web} and {@code jobs} are allowed. */
    static final Set<String> TECHNOLOGY_NAMES = Set.of("batch", "common", "config", "configuration", "core",
            "helper", "helpers", "infrastructure", "messaging", "misc", "model", "service", "services", "shared",
            "util", "utils");

    /** All main classes of Stageflow, none of the tests'. */
    static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(new ImportOption.DoNotIncludeTests())
            .importPackages(ROOT);

    @Test
    void theRulesSeeAllOfTheMainCodeAndNoneOfTheTests() {
        assertThat(MAIN.contain(StageflowApplication.class)).isTrue();
        assertThat(MAIN.contain(ArchitectureTest.class)).isFalse();
        assertThat(packages()).contains(ROOT, "journeys", "customers", "events");
        assertThat(MAIN.get(StageflowApplication.class).getSource()).isPresent();
    }

    @Test
    void featurePackagesHaveNoCycles() {
        slices().matching("io.stageflow.(*)..").namingSlices("$1")
                .should().beFreeOfCycles()
                .check(MAIN);
    }

    @Test
    void onlyJourneysDependsOnTheEngine() {
        noClasses().that().resideOutsideOfPackage("io.stageflow.journeys..")
                .should().dependOnClassesThat().resideInAPackage("org.camunda..")
                .because("the engine stays behind journeys (docs/architecture.md)")
                .check(MAIN);
        // Not true by accident: the rule sees the engine where it is used.
        assertThat(dependenciesOf("journeys").stream().map(d -> d.getTargetClass().getPackageName()))
                .anyMatch(name -> name.startsWith("org.camunda."));
    }

    @Test
    void everyPackageIsInExactlyOneLayer() {
        List<String> twice = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        LAYERS.forEach(layer -> layer.stream().filter(name -> !seen.add(name)).forEach(twice::add));
        assertThat(twice).as("packages listed more than once in ArchitectureTest.LAYERS").isEmpty();

        SortedSet<String> missing = new TreeSet<>(packages());
        missing.removeAll(seen);
        assertThat(missing)
                .as("packages of io.stageflow that are in no layer: add them to ArchitectureTest.LAYERS")
                .isEmpty();
    }

    @Test
    void packagesDependOnlyOnLowerLayers() {
        StringBuilder report = new StringBuilder();
        featureDependencies().forEach((edge, dependencies) -> {
            int from = layerOf(edge.origin());
            int to = layerOf(edge.target());
            if (from >= 0 && to >= 0 && to <= from) { // a package in no layer: everyPackageIsInExactlyOneLayer says so
                report.append("\n  ").append(edge).append(": ").append(edge.target())
                        .append(" is not in a layer below ").append(edge.origin())
                        .append(" (").append(dependencies.size()).append(" class-level dependencies), e.g.");
                dependencies.stream().limit(5).forEach(d -> report.append("\n      ").append(d.getDescription()));
            }
        });
        assertThat(report.toString())
                .withFailMessage("Dependencies that do not go down the layers of ArchitectureTest.LAYERS (a package"
                        + " may use only the layers below its own):%s%nTurn them around (an interface or a Spring"
                        + " event in the lower package), or, if the table is what is wrong, change the table.", report)
                .isEmpty();
    }

    @Test
    void noPackageIsNamedAfterATechnology() {
        SortedSet<String> named = packages().stream().filter(TECHNOLOGY_NAMES::contains)
                .collect(Collectors.toCollection(TreeSet::new));
        List<String> wrong = named.stream().map(name -> "io.stageflow." + name).toList();
        assertThat(wrong).withFailMessage(lines("Packages named after a technology; name them after the"
                + " feature they serve (only web and jobs may be named after what they are):", wrong)).isEmpty();
    }

    @Test
    void eachPackageBindsItsSettingsUnderItsOwnPrefix() {
        // Where settings are bound: a class, or a @Bean method (in its class's package); and the prefix bound there.
        SortedMap<String, String> prefixes = new TreeMap<>();
        SortedMap<String, String> owners = new TreeMap<>();
        for (JavaClass type : MAIN) {
            if (type.isAnnotatedWith(ConfigurationProperties.class)) {
                prefixes.put(type.getName(), prefix(type.getAnnotationOfType(ConfigurationProperties.class)));
                owners.put(type.getName(), packageOf(type.getName()));
            }
            for (JavaMethod method : type.getMethods()) {
                if (method.isAnnotatedWith(ConfigurationProperties.class)) {
                    prefixes.put(method.getFullName(), prefix(method.getAnnotationOfType(ConfigurationProperties.class)));
                    owners.put(method.getFullName(), packageOf(type.getName()));
                }
            }
        }
        assertThat(prefixes).as("the @ConfigurationProperties classes the rule sees").isNotEmpty();

        List<String> wrong = new ArrayList<>();
        prefixes.forEach((name, prefix) -> {
            String owner = owners.get(name);
            boolean right = !owner.equals(ROOT)
                    && (prefix.equals("stageflow." + owner) || prefix.startsWith("stageflow." + owner + "."));
            if (!right) {
                wrong.add(owner.equals(ROOT)
                        ? name + " binds " + prefix + ": settings belong to a feature package, not to " + ROOT
                        : name + " binds " + prefix + ", not stageflow." + owner + " (or stageflow." + owner
                                + ".<part>)");
            }
        });
        assertThat(wrong).withFailMessage(lines("Settings bound outside their package's own prefix"
                + " (each package io.stageflow.<p> binds stageflow.<p>):", wrong)).isEmpty();
    }

    // --- the package graph, shared with ArchitectureMapTest ---

    /** A dependency between two top-level packages. */
    record Edge(String origin, String target) implements Comparable<Edge> {

        @Override
        public int compareTo(Edge other) {
            int byOrigin = origin.compareTo(other.origin);
            return byOrigin != 0 ? byOrigin : target.compareTo(other.target);
        }

        @Override
        public String toString() {
            return origin + " -> " + target;
        }
    }

    /** The top-level package a class is in: {@link #ROOT} or the first name after {@code io.stageflow.}. */
    static String packageOf(String className) {
        String packageName = className.contains(".") ? className.substring(0, className.lastIndexOf('.')) : "";
        if (packageName.equals(ROOT)) {
            return ROOT;
        }
        String rest = packageName.substring(ROOT.length() + 1);
        return rest.contains(".") ? rest.substring(0, rest.indexOf('.')) : rest;
    }

    /** The top-level packages of the main code, {@link #ROOT} included. */
    static SortedSet<String> packages() {
        return MAIN.stream().map(type -> packageOf(type.getName())).collect(Collectors.toCollection(TreeSet::new));
    }

    /** Index of the package's layer in {@link #LAYERS} (0 is the top), or -1 when it is in none. */
    static int layerOf(String name) {
        for (int i = 0; i < LAYERS.size(); i++) {
            if (LAYERS.get(i).contains(name)) {
                return i;
            }
        }
        return -1;
    }

    /** Every class-level dependency from one top-level package of the main code to another, by package pair. */
    static SortedMap<Edge, List<Dependency>> featureDependencies() {
        SortedMap<Edge, List<Dependency>> edges = new TreeMap<>();
        for (JavaClass type : MAIN) {
            String origin = packageOf(type.getName());
            for (Dependency dependency : type.getDirectDependenciesFromSelf()) {
                JavaClass target = dependency.getTargetClass().getBaseComponentType();
                if (target.getPackageName().equals(ROOT) || target.getPackageName().startsWith(ROOT + ".")) {
                    String targetPackage = packageOf(target.getName());
                    if (!targetPackage.equals(origin)) {
                        edges.computeIfAbsent(new Edge(origin, targetPackage), edge -> new ArrayList<>()).add(dependency);
                    }
                }
            }
        }
        edges.values().forEach(list -> list.sort((a, b) -> a.getDescription().compareTo(b.getDescription())));
        return edges;
    }

    private static List<Dependency> dependenciesOf(String name) {
        List<Dependency> dependencies = new ArrayList<>();
        MAIN.stream().filter(type -> packageOf(type.getName()).equals(name))
                .forEach(type -> dependencies.addAll(type.getDirectDependenciesFromSelf()));
        return dependencies;
    }

    private static String lines(String heading, List<String> lines) {
        return heading + lines.stream().map(line -> "\n  " + line).collect(Collectors.joining());
    }

    private static String prefix(ConfigurationProperties annotation) {
        return annotation.prefix().isEmpty() ? annotation.value() : annotation.prefix();
    }
}
