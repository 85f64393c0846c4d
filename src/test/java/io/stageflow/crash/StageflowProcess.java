package io.stageflow.crash;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import io.stageflow.testing.StageflowClient;

import org.springframework.util.FileSystemUtils;

/**
 * The packaged jar ({@code java -jar target/stageflow-*.jar}) as a separate process, in a working folder of its own
 * under {@code target/crash/}, so {@code ./var/db} and {@code ./var/outbox} belong to one test. A test kills it with
 * SIGKILL ({@link #kill9()}) and starts it again on the same folder and database ({@link #start()}). Each start
 * listens on a new free port and logs to a new file, {@code app-N.log}.
 */
final class StageflowProcess implements AutoCloseable {

    static final String ADMIN_PASSWORD = "Not-the-default-42";

    /** A JVM killed by signal 9 exits with 128 + 9: the proof that {@link Process#destroyForcibly()} sent SIGKILL. */
    private static final int KILLED_BY_SIGKILL = 137;
    private static final Duration STARTUP_PATIENCE = Duration.ofMinutes(3);

    private final String name;
    private final Path workDir;
    private final Map<String, String> properties;
    private final Map<String, String> environment;
    private final List<Path> logs = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private volatile Process process;
    /** Read by client threads while a restart changes it. */
    private volatile int port;

    private StageflowProcess(String name, Path workDir, Map<String, String> properties, Map<String, String> environment) {
        this.name = name;
        this.workDir = workDir;
        this.properties = properties;
        this.environment = environment;
    }

    /**
     * A process for one test, not yet started: a fresh working folder {@code target/crash/<name>-<db>}, a fresh
     * database, the common settings ({@link #commonProperties()}) and then {@code properties}, which win.
     */
    static StageflowProcess prepare(String name, CrashDatabase database, Map<String, String> properties) {
        database.recreate();
        return node(name, database, properties);
    }

    /**
     * One more node on the database of a process prepared before (a cluster of separate JVMs on one MariaDB): its
     * own working folder and node name, the same database, which is not recreated.
     */
    static StageflowProcess join(String name, CrashDatabase database, Map<String, String> properties) {
        return node(name, database, properties);
    }

    private static StageflowProcess node(String name, CrashDatabase database, Map<String, String> properties) {
        Path workDir = Path.of(System.getProperty("stageflow.test.crash.dir", "target/crash"))
                .resolve(name + "-" + database.label()).toAbsolutePath();
        try {
            FileSystemUtils.deleteRecursively(workDir);
            Files.createDirectories(workDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> all = new LinkedHashMap<>(commonProperties());
        // The same node name at every start, as a production node keeps it: a restart takes back its job locks.
        all.put("stageflow.journeys.node-id", name + "-" + database.label());
        all.putAll(properties);
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("STAGEFLOW_ADMIN_PASSWORD", ADMIN_PASSWORD);
        // The mysql profile takes these from the environment and has no defaults for them; tests that send over SMTP
        // point spring.mail.* at their own server with properties, which win.
        environment.put("STAGEFLOW_SMTP_HOST", "127.0.0.1");
        environment.put("STAGEFLOW_SMTP_PORT", "25");
        environment.put("STAGEFLOW_SMTP_STARTTLS", "false");
        environment.put("STAGEFLOW_MAIL_FROM", "Stageflow Crash Tests <journeys@stageflow.test>");
        environment.put("STAGEFLOW_PUBLIC_URL", "https://stageflow.test");
        environment.putAll(database.environment());
        return new StageflowProcess(name, workDir, all, environment);
    }

    /**
     * Settings every crash test needs: the project's journeys, templates and segments (the working folder is
     * elsewhere), no quiet hours (the welcome email is marketing and the tests run at any hour), no ingest limit,
     * no scheduled scan, and the fast polling of the in-process tests (testing/IntegrationTest), so work after a
     * restart starts at once. Short leases, so what a killed process held is free again soon after the restart: the
     * dispatcher's (5 s) for the outbox row it was sending, the job executor's lock (10 s; the engine's default is
     * 5 minutes) for the journey jobs it was running.
     */
    private static Map<String, String> commonProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("spring.main.banner-mode", "off");
        properties.put("stageflow.journeys.dir", Path.of("bpmn").toAbsolutePath().toString());
        properties.put("stageflow.templates.dir", Path.of("templates").toAbsolutePath().toString());
        properties.put("stageflow.segments.dir", Path.of("segments").toAbsolutePath().toString());
        properties.put("stageflow.delivery.pacing.quiet-hours-start", "00:00");
        properties.put("stageflow.delivery.pacing.quiet-hours-end", "00:00");
        properties.put("stageflow.security.ingestion-rate-limit.messages-per-second", "10000000");
        properties.put("stageflow.security.ingestion-rate-limit.burst", "10000000");
        properties.put("stageflow.inactivity.cron", "-");
        properties.put("camunda.bpm.job-execution.wait-time-in-millis", "50");
        properties.put("camunda.bpm.job-execution.max-wait", "200");
        properties.put("stageflow.journeys.router.idle-wait", "PT0.1S");
        properties.put("stageflow.journeys.router.retry-backoff", "PT0.2S");
        properties.put("stageflow.journeys.router.max-retry-backoff", "PT1S");
        properties.put("stageflow.delivery.dispatcher.idle-wait", "PT0.1S");
        properties.put("stageflow.delivery.dispatcher.lease", "PT5S");
        return properties;
    }

    /**
     * The settings that send over SMTP to a test's own mail server on the loopback address (GreenMail, a relay, a
     * faulty server), without authentication or STARTTLS; then {@code more}, which win.
     */
    static Map<String, String> smtpTo(int port, Map<String, String> more) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("stageflow.delivery.transport", "smtp");
        settings.put("spring.mail.host", "127.0.0.1");
        settings.put("spring.mail.port", Integer.toString(port));
        settings.put("spring.mail.properties.mail.smtp.auth", "false");
        settings.put("spring.mail.properties.mail.smtp.starttls.enable", "false");
        settings.putAll(more);
        return settings;
    }

    /** Starts the jar (again, after a kill, on the same folder and database) and waits until it is healthy. */
    void start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is running already");
        }
        port = freePort();
        Path log = workDir.resolve("app-" + (logs.size() + 1) + ".log");
        logs.add(log);
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m"));
        // JVM options from the build (pom.xml: stageflow.test.crash.jvm-options), such as a faster start for CI.
        for (String option : System.getProperty("stageflow.test.crash.jvm-options", "").trim().split("\\s+")) {
            if (!option.isEmpty()) {
                command.add(option);
            }
        }
        command.addAll(List.of("-jar", jar().toString(), "--server.port=" + port));
        properties.forEach((key, value) -> command.add("--" + key + "=" + value));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().remove("SPRING_PROFILES_ACTIVE");
        builder.environment().putAll(environment);
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + command, e);
        }
        long started = System.nanoTime();
        await("start of " + name + " (" + log + ")").atMost(STARTUP_PATIENCE).pollInterval(Duration.ofMillis(250))
                .until(this::healthy);
        System.out.printf("CRASH %s: start %d healthy after %.1f s on port %d (pid %d)%n", name, logs.size(),
                (System.nanoTime() - started) / 1e9, port, process.pid());
    }

    private boolean healthy() {
        if (!process.isAlive()) {
            throw new IllegalStateException(name + " exited with code " + process.exitValue() + " before it was healthy");
        }
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/health"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && response.body().contains("\"UP\"");
        } catch (IOException notListeningYet) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * {@code kill -9}: {@link Process#destroyForcibly()} sends SIGKILL on Linux, which the exit code 137 confirms.
     * The process gets no chance to flush, close or shut down anything.
     */
    void kill9() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException(name + " did not die within 30 s of SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (process.exitValue() != KILLED_BY_SIGKILL) {
            throw new IllegalStateException(name + " exited with " + process.exitValue() + ", not 137 (SIGKILL)");
        }
        System.out.printf("CRASH %s: kill -9 of pid %d%n", name, process.pid());
    }

    /**
     * {@code kill -STOP}: the process stops where it is (threads, sockets and database connections held) until
     * {@link #resume()}; returns the kernel's state letter for it afterwards, {@code T} when it really is stopped.
     */
    String pause() {
        signal("STOP");
        String state = await("SIGSTOP of " + name).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(this::kernelState, "T"::equals);
        System.out.printf("CRASH %s: kill -STOP of pid %d (state %s)%n", name, process.pid(), state);
        return state;
    }

    /** {@code kill -CONT}: the stopped process goes on from where it was. */
    void resume() {
        signal("CONT");
        System.out.printf("CRASH %s: kill -CONT of pid %d (state %s)%n", name, process.pid(), kernelState());
    }

    private void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The process's state letter in {@code /proc/<pid>/stat} (R, S, T, ...). */
    private String kernelState() {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The process id of the current start, for readers of {@code /proc/<pid>} (a benchmark's CPU time). */
    long pid() {
        return process.pid();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** The admin over HTTP Basic, on the port of the current start. */
    StageflowClient admin() {
        return new StageflowClient(port, "admin", ADMIN_PASSWORD);
    }

    /** An integration posting with this write key, on the port of the current start. */
    StageflowClient writeKeyClient(String writeKey) {
        return new StageflowClient(port, writeKey, "");
    }

    /** The working folder: {@code var/outbox} and the H2 files are in there. */
    Path workDir() {
        return workDir;
    }

    /** The last lines of every start's log, for a failing test. */
    String logTails(int lines) {
        StringBuilder tails = new StringBuilder();
        for (Path log : logs) {
            tails.append("---- last ").append(lines).append(" lines of ").append(log).append('\n');
            try {
                List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
                all.subList(Math.max(0, all.size() - lines), all.size()).forEach(l -> tails.append(l).append('\n'));
            } catch (IOException e) {
                tails.append("(cannot read: ").append(e).append(")\n");
            }
        }
        return tails.toString();
    }

    /** The lines of every start's log in which {@code pattern} is found, oldest first. */
    List<String> logLines(Pattern pattern) {
        List<String> found = new ArrayList<>();
        for (Path log : logs) {
            try {
                Files.readAllLines(log, StandardCharsets.UTF_8).stream().filter(l -> pattern.matcher(l).find())
                        .forEach(found::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return found;
    }

    /** Kills the process if it is still running (SIGKILL: the test is over, nothing to keep). */
    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static Path jar() {
        String jar = System.getProperty("stageflow.test.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("No jar at stageflow.test.jar=" + jar
                    + ": the crash tests run in ./mvnw verify (failsafe), after the jar is packaged");
        }
        return Path.of(jar).toAbsolutePath();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
