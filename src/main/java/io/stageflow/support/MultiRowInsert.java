package io.stageflow.support;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.IntPredicate;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Inserts many rows with one multi-row {@code INSERT} per {@value #ROWS_PER_STATEMENT} rows, in the caller's
 * transaction, for the write paths that queue or record rows by the hundred (a broadcast's chunk, a batch of
 * events). One statement is atomic on H2, MySQL and MariaDB: when it hits a unique key (a row stored a moment ago
 * by someone else), the database rolls that statement back whole and nothing else, and its rows are inserted one
 * by one, each as the caller's single-row insert decides. A JDBC batch of single-row inserts needed a savepoint for
 * that, and its two round trips, since H2 and Connector/J go on with a batch after a failed row.
 */
public final class MultiRowInsert {

    /** Rows per statement: a few hundred keep one far below any packet limit. */
    public static final int ROWS_PER_STATEMENT = 200;

    private final String insertInto;
    private final String row;

    /**
     * @param insertInto the statement up to its rows, such as {@code insert into t (a, b) values}
     * @param row one row's values, such as {@code (?, ?, 'PENDING')}
     */
    public MultiRowInsert(String insertInto, String row) {
        this.insertInto = insertInto;
        this.row = row;
    }

    /** The single-row statement, for the row-by-row path. */
    public String single() {
        return insertInto + " " + row;
    }

    /**
     * Inserts {@code rows} (each row's parameters in order); for each, whether it was inserted. A statement that
     * fails on a unique key, or on any other integrity rule, falls back to {@code oneByOne} for each of its rows,
     * which inserts the row alone and says whether it did (false for a duplicate; anything else it throws).
     */
    public boolean[] insert(JdbcTemplate jdbc, List<Object[]> rows, IntPredicate oneByOne) {
        boolean[] inserted = new boolean[rows.size()];
        for (int from = 0; from < rows.size(); from += ROWS_PER_STATEMENT) {
            int to = Math.min(rows.size(), from + ROWS_PER_STATEMENT);
            if (insertWhole(jdbc, rows.subList(from, to))) {
                Arrays.fill(inserted, from, to, true);
            } else {
                for (int i = from; i < to; i++) {
                    inserted[i] = oneByOne.test(i);
                }
            }
        }
        return inserted;
    }

    /**
     * Inserts {@code rows} in one statement, all or none: false when it met a unique key or another integrity rule,
     * in which case the database rolled the statement back and nothing was inserted. For a caller that expects no
     * conflict and has a cheaper way than row by row to sort one out.
     */
    public boolean insertWhole(JdbcTemplate jdbc, List<Object[]> rows) {
        if (rows.isEmpty()) {
            return true;
        }
        try {
            jdbc.update(insertInto + " " + String.join(", ", Collections.nCopies(rows.size(), row)),
                    insert -> bind(insert, rows));
            return true;
        } catch (DataIntegrityViolationException conflict) {
            return false;
        }
    }

    private static void bind(PreparedStatement insert, List<Object[]> rows) throws SQLException {
        int parameter = 1;
        for (Object[] values : rows) {
            parameter = TypedParameters.bind(insert, parameter, values);
        }
    }
}
