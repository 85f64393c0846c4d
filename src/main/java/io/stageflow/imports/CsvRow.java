package io.stageflow.imports;

import java.util.Map;

/**
 * One data line of an import file as read, not yet validated: blank cells are null, and {@code traits} holds the
 * non-blank cells of the trait columns. {@code line} is the line number in the file (the header is line 1), which
 * is what the error report and the logs name instead of anything the row says.
 */
record CsvRow(long line, String id, String email, String firstName, String locale, String timeZone,
        String marketingConsent, Map<String, String> traits) {

    CsvRow {
        traits = Map.copyOf(traits);
    }

    @Override
    public String toString() {
        return "CsvRow[line=" + line + "]";
    }
}
