package io.stageflow.segments;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.stageflow.support.FieldViolation;

import org.springframework.stereotype.Component;

/**
 * Reads the segment files ({@code segments/*.json}), so segments that journeys depend on are kept, reviewed and
 * versioned with the project like journeys and templates. Every file is checked as the API checks a segment, and
 * its key must be its file name, so one file is one segment and a name says where to look.
 */
@Component
class SegmentFiles {

    private final Path directory;
    private final RuleParser parser;
    private final ObjectMapper json;

    SegmentFiles(SegmentsProperties properties, RuleParser parser, ObjectMapper json) {
        this.directory = properties.dir();
        this.parser = parser;
        this.json = json;
    }

    Path directory() {
        return directory;
    }

    /**
     * Every segment file, as {@code source} (the file name relative to the folder's parent, the same on every
     * machine) and definition; throws naming each bad file and field. An absent folder holds no segments.
     */
    List<FileSegment> read() {
        List<FileSegment> segments = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Path file : files()) {
            String source = sourceName(file);
            String fileKey = file.getFileName().toString().replaceFirst("\\.json$", "");
            try {
                SegmentDefinition segment = parser.segment(json.readTree(file.toFile()));
                if (!segment.key().equals(fileKey)) {
                    problems.add(source + ": key: is '" + segment.key() + "' but must be the file name, '" + fileKey + "'");
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
        if (!problems.isEmpty()) {
            throw new IllegalStateException("Segment files in " + directory.toAbsolutePath() + " are invalid:\n  "
                    + String.join("\n  ", problems));
        }
        return segments;
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
