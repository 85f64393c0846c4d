package io.stageflow.segments;

import java.sql.DatabaseMetaData;
import java.util.List;
import java.util.Locale;

import javax.sql.DataSource;

import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.jdbc.support.MetaDataAccessException;

/**
 * The only SQL that differs between the databases Stageflow runs on: reading one scalar out of the customer's
 * {@code traits} JSON text. MariaDB and MySQL have {@code JSON_TYPE}/{@code JSON_EXTRACT}; H2 has no JSON path
 * function, so it calls {@link H2JsonFunctions} (alias {@code SF_JSON_SCALAR}). Both take the JSON path as a bind
 * parameter, and both yield NULL unless the trait holds a value of the wanted kind, so a string rule never matches
 * a number and a number rule never fails on a string. Chosen once from the JDBC metadata; it also knows how each
 * driver streams a large result, and where each database keeps its estimate of the customer table's size.
 */
enum SqlDialect {

    H2 {
        @Override
        Sql trait(TraitKind kind, String path) {
            String call = "SF_JSON_SCALAR(c.traits, ?, '" + kind.name().toLowerCase(Locale.ROOT) + "')";
            return new Sql(kind == TraitKind.NUMBER ? "CAST(" + call + " AS DECIMAL(38, 10))" : call, List.<Object>of(path));
        }

        @Override
        int streamingFetchSize() {
            return 1_000;
        }

        @Override
        String customerCountEstimate() {
            return "select row_count_estimate from information_schema.tables where table_schema = schema()"
                    + " and table_name = 'SF_CUSTOMER'";
        }
    },

    MYSQL {
        @Override
        Sql trait(TraitKind kind, String path) {
            String type = "JSON_TYPE(JSON_EXTRACT(c.traits, ?))";
            String text = "JSON_UNQUOTE(JSON_EXTRACT(c.traits, ?))";
            String sql = switch (kind) {
                case STRING -> "CASE WHEN " + type + " = 'STRING' THEN " + text + " END";
                case NUMBER -> "CASE WHEN " + type + " IN ('INTEGER', 'UNSIGNED INTEGER', 'DOUBLE', 'DECIMAL') THEN CAST("
                        + text + " AS DECIMAL(38, 10)) END";
                case BOOLEAN -> "CASE WHEN " + type + " = 'BOOLEAN' THEN " + text + " END";
                case ANY -> "CASE WHEN " + type + " <> 'NULL' THEN " + text + " END";
            };
            return new Sql(sql, List.<Object>of(path, path));
        }

        @Override
        Sql anyText(String path) {
            // One JSON_EXTRACT a row where the typed form takes two: a trait rule reads every customer's JSON.
            return new Sql("JSON_UNQUOTE(JSON_EXTRACT(c.traits, ?))", List.<Object>of(path));
        }

        @Override
        int streamingFetchSize() {
            return Integer.MIN_VALUE; // Connector/J streams the rows one by one instead of reading them all first
        }

        @Override
        String customerCountEstimate() {
            return "select table_rows from information_schema.tables where table_schema = database()"
                    + " and table_name = 'sf_customer'";
        }
    };

    /** The fetch size that reads a large result a few rows at a time rather than all at once. */
    abstract int streamingFetchSize();

    /**
     * A query for about how many customers there are, from the database's statistics rather than a count: where to
     * cut the customers for a split read in parallel ({@link SegmentSplit}) needs no more.
     */
    abstract String customerCountEstimate();

    /**
     * The trait at {@code path} as text whatever it holds, with one read of the JSON a row: a string's value, and
     * for anything else some text that does not matter, because {@link SegmentQuery} compares it only with texts no
     * other kind of value reads as ({@link SegmentQuery#onlyAStringReadsAs}). NULL when the trait is missing. H2
     * has no cheaper form than {@link #trait}.
     */
    Sql anyText(String path) {
        return trait(TraitKind.STRING, path);
    }

    /** What a trait must hold for a condition to look at it. */
    enum TraitKind {
        STRING, NUMBER, BOOLEAN, ANY
    }

    /**
     * An expression over {@code c.traits} (the customer row is aliased {@code c}) giving the trait at {@code path}
     * ({@code $.name}, the name already checked against {@link SegmentField#TRAIT_NAME}) as text, or as DECIMAL for
     * {@link TraitKind#NUMBER}; NULL when it is missing, JSON null, or of another kind.
     */
    abstract Sql trait(TraitKind kind, String path);

    static SqlDialect of(DataSource dataSource) {
        String product;
        try {
            product = JdbcUtils.extractDatabaseMetaData(dataSource, DatabaseMetaData::getDatabaseProductName);
        } catch (MetaDataAccessException e) {
            throw new IllegalStateException("Cannot tell which database this is, so segments cannot run", e);
        }
        return of(product);
    }

    static SqlDialect of(String product) {
        String name = product == null ? "" : product.toLowerCase(Locale.ROOT);
        if (name.equals("h2")) {
            return H2;
        }
        if (name.contains("mysql") || name.contains("mariadb")) {
            return MYSQL;
        }
        throw new IllegalStateException("Segments support H2, MySQL and MariaDB, not " + product);
    }
}
