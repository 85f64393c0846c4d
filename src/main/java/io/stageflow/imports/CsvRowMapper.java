package io.stageflow.imports;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.batch.item.file.LineCallbackHandler;
import org.springframework.batch.item.file.LineMapper;
import org.springframework.batch.item.file.transform.DelimitedLineTokenizer;
import org.springframework.batch.item.file.transform.FieldSet;

/**
 * Turns a CSV line into a {@link CsvRow} by the columns the header named. The reader hands it the header line
 * first (also when a restarted job opens the file again), so the columns always come from the file itself. A line
 * with more or fewer cells than the header, or an empty line, fails to map and is reported as a bad row.
 */
final class CsvRowMapper implements LineMapper<CsvRow>, LineCallbackHandler {

    private final DelimitedLineTokenizer tokenizer = new DelimitedLineTokenizer();
    private final ImportHeader.Columns kind;
    private ImportHeader header;

    CsvRowMapper(ImportHeader.Columns kind) {
        this.kind = kind;
    }

    @Override
    public void handleLine(String headerLine) {
        header = ImportHeader.parse(headerLine, kind);
        tokenizer.setNames(header.columns().toArray(String[]::new));
        tokenizer.setStrict(true);
    }

    @Override
    public CsvRow mapLine(String line, int lineNumber) {
        if (header == null) {
            throw new IllegalStateException("the header line has not been read");
        }
        if (line.isBlank()) {
            throw new BlankLineException();
        }
        FieldSet cells = tokenizer.tokenize(line);
        Map<String, String> values = new LinkedHashMap<>();
        for (String column : header.columns()) {
            String value = cells.readRawString(column).trim();
            if (!value.isEmpty()) {
                values.put(column, value);
            }
        }
        return new CsvRow(lineNumber, values);
    }

    /** An empty line amid the data: reported like any other unreadable line. */
    static final class BlankLineException extends IllegalArgumentException {

        BlankLineException() {
            super("the line is empty");
        }
    }
}
