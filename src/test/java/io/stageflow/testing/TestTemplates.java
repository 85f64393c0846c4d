package io.stageflow.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.util.FileSystemUtils;

/**
 * The application under test reads a fresh copy of {@code templates/} in {@code target/}, so tests that write
 * template folders, as a marketer would, can never leave one in the real folder (where it would stop the next
 * start-up, or be committed).
 */
public final class TestTemplates {

    private static final class Holder {
        static final Path COPY = copy();

        private static Path copy() {
            Path copy = Path.of("target", "test-templates").toAbsolutePath();
            try {
                FileSystemUtils.deleteRecursively(copy);
                FileSystemUtils.copyRecursively(Path.of("templates"), copy);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return copy;
        }
    }

    private TestTemplates() {
    }

    /** The templates folder of the application under test. */
    public static Path dir() {
        return Holder.COPY;
    }

    /**
     * Writes template folder {@code key} with {@code files} into the application's folder, all at once (a folder
     * read half-written would be published half-written), and waits until the application has read and published it:
     * it reads the folder every {@code stageflow.templates.check-interval} (1 s in tests). Returns the folder.
     */
    public static Path writeAndAwait(JdbcClient jdbc, String key, Map<String, String> files) throws IOException {
        Path staging = Files.createTempDirectory(dir(), ".staging-");
        for (Map.Entry<String, String> file : files.entrySet()) {
            Path path = staging.resolve(file.getKey());
            Files.createDirectories(path.getParent());
            Files.writeString(path, file.getValue());
        }
        Path folder = dir().resolve(key);
        Files.move(staging, folder, StandardCopyOption.ATOMIC_MOVE);
        awaitPublished(jdbc, key);
        return folder;
    }

    private static void awaitPublished(JdbcClient jdbc, String key) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> jdbc.sql(
                        "select count(*) from sf_template where template_key = ? and published_version = file_version")
                .param(key).query(Integer.class).single() == 1);
    }
}
