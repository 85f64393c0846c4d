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
    private ImportHeader header;

    @Override
    public void handleLine(String headerLine) {
        header = ImportHeader.parse(headerLine);
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
        Map<String, String> traits = new LinkedHashMap<>();
        for (String column : header.columns()) {
            String value = cell(cells, column);
            if (header.isTrait(column) && value != null) {
                traits.put(column, value);
            }
        }
        return new CsvRow(lineNumber, cell(cells, ImportHeader.ID), cell(cells, ImportHeader.EMAIL),
                cell(cells, ImportHeader.FIRST_NAME), cell(cells, ImportHeader.LOCALE),
                cell(cells, ImportHeader.TIME_ZONE), cell(cells, ImportHeader.MARKETING_CONSENT), traits);
    }

    private String cell(FieldSet cells, String column) {
        if (!header.columns().contains(column)) {
            return null;
        }
        String value = cells.readRawString(column).trim();
        return value.isEmpty() ? null : value;
    }

    /** An empty line amid the data: reported like any other unreadable line. */
    static final class BlankLineException extends IllegalArgumentException {

        BlankLineException() {
            super("the line is empty");
        }
    }
}
