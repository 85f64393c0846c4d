package io.stageflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * Static checks of {@code docker/}. No Docker engine runs where the tests run, so these catch the
 * mistakes that would otherwise surface only at {@code docker compose up}: a missing COPY source, a
 * root or JDK runtime image, an app that starts before MySQL is ready, or a variable the
 * {@code mysql} profile needs that compose never sets.
 *
 * <p>Paths resolve from the repository root, which is the working directory when Maven runs the
 * tests.
 */
class DockerFilesTest {

    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Path DOCKER_DIR = ROOT.resolve("docker");
    private static final Path DOCKERFILE = DOCKER_DIR.resolve("Dockerfile");
    private static final Path DOCKERIGNORE = DOCKER_DIR.resolve("Dockerfile.dockerignore");
    private static final Path COMPOSE_FILE = DOCKER_DIR.resolve("docker-compose.yml");
    private static final Path BASE_CONFIG = ROOT.resolve("src/main/resources/application.yaml");
    private static final Path MYSQL_PROFILE = ROOT.resolve("src/main/resources/application-mysql.yaml");

    /** {@code ${STAGEFLOW_NAME}} (required) or {@code ${STAGEFLOW_NAME:default}} (has a default). */
    private static final Pattern SPRING_PLACEHOLDER =
            Pattern.compile("\\$\\{\\s*(STAGEFLOW_[A-Za-z0-9_]+)\\s*(:|})");

    /** Compose interpolation without a default: {@code ${NAME}} or {@code $NAME} (not {@code $$}). */
    private static final Pattern COMPOSE_BARE_INTERPOLATION =
            Pattern.compile("(?<!\\$)\\$(?:\\{([A-Za-z_][A-Za-z0-9_]*)}|([A-Za-z_][A-Za-z0-9_]*))");

    // ---------------------------------------------------------------- Dockerfile

    @Test
    void dockerfileBuildsInOneStageAndRunsInAnother() throws IOException {
        List<Stage> stages = dockerfileStages();

        assertThat(stages)
                .as("docker/Dockerfile must be multi-stage (a JDK build stage, then a runtime stage), "
                        + "but has FROM lines: %s", stages.stream().map(Stage::image).toList())
                .hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void finalStageRunsOnAJreImageNotAJdk() throws IOException {
        Stage last = finalStage();

        assertThat(last.image().toLowerCase(Locale.ROOT))
                .as("the final (runtime) stage of docker/Dockerfile (line %d) should use a JRE image "
                        + "such as eclipse-temurin:17-jre, not '%s'", last.line(), last.image())
                .contains("jre")
                .doesNotContain("jdk");
    }

    @Test
    void finalStageRunsAsANonRootUser() throws IOException {
        List<Instruction> users = finalStage().all("USER");

        assertThat(users)
                .as("the final stage of docker/Dockerfile must switch to an unprivileged user with USER")
                .isNotEmpty();
        Instruction effective = users.get(users.size() - 1);
        String user = effective.args().split(":", 2)[0].trim();
        assertThat(user)
                .as("docker/Dockerfile line %d: the effective USER of the final stage is '%s'; "
                        + "the app must not run as root (user name 'root' or uid 0)",
                        effective.line(), effective.args())
                .isNotEmpty()
                .isNotIn("root", "0");
    }

    @Test
    void entrypointIsExecFormSoJavaReceivesStopSignals() throws IOException {
        Instruction entrypoint = lastEntrypoint();

        assertThat(execFormArguments(entrypoint.args()))
                .as("docker/Dockerfile line %d: ENTRYPOINT must be in exec form "
                        + "([\"java\", ...]) so java runs as PID 1 and gets SIGTERM, but is: %s",
                        entrypoint.line(), entrypoint.args())
                .isNotNull()
                .isNotEmpty();
    }

    @Test
    void entrypointRunsTheJarCopiedIntoTheFinalStage() throws IOException {
        Instruction entrypoint = lastEntrypoint();
        List<String> args = execFormArguments(entrypoint.args());
        assertThat(args)
                .as("docker/Dockerfile line %d: ENTRYPOINT must be exec form with '-jar <path>': %s",
                        entrypoint.line(), entrypoint.args())
                .isNotNull()
                .contains("-jar");
        int jarFlag = args.indexOf("-jar");
        assertThat(jarFlag + 1)
                .as("ENTRYPOINT has no path after -jar: %s", entrypoint.args())
                .isLessThan(args.size());
        String jar = args.get(jarFlag + 1);

        Set<String> destinations = new LinkedHashSet<>();
        for (Instruction copy : finalStage().all("COPY")) {
            destinations.add(copyArguments(copy).destination());
        }
        assertThat(destinations)
                .as("ENTRYPOINT runs %s, but no COPY in the final stage writes that file", jar)
                .contains(jar);
    }

    @Test
    void finalStageExposesPort8080() throws IOException {
        List<String> ports = new ArrayList<>();
        for (Instruction expose : finalStage().all("EXPOSE")) {
            ports.addAll(List.of(expose.args().trim().split("\\s+")));
        }

        assertThat(ports)
                .as("the final stage of docker/Dockerfile must EXPOSE 8080 (the app's HTTP port)")
                .containsAnyOf("8080", "8080/tcp");
    }

    @Test
    void finalStageProvidesBpmnAndTemplatesRelativeToItsWorkdir() throws IOException {
        Stage last = finalStage();
        List<Instruction> workdirs = last.all("WORKDIR");
        assertThat(workdirs)
                .as("the final stage needs WORKDIR /app: the app reads bpmn/ and templates/ "
                        + "relative to its working directory")
                .isNotEmpty();
        assertThat(stripTrailingSlash(workdirs.get(workdirs.size() - 1).args().trim()))
                .as("WORKDIR of the final stage")
                .isEqualTo("/app");

        Set<String> destinations = new TreeSet<>();
        for (Instruction copy : last.all("COPY")) {
            destinations.add(stripTrailingSlash(copyArguments(copy).destination()));
        }
        assertThat(destinations)
                .as("the final stage must copy bpmn/, templates/ and segments/ to /app/")
                .contains("/app/bpmn", "/app/templates", "/app/segments");
    }

    @Test
    void everyLocalCopySourceExistsInTheRepository() throws IOException {
        List<String> checked = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (LocalSource source : localCopySources()) {
            checked.add(source.path());
            if (!Files.exists(ROOT.resolve(source.path()))) {
                missing.add("line " + source.line() + ": " + source.path());
            }
        }

        assertThat(checked)
                .as("expected docker/Dockerfile to COPY files from the build context "
                        + "(mvnw, pom.xml, src/, bpmn/, templates/, ...); the parser found none")
                .isNotEmpty();
        assertThat(missing)
                .as("docker/Dockerfile copies these paths from the build context (the repository "
                        + "root %s), but they do not exist, so 'docker build' would fail", ROOT)
                .isEmpty();
    }

    @Test
    void dockerignoreDoesNotExcludeAnyCopySource() throws IOException {
        assertThat(DOCKERIGNORE)
                .as("docker/Dockerfile.dockerignore keeps target/, var/ and .git/ out of the build context")
                .exists();
        List<String> patterns = new ArrayList<>();
        for (String raw : Files.readAllLines(DOCKERIGNORE, StandardCharsets.UTF_8)) {
            String line = raw.trim();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith("!")) {
                continue;
            }
            patterns.add(stripTrailingSlash(line.startsWith("/") ? line.substring(1) : line));
        }

        List<String> excluded = new ArrayList<>();
        for (LocalSource source : localCopySources()) {
            String path = stripTrailingSlash(source.path());
            for (String pattern : patterns) {
                if (matchesItselfOrAParent(pattern, path)) {
                    excluded.add("line " + source.line() + ": " + source.path() + " (by '" + pattern + "')");
                }
            }
        }
        assertThat(excluded)
                .as("docker/Dockerfile.dockerignore excludes paths that docker/Dockerfile copies, "
                        + "so they would be missing from the build context")
                .isEmpty();
    }

    /** A release tag ({@code 8.4.3}, {@code v1.21.8}, {@code 17.0.13_11-jre}) or a digest: never a moving tag. */
    private static final Pattern PINNED_IMAGE = Pattern.compile(".+(:v?\\d+\\.\\d+\\.\\d+[^:/]*|@sha256:[0-9a-f]{64})");

    @Test
    void everyImageIsPinnedToARelease() throws IOException {
        List<String> images = new ArrayList<>();
        dockerfileStages().forEach(stage -> images.add(stage.image()));
        services().forEach((name, definition) -> {
            Map<String, Object> service = map(definition, "services." + name);
            if (service.get("image") != null && service.get("build") == null) { // app's image is built here
                images.add(String.valueOf(service.get("image")));
            }
        });
        assertThat(images).as("base images of docker/Dockerfile and images of docker-compose.yml").hasSize(4)
                .allSatisfy(image -> assertThat(image).as("image %s", image).matches(PINNED_IMAGE));
    }

    @Test
    void theImageSaysWhenTheAppIsHealthy() throws IOException {
        List<Instruction> healthchecks = finalStage().all("HEALTHCHECK");
        assertThat(healthchecks).as("HEALTHCHECK in the final stage of docker/Dockerfile").hasSize(1);
        String check = healthchecks.get(0).args();
        assertThat(check).contains("CMD").contains("/dev/tcp/127.0.0.1/8080").contains("GET /actuator/health ")
                .contains("\\\"status\\\":\\\"UP\\\"");
        assertThat(service("app").get("healthcheck")).as("services.app.healthcheck: the image's is used").isNull();
    }

    @Test
    void theAppKeepsVarInAVolume() throws IOException {
        List<?> volumes = (List<?>) service("app").get("volumes");
        assertThat(volumes).as("services.app.volumes").isNotNull();
        assertThat(volumes).extracting(String::valueOf).anySatisfy(volume -> assertThat(volume)
                .matches("[a-z][a-z0-9_-]*:/app/var"));
        String named = volumes.stream().map(String::valueOf).filter(volume -> volume.endsWith(":/app/var"))
                .findFirst().orElseThrow().split(":")[0];
        Object document;
        try (Reader reader = Files.newBufferedReader(COMPOSE_FILE, StandardCharsets.UTF_8)) {
            document = new Yaml().load(reader);
        }
        assertThat(map(map(document, "compose").get("volumes"), "volumes")).as("top-level volumes").containsKey(named);
    }

    @Test
    void onlyTheAppIsPublishedBeyondThisMachine() throws IOException {
        services().forEach((name, definition) -> {
            Object ports = map(definition, "services." + name).get("ports");
            if (ports != null && !name.equals("app")) {
                assertThat((List<?>) ports).as("services.%s.ports", name).extracting(String::valueOf)
                        .allSatisfy(port -> assertThat(port).startsWith("127.0.0.1:"));
            }
        });
        assertThat(service("mysql").get("ports")).as("services.mysql.ports: only the app talks to MySQL").isNull();
    }

    // ---------------------------------------------------------------- docker-compose.yml

    @Test
    void composeFileDefinesMysqlAppAndMailServices() throws IOException {
        assertThat(services())
                .as("services in docker/docker-compose.yml")
                .containsKeys("mysql", "app", "mail");
    }

    @Test
    void appIsBuiltFromDockerDockerfileWithTheRepositoryRootAsContext() throws IOException {
        Map<String, Object> build = map(service("app").get("build"), "services.app.build");

        assertThat(build.get("dockerfile"))
                .as("services.app.build.dockerfile (relative to the build context)")
                .isEqualTo("docker/Dockerfile");
        assertThat(build.get("context"))
                .as("services.app.build.context must be the repository root, i.e. '..' seen from docker/")
                .isEqualTo("..");
        Path context = DOCKER_DIR.resolve(String.valueOf(build.get("context"))).normalize();
        assertThat(context.resolve(String.valueOf(build.get("dockerfile"))))
                .as("the Dockerfile that compose builds, resolved from the compose file's folder")
                .exists();
    }

    @Test
    void appStartsOnlyAfterMysqlIsHealthyAndMailIsUp() throws IOException {
        Object dependsOn = service("app").get("depends_on");
        Map<String, Object> deps = map(dependsOn,
                "services.app.depends_on (must be the long form so it can carry a condition)");
        Map<String, Object> mysql = map(deps.get("mysql"), "services.app.depends_on.mysql");

        assertThat(mysql.get("condition"))
                .as("services.app.depends_on.mysql.condition: the app must wait for MySQL's "
                        + "healthcheck, or it fails to connect during MySQL's first start")
                .isEqualTo("service_healthy");
        assertThat(deps)
                .as("services.app.depends_on should include mail (the SMTP server)")
                .containsKey("mail");
    }

    @Test
    void mysqlHasAHealthcheckForAppToWaitOn() throws IOException {
        Map<String, Object> healthcheck = map(service("mysql").get("healthcheck"), "services.mysql.healthcheck");
        Object test = healthcheck.get("test");

        assertThat(healthcheck.get("disable"))
                .as("services.mysql.healthcheck.disable")
                .isNotEqualTo(Boolean.TRUE);
        assertThat(test)
                .as("services.mysql.healthcheck.test (condition: service_healthy never succeeds without it)")
                .isNotNull();
        String command = test instanceof Collection<?> parts
                ? parts.stream().map(String::valueOf).collect(Collectors.joining(" "))
                : String.valueOf(test);
        assertThat(command.trim())
                .as("services.mysql.healthcheck.test")
                .isNotEmpty()
                .isNotEqualToIgnoringCase("NONE");
    }

    @Test
    void mysqlRunsWithReadCommittedIsolationAsCamundaRequires() throws IOException {
        Object command = service("mysql").get("command");
        String joined = command instanceof Collection<?> parts
                ? parts.stream().map(String::valueOf).collect(Collectors.joining(" "))
                : String.valueOf(command);

        assertThat(joined)
                .as("services.mysql.command must set --transaction-isolation=READ-COMMITTED "
                        + "(Camunda 7 on MySQL requires it; the MySQL default is REPEATABLE-READ)")
                .contains("--transaction-isolation=READ-COMMITTED");
    }

    // ---------------------------------------------------------------- compose vs. the mysql profile

    @Test
    void everyRequiredPlaceholderOfTheMysqlProfileIsSetForTheApp() throws IOException {
        Map<String, Boolean> placeholders = mysqlProfilePlaceholders();
        Map<String, String> environment = appEnvironment();

        List<String> problems = new ArrayList<>();
        placeholders.forEach((name, hasDefault) -> {
            if (hasDefault) {
                return;
            }
            if (!environment.containsKey(name)) {
                problems.add(name + " is not in services.app.environment");
                return;
            }
            String value = environment.get(name);
            if (value == null) {
                problems.add(name + " has no value (compose would pass it through from the host "
                        + "shell, where it is usually unset); write \"\" for an intentionally empty value");
                return;
            }
            Matcher bare = COMPOSE_BARE_INTERPOLATION.matcher(value);
            if (bare.find()) {
                String variable = bare.group(1) != null ? bare.group(1) : bare.group(2);
                problems.add(name + " = " + value + " is empty unless " + variable
                        + " is set in the shell; give it a default (${" + variable + ":-...})");
            }
        });

        assertThat(problems)
                .as("%s reads these variables without a default (${NAME}, not ${NAME:default}), "
                        + "so the app fails to start under docker compose", ROOT.relativize(MYSQL_PROFILE))
                .isEmpty();
    }

    @Test
    void appSetsOnlyStageflowVariablesTheApplicationReads() throws IOException {
        Set<String> placeholders = new TreeSet<>(mysqlProfilePlaceholders().keySet());
        Set<String> relaxedPropertyNames = new TreeSet<>();
        for (Path config : List.of(BASE_CONFIG, MYSQL_PROFILE)) {
            if (!Files.exists(config)) {
                continue;
            }
            List<String> values = new ArrayList<>();
            for (Object document : loadAllYaml(config)) {
                collectScalars(document, values);
                collectKeyPaths(document, "", relaxedPropertyNames);
            }
            for (String value : values) {
                Matcher matcher = SPRING_PLACEHOLDER.matcher(value);
                while (matcher.find()) {
                    placeholders.add(matcher.group(1));
                }
            }
        }

        List<String> unread = appEnvironment().keySet().stream()
                .filter(name -> name.startsWith("STAGEFLOW_"))
                .filter(name -> !placeholders.contains(name))
                .filter(name -> !relaxedPropertyNames.contains(name.toLowerCase(Locale.ROOT).replace('_', '.')))
                .toList();

        assertThat(unread)
                .as("services.app.environment sets STAGEFLOW_ variables that the application never "
                        + "reads: neither a ${...} placeholder in %s or %s nor a property there "
                        + "(relaxed binding, e.g. STAGEFLOW_DELIVERY_FROM for stageflow.delivery.from). "
                        + "A typo here is silently ignored. Placeholders read: %s",
                        ROOT.relativize(BASE_CONFIG), ROOT.relativize(MYSQL_PROFILE), placeholders)
                .isEmpty();
    }

    // ================================================================ helpers

    private record Instruction(int line, String keyword, String args) {}

    private record Stage(int line, String image, List<Instruction> instructions) {
        List<Instruction> all(String keyword) {
            return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
        }
    }

    private record CopyArguments(List<String> flags, List<String> sources, String destination) {
        boolean fromOtherStageOrImage() {
            return flags.stream().anyMatch(flag -> flag.startsWith("--from="));
        }
    }

    private record LocalSource(int line, String path) {}

    /** Instructions of docker/Dockerfile, with line continuations joined and comments dropped. */
    private static List<Instruction> dockerfileInstructions() throws IOException {
        assertThat(DOCKERFILE)
                .as("docker/Dockerfile (resolved from the working directory %s, expected to be the "
                        + "repository root)", ROOT)
                .exists();
        List<String> lines = Files.readAllLines(DOCKERFILE, StandardCharsets.UTF_8);
        List<Instruction> instructions = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        int startLine = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String trimmed = line.trim();
            if (trimmed.startsWith("#") || (trimmed.isEmpty() && pending.length() == 0)) {
                continue;
            }
            if (pending.length() == 0) {
                startLine = i + 1;
            }
            String stripped = line.stripTrailing();
            if (stripped.endsWith("\\")) {
                pending.append(stripped, 0, stripped.length() - 1).append(' ');
                continue;
            }
            pending.append(stripped);
            String full = pending.toString().trim();
            pending.setLength(0);
            if (full.isEmpty()) {
                continue;
            }
            String[] parts = full.split("\\s+", 2);
            instructions.add(new Instruction(startLine, parts[0].toUpperCase(Locale.ROOT),
                    parts.length > 1 ? parts[1].trim() : ""));
        }
        return instructions;
    }

    private static List<Stage> dockerfileStages() throws IOException {
        List<Stage> stages = new ArrayList<>();
        List<Instruction> current = null;
        for (Instruction instruction : dockerfileInstructions()) {
            if (instruction.keyword().equals("FROM")) {
                String image = List.of(instruction.args().split("\\s+")).stream()
                        .filter(token -> !token.startsWith("--"))
                        .findFirst()
                        .orElse("");
                current = new ArrayList<>();
                stages.add(new Stage(instruction.line(), image, current));
            } else if (current != null) {
                current.add(instruction);
            }
        }
        return stages;
    }

    private static Stage finalStage() throws IOException {
        List<Stage> stages = dockerfileStages();
        assertThat(stages).as("FROM lines in docker/Dockerfile").isNotEmpty();
        return stages.get(stages.size() - 1);
    }

    private static Instruction lastEntrypoint() throws IOException {
        List<Instruction> entrypoints = finalStage().all("ENTRYPOINT");
        assertThat(entrypoints)
                .as("the final stage of docker/Dockerfile must declare an ENTRYPOINT")
                .isNotEmpty();
        return entrypoints.get(entrypoints.size() - 1);
    }

    /** The strings of an exec-form (JSON array) argument list, or {@code null} for shell form. */
    private static List<String> execFormArguments(String args) {
        String trimmed = args.trim();
        if (!trimmed.startsWith("[") || !trimmed.endsWith("]")) {
            return null;
        }
        String inner = trimmed.substring(1, trimmed.length() - 1).trim();
        List<String> values = new ArrayList<>();
        if (inner.isEmpty()) {
            return values;
        }
        Matcher item = Pattern.compile("\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*(,|$)").matcher(inner);
        int position = 0;
        while (position < inner.length()) {
            if (!item.find(position) || item.start() != position) {
                return null; // not a JSON array of strings, so Docker would run it in a shell
            }
            values.add(item.group(1).replace("\\\"", "\"").replace("\\\\", "\\"));
            position = item.end();
            if (item.group(2).isEmpty()) {
                break;
            }
        }
        return position == inner.length() ? values : null;
    }

    /** Splits COPY/ADD arguments (shell or JSON form) into flags, sources and destination. */
    private static CopyArguments copyArguments(Instruction instruction) {
        List<String> flags = new ArrayList<>();
        String rest = instruction.args().trim();
        while (rest.startsWith("--")) {
            String[] parts = rest.split("\\s+", 2);
            flags.add(parts[0]);
            rest = parts.length > 1 ? parts[1].trim() : "";
        }
        List<String> paths = execFormArguments(rest);
        if (paths == null) {
            paths = List.of(rest.split("\\s+"));
        }
        assertThat(paths)
                .as("docker/Dockerfile line %d: %s needs at least one source and a destination",
                        instruction.line(), instruction.keyword())
                .hasSizeGreaterThanOrEqualTo(2);
        return new CopyArguments(flags, paths.subList(0, paths.size() - 1), paths.get(paths.size() - 1));
    }

    /**
     * Sources that COPY/ADD take from the build context (not {@code --from=}), in every stage.
     * Globs (e.g. {@code target/stageflow-*.jar}), build arguments and URLs are skipped: they cannot
     * be checked statically.
     */
    private static List<LocalSource> localCopySources() throws IOException {
        List<LocalSource> sources = new ArrayList<>();
        for (Instruction instruction : dockerfileInstructions()) {
            if (!instruction.keyword().equals("COPY") && !instruction.keyword().equals("ADD")) {
                continue;
            }
            CopyArguments copy = copyArguments(instruction);
            if (copy.fromOtherStageOrImage()) {
                continue;
            }
            for (String source : copy.sources()) {
                if (source.matches(".*[*?\\[$].*") || source.matches("(?i)^[a-z][a-z0-9+.-]*://.*")
                        || source.startsWith("git@")) {
                    continue;
                }
                String relative = source.startsWith("./") ? source.substring(2) : source;
                sources.add(new LocalSource(instruction.line(), relative.isEmpty() ? "." : relative));
            }
        }
        return sources;
    }

    /** Docker excludes a path if an ignore pattern matches the path itself or one of its parents. */
    private static boolean matchesItselfOrAParent(String pattern, String path) {
        if (path.equals(".")) {
            return false;
        }
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
        Path candidate = Path.of(path);
        for (int i = 1; i <= candidate.getNameCount(); i++) {
            if (matcher.matches(candidate.subpath(0, i))) {
                return true;
            }
        }
        return false;
    }

    private static String stripTrailingSlash(String path) {
        String result = path;
        while (result.length() > 1 && result.endsWith("/")) {
            result = result.substring(0, result.length() - 1);
        }
        return result;
    }

    private static Map<String, Object> services() throws IOException {
        assertThat(COMPOSE_FILE).as("docker/docker-compose.yml").exists();
        Object document;
        try (Reader reader = Files.newBufferedReader(COMPOSE_FILE, StandardCharsets.UTF_8)) {
            document = new Yaml().load(reader);
        }
        Map<String, Object> compose = map(document, "docker/docker-compose.yml (top level)");
        return map(compose.get("services"), "services in docker/docker-compose.yml");
    }

    private static Map<String, Object> service(String name) throws IOException {
        Map<String, Object> services = services();
        assertThat(services).as("services in docker/docker-compose.yml").containsKey(name);
        return map(services.get(name), "services." + name);
    }

    /** services.app.environment as name → value; {@code null} means "pass through from the host". */
    private static Map<String, String> appEnvironment() throws IOException {
        Object environment = service("app").get("environment");
        assertThat(environment).as("services.app.environment").isNotNull();
        Map<String, String> result = new LinkedHashMap<>();
        if (environment instanceof Map<?, ?> entries) {
            entries.forEach((key, value) ->
                    result.put(String.valueOf(key), value == null ? null : String.valueOf(value)));
        } else if (environment instanceof List<?> items) {
            for (Object item : items) {
                String entry = String.valueOf(item);
                int equals = entry.indexOf('=');
                if (equals < 0) {
                    result.put(entry.trim(), null);
                } else {
                    result.put(entry.substring(0, equals).trim(), entry.substring(equals + 1));
                }
            }
        } else {
            throw new AssertionError("services.app.environment must be a map or a list, but is: " + environment);
        }
        return result;
    }

    /**
     * Every {@code ${STAGEFLOW_...}} placeholder in the values of application-mysql.yaml, mapped to
     * whether it has a default ({@code ${NAME:default}}). Parsed as YAML, so comments don't count.
     */
    private static Map<String, Boolean> mysqlProfilePlaceholders() throws IOException {
        assertThat(MYSQL_PROFILE)
                .as("the mysql profile configuration that the Docker image runs with "
                        + "(SPRING_PROFILES_ACTIVE=mysql)")
                .exists();
        List<String> values = new ArrayList<>();
        for (Object document : loadAllYaml(MYSQL_PROFILE)) {
            collectScalars(document, values);
        }
        Map<String, Boolean> placeholders = new LinkedHashMap<>();
        for (String value : values) {
            Matcher matcher = SPRING_PLACEHOLDER.matcher(value);
            while (matcher.find()) {
                boolean hasDefault = matcher.group(2).equals(":");
                // Required anywhere means required.
                placeholders.merge(matcher.group(1), hasDefault, Boolean::logicalAnd);
            }
        }
        assertThat(placeholders)
                .as("%s should read its settings from ${STAGEFLOW_...} environment placeholders; "
                        + "found none", ROOT.relativize(MYSQL_PROFILE))
                .isNotEmpty();
        return placeholders;
    }

    private static List<Object> loadAllYaml(Path file) throws IOException {
        List<Object> documents = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (Object document : new Yaml().loadAll(reader)) {
                documents.add(document);
            }
        }
        return documents;
    }

    /** Property names of every mapping key path (e.g. {@code stageflow.delivery.from}), relaxed. */
    private static void collectKeyPaths(Object node, String prefix, Set<String> into) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> {
                String path = prefix.isEmpty() ? String.valueOf(key) : prefix + "." + key;
                into.add(relaxed(path));
                collectKeyPaths(value, path, into);
            });
        }
    }

    /**
     * A property name in the form Spring Boot matches environment variables against: lower case,
     * dashes dropped. {@code stageflow.templates.brand.website-url} becomes
     * {@code stageflow.templates.brand.websiteurl}, which is {@code STAGEFLOW_TEMPLATES_BRAND_WEBSITEURL}
     * lower-cased with {@code _} read as {@code .}.
     */
    private static String relaxed(String propertyName) {
        return propertyName.toLowerCase(Locale.ROOT).replace("-", "");
    }

    private static void collectScalars(Object node, List<String> into) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> {
                collectScalars(key, into);
                collectScalars(value, into);
            });
        } else if (node instanceof Collection<?> items) {
            items.forEach(item -> collectScalars(item, into));
        } else if (node != null) {
            into.add(String.valueOf(node));
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object node, String what) {
        assertThat(node).as("%s must be a YAML mapping", what).isInstanceOf(Map.class);
        Map<String, Object> result = new LinkedHashMap<>();
        ((Map<Object, Object>) node).forEach((key, value) -> result.put(String.valueOf(key), value));
        return result;
    }
}
