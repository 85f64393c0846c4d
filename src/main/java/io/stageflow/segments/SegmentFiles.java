package io.stageflow.segments;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.stageflow.web.FieldViolation;

import org.springframework.stereotype.Component;

/**
 * Reads the segment files ({@code segments/*.json}), so segments that journeys depend on are kept, reviewed and
 * versioned with the project like journeys and templates, and the segments of the configuration
 * ({@code stageflow.segments.definitions.<key>}, the same JSON). Every one is checked as the API checks a segment;
 * a file's key must be its file name and a definition's key its property name, so a key says where to look.
 */
@Component
class SegmentFiles {

    static final String CONFIG_SOURCE = "config:stageflow.segments.definitions.";

    private final Path directory;
    private final Map<String, String> definitions;
    private final RuleParser parser;
    private final ObjectMapper json;

    SegmentFiles(SegmentsProperties properties, RuleParser parser, ObjectMapper json) {
        this.directory = properties.dir();
        this.definitions = new TreeMap<>(properties.definitions());
        this.parser = parser;
        this.json = json;
    }

    Path directory() {
        return directory;
    }

    /**
     * Every segment file, as {@code source} (the file name relative to the folder's parent, the same on every
     * machine) and definition, then every segment of the configuration ({@code source} names its property); throws
     * naming each bad file or property and field. An absent folder holds no segments.
     */
    List<FileSegment> read() {
        List<FileSegment> segments = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Path file : files()) {
            String fileKey = file.getFileName().toString().replaceFirst("\\.json$", "");
            parse(sourceName(file), fileKey, "the file name", () -> json.readTree(file.toFile()), segments, problems);
        }
        Set<String> fromFiles = new HashSet<>();
        segments.forEach(segment -> fromFiles.add(segment.segment().key()));
        for (Map.Entry<String, String> definition : definitions.entrySet()) {
            String source = CONFIG_SOURCE + definition.getKey();
            if (fromFiles.contains(definition.getKey())) {
                problems.add(source + ": a segment file has this key already");
                continue;
            }
            parse(source, definition.getKey(), "the property name", () -> withKey(definition), segments, problems);
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("Segment files in " + directory.toAbsolutePath()
                    + " or segment definitions in the configuration are invalid:\n  " + String.join("\n  ", problems));
        }
        return segments;
    }

    private void parse(String source, String expectedKey, String keyOrigin, JsonSource read, List<FileSegment> segments,
            List<String> problems) {
        try {
            SegmentDefinition segment = parser.segment(read.get());
            if (!segment.key().equals(expectedKey)) {
                problems.add(source + ": key: is '" + segment.key() + "' but must be " + keyOrigin + ", '" + expectedKey + "'");
            } else {
                segments.add(new FileSegment(source, segment));
            }
        } catch (InvalidSegmentException e) {
            e.violations().forEach(v -> problems.add(source + ": " + describe(v)));
        } catch (JsonProcessingException e) {
            problems.add(source + ": not valid JSON (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + "): " + e.getOriginalMessage());
        } catch (IOException e) {
            problems.add(source + ": cannot be read: " + e.getMessage());
        }
    }

    /** A definition's JSON; its key may be left out, since the property name gives it. */
    private JsonNode withKey(Map.Entry<String, String> definition) throws IOException {
        JsonNode segment = json.readTree(definition.getValue());
        if (segment instanceof ObjectNode object && !object.has("key")) {
            object.put("key", definition.getKey());
        }
        return segment;
    }

    @FunctionalInterface
    private interface JsonSource {
        JsonNode get() throws IOException;
    }

    private static String describe(FieldViolation violation) {
        return violation.field().isEmpty() ? violation.message() : violation.field() + ": " + violation.message();
    }

    private List<Path> files() {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(Files::isRegularFile)
                    .filter(file -> file.getFileName().toString().endsWith(".json"))
                    .filter(file -> !file.getFileName().toString().startsWith("."))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot list the segment files in " + directory.toAbsolutePath(), e);
        }
    }

    private String sourceName(Path file) {
        Path folder = directory.toAbsolutePath().normalize().getFileName();
        return (folder == null ? "" : folder + "/") + file.getFileName();
    }

    /** A segment and the file it comes from. */
    record FileSegment(String source, SegmentDefinition segment) {
    }
}
