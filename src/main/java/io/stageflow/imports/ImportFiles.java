package io.stageflow.imports;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.stageflow.web.InvalidInputException;

import org.springframework.stereotype.Component;
import org.springframework.web.multipart.MultipartFile;

/**
 * Keeps every import file on disk, each in a folder of its own under {@code stageflow.imports.dir} together with its
 * error report, named after its kind ({@code customers.csv}, {@code products.csv}), before any job runs, so an accepted upload survives a restart of the node and a restarted job reads
 * the very same bytes. While copying it counts the rows (for progress and ETA) and checks the header, so that an
 * empty file or a wrong header is refused at once, naming the {@code file} field.
 */
@Component
class ImportFiles {

    static final String ERRORS = "errors.csv";
    /** The kind of file an import takes when none is named: customers, as before there were others. */
    static final String DEFAULT_KIND = "customers";

    /** Longest header line taken; a "header" longer than this is not one. */
    private static final int MAX_HEADER_BYTES = 64 * 1024;

    private final Path dir;
    /** The kinds of file, by kind ({@code customers}): their columns. */
    private final Map<String, ImportHeader.Columns> kinds = new LinkedHashMap<>();

    ImportFiles(ImportProperties properties, List<ImportTarget<?>> targets) {
        this.dir = properties.dir().toAbsolutePath().normalize();
        targets.forEach(target -> kinds.put(target.kind(), target.columns()));
    }

    static Path errorReportOf(Path csv) {
        return csv.resolveSibling(ERRORS);
    }

    /** Whether {@code csv} is a file this store holds, so a job parameter cannot point anywhere else. */
    boolean holds(Path csv) {
        Path normalized = csv.toAbsolutePath().normalize();
        return normalized.startsWith(dir) && kinds.keySet().stream()
                .anyMatch(kind -> normalized.getFileName().toString().equals(fileName(kind)));
    }

    /** Whether an import takes files of this kind ({@code customers}, {@code products}). */
    boolean takes(String kind) {
        return kinds.containsKey(kind);
    }

    /** The kind named, or {@link #DEFAULT_KIND} when none is. */
    static String kindOrDefault(String kind) {
        return kind == null || kind.isBlank() ? DEFAULT_KIND : kind.strip();
    }

    private static String fileName(String kind) {
        return kind + ".csv";
    }

    /**
     * Stores an uploaded file (the API's and the console's upload alike), as {@link #store(String, InputStream)} does.
     *
     * @throws InvalidInputException ({@code kind}) for an unknown kind, ({@code file}) for an empty file or a bad
     *         header; nothing is kept then
     */
    Stored store(String kind, MultipartFile upload) {
        try (InputStream in = upload.getInputStream()) {
            return store(kind, in);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the uploaded import file", e);
        }
    }

    /**
     * Copies the upload of a file of this kind ({@code customers}, {@code products}) into a new folder, checking its
     * header by the kind's columns, fsyncs it, and answers where it is and how many rows it has.
     *
     * @throws InvalidInputException ({@code kind}) for an unknown kind, ({@code file}) for an empty file or a bad
     *         header; nothing is kept then
     */
    Stored store(String kind, InputStream upload) {
        ImportHeader.Columns columns = kinds.get(kind);
        if (columns == null) {
            throw new InvalidInputException("kind", "must be one of " + String.join(", ", kinds.keySet()));
        }
        Path folder = dir.resolve(UUID.randomUUID().toString());
        Path csv = folder.resolve(fileName(kind));
        Path partial = folder.resolve(fileName(kind) + ".part");
        try {
            Files.createDirectories(folder);
            long rows;
            String header;
            try (OutputStream out = Files.newOutputStream(partial)) {
                Counted counted = copy(upload, out);
                rows = counted.rows();
                header = counted.header();
            }
            if (header == null) {
                throw new InvalidInputException("file", "is empty");
            }
            try {
                ImportHeader.parse(header, columns);
            } catch (ImportHeader.InvalidHeaderException e) {
                throw new InvalidInputException("file", e.getMessage());
            }
            try (var channel = FileChannel.open(partial, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            Files.move(partial, csv, StandardCopyOption.ATOMIC_MOVE);
            return new Stored(kind, csv, rows);
        } catch (IOException e) {
            deleteQuietly(folder, partial);
            throw new UncheckedIOException("Cannot store the import file", e);
        } catch (RuntimeException e) {
            deleteQuietly(folder, partial);
            throw e;
        }
    }

    /** Copies while counting lines after the header (a last line without a newline counts too). */
    private static Counted copy(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        ByteArrayOutputStream headerBytes = new ByteArrayOutputStream();
        boolean inHeader = true;
        boolean sawAny = false;
        long newlines = 0;
        int last = -1;
        int n;
        while ((n = in.read(buffer)) > 0) {
            out.write(buffer, 0, n);
            sawAny = true;
            for (int i = 0; i < n; i++) {
                byte b = buffer[i];
                if (b == '\n') {
                    newlines++;
                    inHeader = false;
                } else if (inHeader && headerBytes.size() < MAX_HEADER_BYTES) {
                    headerBytes.write(b);
                }
            }
            last = buffer[n - 1];
        }
        if (!sawAny) {
            return new Counted(null, 0);
        }
        long lines = newlines + (last == '\n' ? 0 : 1);
        String header = headerBytes.toString(StandardCharsets.UTF_8);
        if (header.endsWith("\r")) {
            header = header.substring(0, header.length() - 1);
        }
        return new Counted(header, Math.max(0, lines - 1));
    }

    private static void deleteQuietly(Path folder, Path partial) {
        try {
            Files.deleteIfExists(partial);
            Files.deleteIfExists(folder);
        } catch (IOException ignored) {
            // a leftover empty folder harms nothing
        }
    }

    /** A stored import file, its kind, and how many data lines it has. */
    record Stored(String kind, Path csv, long rows) {
    }

    private record Counted(String header, long rows) {
    }
}
