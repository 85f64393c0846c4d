package io.stageflow.templates;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.stageflow.support.Sha256;

/**
 * The template files every render on a node reads, all at once: the published version of each part, as paths under
 * the templates folder ({@code welcome/de/html.vm}) and their text. A snapshot never changes; a new version makes a
 * new one, so a render never mixes two versions of a part.
 *
 * @param files    path under the templates folder to the file's text
 * @param versions part key to the version its files are ({@code 0}: read from a folder, no version)
 */
record TemplateFiles(Map<String, String> files, Map<String, Integer> versions) {

    static final TemplateFiles NONE = new TemplateFiles(Map.of(), Map.of());
    private static final Pattern MACRO_DEFINITION = Pattern.compile("#\\{?macro}?\\s*\\(\\s*([A-Za-z][\\w-]*)");
    private static final Pattern LAYOUT_CHOICE = Pattern.compile("#\\{?set}?\\s*\\(\\s*\\$\\{?layout}?\\s*=\\s*(['\"])([^'\"]*)\\1");

    TemplateFiles {
        files = Map.copyOf(files);
        versions = Map.copyOf(versions);
    }

    boolean has(String path) {
        return files.containsKey(path);
    }

    String read(String path) {
        return files.get(path);
    }

    /** The version of part {@code key} these files hold, or 0. */
    int version(String key) {
        return versions.getOrDefault(key, 0);
    }

    /** The keys of the templates that are sent (no shared parts), sorted. */
    List<String> templateKeys() {
        TreeSet<String> keys = new TreeSet<>();
        for (String path : files.keySet()) {
            TemplatePart.owning(path).filter(part -> !part.shared()).ifPresent(part -> keys.add(part.key()));
        }
        return List.copyOf(keys);
    }

    /** The locale folders template {@code key} has ({@code de}, {@code de-AT}), sorted; none for an unknown key. */
    List<String> localeFolders(String key) {
        if (!TemplatePart.isTemplateKey(key)) {
            return List.of();
        }
        TreeSet<String> folders = new TreeSet<>();
        for (String file : filesOf(new TemplatePart(key)).keySet()) {
            int slash = file.indexOf('/');
            if (slash > 0) {
                folders.add(file.substring(0, slash));
            }
        }
        return List.copyOf(folders);
    }

    /** The files of one part, relative to its folder and sorted: {@code html.vm}, {@code de/html.vm}. */
    Map<String, String> filesOf(TemplatePart part) {
        Map<String, String> own = new TreeMap<>();
        files.forEach((path, text) -> {
            if (TemplatePart.owning(path).filter(part::equals).isPresent()) {
                own.put(part.relative(path), text);
            }
        });
        return own;
    }

    /**
     * The templates a layout or the macros would change, sorted: for a layout, each template that chooses it with
     * {@code #set($layout = '…')} (for {@code default}, also each that chooses none); for the macros, each template
     * or layout that calls one of them ({@code #button(…)}). Empty for a template.
     */
    List<String> usersOf(TemplatePart part) {
        if (!part.shared()) {
            return List.of();
        }
        TreeSet<String> users = new TreeSet<>();
        if (part.macros()) {
            List<String> names = MACRO_DEFINITION.matcher(files.getOrDefault(TemplatePart.MACROS_FILE, "")).results()
                    .map(match -> match.group(1)).toList();
            files.forEach((path, text) -> TemplatePart.owning(path).filter(owner -> !owner.macros())
                    .filter(owner -> names.stream().anyMatch(name -> text.contains("#" + name + "(")
                            || text.contains("#{" + name + "}(")))
                    .ifPresent(owner -> users.add(owner.key())));
            return List.copyOf(users);
        }
        String layout = part.key().substring(part.key().indexOf('.') + 1);
        for (String key : templateKeys()) {
            List<String> chosen = filesOf(new TemplatePart(key)).values().stream()
                    .flatMap(text -> LAYOUT_CHOICE.matcher(text).results().map(match -> match.group(2))).toList();
            if (chosen.contains(layout) || (chosen.isEmpty() && "default".equals(layout))) {
                users.add(key);
            }
        }
        return List.copyOf(users);
    }

    /** These files with part {@code part}'s replaced by {@code partFiles}, at version {@code version}. */
    TemplateFiles with(TemplatePart part, Map<String, String> partFiles, int version) {
        Map<String, String> next = new HashMap<>(files);
        next.keySet().removeIf(path -> TemplatePart.owning(path).filter(part::equals).isPresent());
        partFiles.forEach((file, text) -> next.put(part.path(file), text));
        Map<String, Integer> nextVersions = new HashMap<>(versions);
        nextVersions.put(part.key(), version);
        return new TemplateFiles(next, nextVersions);
    }

    /** These files without part {@code part}. */
    TemplateFiles without(TemplatePart part) {
        Map<String, String> next = new HashMap<>(files);
        next.keySet().removeIf(path -> TemplatePart.owning(path).filter(part::equals).isPresent());
        Map<String, Integer> nextVersions = new HashMap<>(versions);
        nextVersions.remove(part.key());
        return new TemplateFiles(next, nextVersions);
    }

    /**
     * The parts of a templates folder, each with its files (relative to the part's folder), in key order. Files of
     * no part (a {@code README.md}, a {@code .vm} file in no part's folder) are left out; an absent folder has none.
     */
    static Map<TemplatePart, Map<String, String>> partsInFolder(Path root) {
        Map<TemplatePart, Map<String, String>> parts = new TreeMap<>((a, b) -> a.key().compareTo(b.key()));
        if (!Files.isDirectory(root)) {
            return parts;
        }
        try (Stream<Path> walk = Files.walk(root, 4)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                String path = root.relativize(file).toString().replace('\\', '/');
                TemplatePart.owning(path).ifPresent(part -> parts.computeIfAbsent(part, any -> new TreeMap<>())
                        .put(part.relative(path), readText(file)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("templates folder " + root + " cannot be read", e);
        }
        return parts;
    }

    /** All the files of a templates folder as they are now, with no versions: for tests and tools. */
    static TemplateFiles ofFolder(Path root) {
        Map<String, String> files = new LinkedHashMap<>();
        partsInFolder(root).forEach((part, own) -> own.forEach((file, text) -> files.put(part.path(file), text)));
        return new TemplateFiles(files, Map.of());
    }

    /** One fingerprint for a part's files: equal files, equal fingerprints; any change in a name or a byte, another. */
    static String fingerprint(Map<String, String> partFiles) {
        StringBuilder all = new StringBuilder();
        new TreeMap<>(partFiles).forEach((file, text) -> all.append(file).append('\0').append(text).append('\0'));
        return Sha256.hex(all.toString());
    }

    private static String readText(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("template file " + file + " cannot be read", e);
        }
    }
}
