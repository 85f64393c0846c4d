package io.stageflow.web;

import java.util.List;
import java.util.stream.Collectors;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * Reports as CSV ({@code Accept: text/csv}) for a spreadsheet: a header row, then one row per line of the report,
 * quoted as RFC 4180 says (a field with a comma, a quote or a line break in quotes, quotes doubled), CRLF line ends.
 * Shared by every feature that offers a table for download (analytics reports, the audit log).
 */
public final class Csv {

    public static final String MEDIA_TYPE = "text/csv";

    private Csv() {
    }

    public static ResponseEntity<String> of(String filename, List<String> header, List<List<Object>> rows) {
        StringBuilder csv = new StringBuilder(line(header.stream().map(Object.class::cast).toList()));
        rows.forEach(row -> csv.append(line(row)));
        return ResponseEntity.ok()
                .contentType(new MediaType("text", "csv", java.nio.charset.StandardCharsets.UTF_8))
                .header("Content-Disposition", "attachment; filename=\"" + filename + ".csv\"")
                .body(csv.toString());
    }

    private static String line(List<Object> fields) {
        return fields.stream().map(Csv::field).collect(Collectors.joining(",")) + "\r\n";
    }

    public static String field(Object value) {
        if (value == null) {
            return "";
        }
        String text = value.toString();
        return text.matches("(?s).*[\",\r\n].*") ? "\"" + text.replace("\"", "\"\"") + "\"" : text;
    }
}
