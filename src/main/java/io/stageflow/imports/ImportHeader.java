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
 * The header line of an import file: which column holds what. The profile columns are matched without regard
 * to case and written back in their documented spelling; every other column becomes a trait of that name. Parsed
 * once when the file is uploaded (so a wrong header is refused before anything runs) and again when the job opens
 * the file.
 */
record ImportHeader(List<String> columns) {

    static final String ID = "id";
    static final String EMAIL = "email";
    static final String FIRST_NAME = "firstName";
    static final String LOCALE = "locale";
    static final String TIME_ZONE = "timeZone";
    static final String MARKETING_CONSENT = "marketingConsent";

    /** The columns of a customer's profile, in their documented spelling and order; any other column is a trait. */
    static final List<String> PROFILE = List.of(ID, EMAIL, FIRST_NAME, LOCALE, TIME_ZONE, MARKETING_CONSENT);

    private static final Map<String, String> PROFILE_COLUMNS = PROFILE.stream()
            .collect(Collectors.toMap(c -> c.toLowerCase(Locale.ROOT), Function.identity()));

    /** A trait name as the API accepts it in JSON keys, kept simple so segment rules can name it. */
    private static final Pattern TRAIT = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]{0,63}");

    private static final char BYTE_ORDER_MARK = '\uFEFF';

    ImportHeader {
        columns = List.copyOf(columns);
    }

    /** Parses and checks a header line; the exception's message says what is wrong, naming no row data. */
    static ImportHeader parse(String line) {
        if (line == null || line.isBlank()) {
            throw new InvalidHeaderException("the first line must be the header, for example id,email,firstName");
        }
        String text = line.charAt(0) == BYTE_ORDER_MARK ? line.substring(1) : line;
        DelimitedLineTokenizer tokenizer = new DelimitedLineTokenizer();
        List<String> columns = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String raw : tokenizer.tokenize(text).getValues()) {
            String name = raw.trim();
            String column = PROFILE_COLUMNS.getOrDefault(name.toLowerCase(Locale.ROOT), name);
            if (column.isEmpty()) {
                throw new InvalidHeaderException("column " + (columns.size() + 1) + " of the header has no name");
            }
            if (!PROFILE_COLUMNS.containsValue(column) && !TRAIT.matcher(column).matches()) {
                throw new InvalidHeaderException("column '" + column + "' is neither a profile column (id, email, "
                        + "firstName, locale, timeZone, marketingConsent) nor a trait name (a letter, then up to 63 "
                        + "letters, digits or _ . -)");
            }
            if (!seen.add(column.toLowerCase(Locale.ROOT))) {
                throw new InvalidHeaderException("column '" + column + "' appears twice in the header");
            }
            columns.add(column);
        }
        if (!columns.contains(ID)) {
            throw new InvalidHeaderException("the header must have an id column, for example id,email,firstName");
        }
        return new ImportHeader(columns);
    }

    boolean isTrait(String column) {
        return !PROFILE_COLUMNS.containsValue(column);
    }

    /** A header line that cannot start an import; its message is fit to show to whoever uploaded the file. */
    static final class InvalidHeaderException extends IllegalArgumentException {

        InvalidHeaderException(String message) {
            super(message);
        }
    }
}
