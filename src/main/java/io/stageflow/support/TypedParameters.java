package io.stageflow.support;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

import org.springframework.jdbc.core.BatchPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Binds statement parameters with the setter each value's type takes, a null as a null string. Spring's untyped
 * binding asks the driver for the parameter's type for each null; Connector/J cannot tell it for a client-side
 * statement and throws (and Spring catches) an exception each time, which cost more than the row itself on the
 * bulk write paths: a customer import binds two nulls a row.
 */
public final class TypedParameters {

    private TypedParameters() {
    }

    /**
     * Binds {@code values} from parameter {@code first} on; the index of the next parameter.
     */
    public static int bind(PreparedStatement statement, int first, Object[] values) throws SQLException {
        int parameter = first;
        for (Object value : values) {
            if (value == null || value instanceof String) {
                statement.setString(parameter++, (String) value);
            } else {
                statement.setObject(parameter++, value);
            }
        }
        return parameter;
    }

    /** A JDBC batch of {@code sql}, one execution per row of parameters; each execution's row count. */
    public static int[] batchUpdate(JdbcTemplate jdbc, String sql, List<Object[]> rows) {
        return jdbc.batchUpdate(sql, new BatchPreparedStatementSetter() {
            @Override
            public void setValues(PreparedStatement statement, int row) throws SQLException {
                bind(statement, 1, rows.get(row));
            }

            @Override
            public int getBatchSize() {
                return rows.size();
            }
        });
    }
}
