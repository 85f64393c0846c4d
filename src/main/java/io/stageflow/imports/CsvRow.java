package io.stageflow.imports;

import java.util.Map;

/**
 * One data line of an import file as read, not yet validated: its non-blank cells by column (trimmed; a blank
 * cell is absent). {@code line} is the line number in the file (the header is line 1), which is what the error
 * report and the logs name instead of anything the row says.
 */
record CsvRow(long line, Map<String, String> cells) {

    CsvRow {
        cells = Map.copyOf(cells);
    }

    /** The cell of this column, or null when it is blank or the file has no such column. */
    String cell(String column) {
        return cells.get(column);
    }

    @Override
    public String toString() {
        return "CsvRow[line=" + line + "]";
    }
}
