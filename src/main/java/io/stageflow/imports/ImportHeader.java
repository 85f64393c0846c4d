package io.stageflow.imports;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.springframework.batch.item.file.transform.DelimitedLineTokenizer;

/**
 * The header line of an import file: which column holds what. The columns an import kind knows
 * ({@link Columns}) are matched without regard to case and written back in their documented spelling; any other
 * column is a trait of that name where the kind takes traits (customers), and refused where it does not
 * (products). Parsed once when the file is uploaded (so a wrong header is refused before anything runs) and again
 * when the job opens the file.
 */
record ImportHeader(List<String> columns, Columns kind) {

    static final String ID = "id";

    /** A trait name as the API accepts it in JSON keys, kept simple so segment rules can name it. */
    private static final Pattern TRAIT = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]{0,63}");

    private static final char BYTE_ORDER_MARK = '\uFEFF';

    ImportHeader {
        columns = List.copyOf(columns);
    }

    /**
     * The columns of one kind of import file: those it knows, in their documented spelling and order, which of
     * them a header must have, and whether any other column is a trait (else it is refused).
     */
    record Columns(List<String> known, List<String> required, boolean traits) {

        Columns {
            known = List.copyOf(known);
            required = List.copyOf(required);
        }

        private Map<String, String> byLowerCase() {
            return known.stream().collect(Collectors.toMap(c -> c.toLowerCase(Locale.ROOT), Function.identity()));
        }

        private String example() {
            return String.join(",", known.subList(0, Math.min(3, known.size())));
        }
    }

    /** Parses and checks a header line; the exception's message says what is wrong, naming no row data. */
    static ImportHeader parse(String line, Columns kind) {
        if (line == null || line.isBlank()) {
            throw new InvalidHeaderException("the first line must be the header, for example " + kind.example());
        }
        Map<String, String> known = kind.byLowerCase();
        String text = line.charAt(0) == BYTE_ORDER_MARK ? line.substring(1) : line;
        DelimitedLineTokenizer tokenizer = new DelimitedLineTokenizer();
        List<String> columns = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String raw : tokenizer.tokenize(text).getValues()) {
            String name = raw.trim();
            String column = known.getOrDefault(name.toLowerCase(Locale.ROOT), name);
            if (column.isEmpty()) {
                throw new InvalidHeaderException("column " + (columns.size() + 1) + " of the header has no name");
            }
            if (!known.containsValue(column) && !(kind.traits() && TRAIT.matcher(column).matches())) {
                String names = String.join(", ", kind.known());
                throw new InvalidHeaderException(kind.traits()
                        ? "column '" + column + "' is neither a profile column (" + names + ") nor a trait name (a"
                                + " letter, then up to 63 letters, digits or _ . -)"
                        : "column '" + column + "' is not one of the columns " + names);
            }
            if (!seen.add(column.toLowerCase(Locale.ROOT))) {
                throw new InvalidHeaderException("column '" + column + "' appears twice in the header");
            }
            columns.add(column);
        }
        for (String required : kind.required()) {
            if (!columns.contains(required)) {
                throw new InvalidHeaderException("the header must have " + (kind.required().size() == 1 ? "an "
                        + required + " column" : "the columns " + String.join(", ", kind.required()) + " (" + required
                        + " is missing)") + ", for example " + kind.example());
            }
        }
        return new ImportHeader(columns, kind);
    }

    /** A header line that cannot start an import; its message is fit to show to whoever uploaded the file. */
    static final class InvalidHeaderException extends IllegalArgumentException {

        InvalidHeaderException(String message) {
            super(message);
        }
    }
}
