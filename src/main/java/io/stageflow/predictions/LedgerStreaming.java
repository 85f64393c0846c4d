package io.stageflow.predictions;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import org.springframework.dao.DataAccessResourceFailureException;

/**
 * The fetch size that makes the driver stream the ledger's aggregation instead of loading it whole: MySQL's and
 * MariaDB's drivers stream a result set only with {@link Integer#MIN_VALUE}; H2 reads its result in pages anyway.
 */
final class LedgerStreaming {

    private LedgerStreaming() {
    }

    static int fetchSize(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            String product = connection.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT);
            return product.contains("mysql") || product.contains("mariadb") ? Integer.MIN_VALUE : 1000;
        } catch (SQLException e) {
            throw new DataAccessResourceFailureException("database product: " + e.getMessage(), e);
        }
    }
}
