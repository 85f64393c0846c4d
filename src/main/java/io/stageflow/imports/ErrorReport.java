package io.stageflow.imports;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.SkipListener;
import org.springframework.batch.item.Chunk;
import org.springframework.batch.item.ExecutionContext;
import org.springframework.batch.item.ItemStream;
import org.springframework.batch.item.file.FlatFileItemWriter;
import org.springframework.batch.item.file.FlatFileParseException;
import org.springframework.batch.item.file.builder.FlatFileItemWriterBuilder;
import org.springframework.batch.item.file.transform.DelimitedLineTokenizer;
import org.springframework.batch.item.file.transform.FieldSet;
import org.springframework.batch.item.file.transform.IncorrectTokenCountException;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;

/**
 * The error report of one import: a CSV file with a line for each problem of each skipped row
 * ({@code line,column,reason}). Spring Batch calls the skip callbacks inside the chunk's transaction, and the file
 * writer is transactional and restartable, so the report holds exactly the bad rows of the committed chunks: a
 * rolled-back chunk leaves nothing behind, and a restart truncates the file to the last commit and goes on from
 * there. Reasons name the rule, never the value, so the report can be shared without leaking what the row said.
 */
final class ErrorReport implements SkipListener<CsvRow, Object>, ItemStream {

    static final String ERRORS = "errors.count";
    /** The report's first line. */
    static final String HEADER = "line,column,reason";

    private static final Logger log = LoggerFactory.getLogger(ErrorReport.class);

    private final FlatFileItemWriter<ErrorLine> writer;
    private long errors;

    ErrorReport(Path file) {
        this.writer = new FlatFileItemWriterBuilder<ErrorLine>()
                .name("errorReport")
                .resource(new FileSystemResource(file))
                .encoding(StandardCharsets.UTF_8.name())
                .headerCallback(header -> header.write(HEADER))
                .lineAggregator(ErrorLine::toCsv)
                .transactional(true)
                .shouldDeleteIfEmpty(false)
                .build();
    }

    @Override
    public void onSkipInRead(Throwable t) {
        if (t instanceof FlatFileParseException parse) {
            Throwable cause = parse.getCause();
            String reason = cause instanceof IncorrectTokenCountException count
                    ? "has " + count.getActualCount() + " cells; the header has " + count.getExpectedCount()
                    : cause instanceof CsvRowMapper.BlankLineException blank ? blank.getMessage()
                    : cause == null ? "is not a complete CSV record (is a quote left open?)"
                    : "cannot be read as CSV";
            report(List.of(new ErrorLine(parse.getLineNumber(), "", reason)));
        } else {
            report(List.of(new ErrorLine(0, "", "a line could not be read")));
        }
    }

    @Override
    public void onSkipInProcess(CsvRow row, Throwable t) {
        if (t instanceof InvalidRowException invalid) {
            report(invalid.violations().stream()
                    .map(v -> new ErrorLine(invalid.line(), v.field(), v.message())).toList());
        } else {
            report(List.of(new ErrorLine(row.line(), "", "could not be checked")));
        }
    }

    @Override
    public void onSkipInWrite(Object item, Throwable t) {
        report(List.of(new ErrorLine(0, ImportHeader.ID, "could not be stored")));
    }

    private void report(List<ErrorLine> lines) {
        try {
            writer.write(new Chunk<>(lines));
        } catch (Exception e) {
            throw new IllegalStateException("Cannot write the import's error report", e);
        }
        errors += lines.size();
        if (log.isDebugEnabled()) {
            lines.forEach(line -> log.debug("Import skipped line {}: column '{}' {}", line.line(), line.column(),
                    line.reason()));
        }
    }

    @Override
    public void open(ExecutionContext context) {
        writer.open(context);
        errors = context.getLong(ERRORS, 0);
    }

    @Override
    public void update(ExecutionContext context) {
        writer.update(context);
        context.putLong(ERRORS, errors);
    }

    @Override
    public void close() {
        writer.close();
    }

    /**
     * The report as a download: the file, or only its header while the job has not opened it yet (no line so far).
     */
    static Resource download(Path file) {
        return Files.exists(file) ? new FileSystemResource(file)
                : new ByteArrayResource((HEADER + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The first {@code max} lines of a report file (none while the job has not opened it yet), and how many lines it
     * has in all, for the console to show.
     */
    static Lines read(Path file, int max) {
        if (!Files.exists(file)) {
            return new Lines(List.of(), 0);
        }
        DelimitedLineTokenizer tokenizer = new DelimitedLineTokenizer();
        List<ErrorLine> shown = new ArrayList<>();
        long total = 0;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            in.readLine(); // the header
            for (String text = in.readLine(); text != null; text = in.readLine()) {
                if (text.isEmpty()) {
                    continue;
                }
                total++;
                if (shown.size() < max) {
                    FieldSet cells = tokenizer.tokenize(text);
                    shown.add(new ErrorLine(Long.parseLong(cells.readRawString(0)), cells.readRawString(1),
                            cells.readRawString(2)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the import's error report", e);
        }
        return new Lines(List.copyOf(shown), total);
    }

    /** Some lines of a report, and how many it has in all. */
    record Lines(List<ErrorLine> shown, long total) {
    }

    /** One line of the report. */
    record ErrorLine(long line, String column, String reason) {

        String toCsv() {
            return line + "," + quoted(column) + "," + quoted(reason);
        }

        private static String quoted(String value) {
            if (value.indexOf(',') < 0 && value.indexOf('"') < 0 && value.indexOf('\n') < 0) {
                return value;
            }
            return '"' + value.replace("\"", "\"\"") + '"';
        }
    }
}
