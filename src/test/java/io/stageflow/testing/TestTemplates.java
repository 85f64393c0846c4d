package io.stageflow.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

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
}
