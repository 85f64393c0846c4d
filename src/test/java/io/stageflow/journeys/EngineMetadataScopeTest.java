package io.stageflow.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.TestDatabase;

import org.camunda.bpm.engine.ManagementService;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Camunda looks its tables up through {@code DatabaseMetaData.getTables(null, …)} (at start-up, and for the table
 * counts of its REST API). Connector/J reads a null database as "every database on the server" unless
 * {@code nullDatabaseMeansCurrent} is set, which the mysql profile does: otherwise the engine saw the tables of every
 * other Stageflow or Camunda database on the same server, and failed to start while one of them was being dropped
 * ({@code ENGINE-03050 … was skipped since its definition is being modified by concurrent DDL statement}). MariaDB
 * only; H2 has one database.
 */
class EngineMetadataScopeTest extends IntegrationTest {

    @Autowired
    DataSource dataSource;

    @Autowired
    ManagementService management;

    @Test
    void theEngineSeesOnlyItsOwnDatabasesTables() throws SQLException {
        assumeTrue(TestDatabase.isMariaDb(), "H2 has one database");
        String other = "sf_other_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("create database " + other);
            try {
                statement.execute("create table " + other + ".ACT_RU_JOB (ID_ varchar(64) primary key)");
                statement.execute("create table " + other + ".ACT_SF_ONLY_ELSEWHERE (ID_ varchar(64) primary key)");

                List<String> databases = new ArrayList<>();
                try (ResultSet tables = connection.getMetaData().getTables(null, null, "ACT_RU_JOB",
                        new String[] {"TABLE"})) {
                    while (tables.next()) {
                        databases.add(tables.getString("TABLE_CAT"));
                    }
                }
                assertThat(databases).as("the databases a null database names").containsExactly(connection.getCatalog());
                assertThat(management.getTableCount()).as("the engine's own tables").containsKey("ACT_RU_JOB")
                        .doesNotContainKey("ACT_SF_ONLY_ELSEWHERE");
            } finally {
                statement.execute("drop database " + other);
            }
        }
    }
}
