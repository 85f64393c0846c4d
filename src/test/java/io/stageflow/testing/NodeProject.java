package io.stageflow.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;

/**
 * A small Node project the tests run (the client libraries, the BPMN linter): its sources in {@code src/test/<name>},
 * with a committed {@code package-lock.json} that pins every package, installed with {@code npm ci} into
 * {@code target/<name>} (again only when the lock file changed). Without Node a test is skipped on a developer's
 * machine and fails under CI ({@code CI} set), where {@code .ci/run} installs nodejs and npm.
 */
public final class NodeProject {

    private final Path directory;

    private NodeProject(Path directory) {
        this.directory = directory;
    }

    /** The project {@code src/test/<name>}, installed into {@code target/<name>}. */
    public static NodeProject install(String name) throws IOException {
        boolean installed = run(Path.of("."), Duration.ofSeconds(30), "node", "--version").exitCode() == 0
                && run(Path.of("."), Duration.ofSeconds(30), "npm", "--version").exitCode() == 0;
        if (!installed && System.getenv("CI") != null) {
            throw new IllegalStateException("node and npm are not installed: .ci/run installs them with apt-get");
        }
        Assumptions.assumeTrue(installed, "node and npm are not installed: apt-get install nodejs npm");
        Path sources = Path.of("src", "test", name);
        Path target = Files.createDirectories(Path.of("target", name));
        boolean sameLock = Files.exists(target.resolve("node_modules"))
                && Files.exists(target.resolve("package-lock.json"))
                && Files.mismatch(sources.resolve("package-lock.json"), target.resolve("package-lock.json")) == -1;
        try (Stream<Path> files = Files.list(sources)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.copy(file, target.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        if (!sameLock) {
            Result npm = run(target, Duration.ofMinutes(5), "npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund");
            assertThat(npm.exitCode()).as("npm ci in %s: %s", target, npm.output()).isZero();
        }
        return new NodeProject(target);
    }

    /** The folder the project is installed in. */
    public Path directory() {
        return directory;
    }

    /** Runs {@code node <script> <arguments>} in the project's folder, for at most {@code patience}. */
    public Result node(Duration patience, String script, String... arguments) {
        String[] command = Stream.concat(Stream.of("node", script), Stream.of(arguments)).toArray(String[]::new);
        return run(directory, patience, command);
    }

    /** How a command ended: its exit code (-1 when it could not start or timed out) and its output. */
    public record Result(int exitCode, String output) {
    }

    static Result run(Path directory, Duration patience, String... command) {
        try {
            Process process = new ProcessBuilder(List.of(command)).directory(directory.toFile())
                    .redirectErrorStream(true).start();
            process.getOutputStream().close();
            StringBuilder output = new StringBuilder();
            Thread reader = new Thread(() -> {
                try {
                    output.append(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException e) {
                    output.append(e);
                }
            });
            reader.start();
            if (!process.waitFor(patience.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                reader.join(5000);
                return new Result(-1, "timed out after " + patience + ": " + output);
            }
            reader.join(5000);
            return new Result(process.exitValue(), output.toString());
        } catch (IOException notInstalled) {
            return new Result(-1, notInstalled.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException(e));
        }
    }
}
