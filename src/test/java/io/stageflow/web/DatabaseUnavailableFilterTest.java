package io.stageflow.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLTransientConnectionException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.transaction.CannotCreateTransactionException;

/**
 * A request that failed because the database cannot be reached gets 503 problem+json with Retry-After, wherever
 * the failure came from and however deeply it is wrapped; any other failure goes on as it was. (DatabaseCutIT
 * cuts a real database away under a running jar.)
 */
class DatabaseUnavailableFilterTest {

    private final ObjectMapper json = new ObjectMapper();
    private final DatabaseUnavailableFilter filter = new DatabaseUnavailableFilter(json);

    @Test
    void aPoolThatFindsNoConnectionIsAnswered503() throws Exception {
        MockHttpServletResponse response = run(new CannotGetJdbcConnectionException("Failed to obtain JDBC Connection",
                new SQLTransientConnectionException("HikariPool-1 - Connection is not available")));

        assertThat(response.getStatus()).isEqualTo(503);
        assertThat(response.getHeader("Retry-After")).isEqualTo("5");
        assertThat(response.getContentType()).isEqualTo("application/problem+json");
        JsonNode problem = json.readTree(response.getContentAsString());
        assertThat(problem.path("status").asInt()).isEqualTo(503);
        assertThat(problem.path("title").asText()).isEqualTo("Service unavailable");
        assertThat(problem.path("instance").asText()).isEqualTo("/api/v1/events");
        assertThat(problem.path("detail").asText()).contains("not stored").contains("messageId");
    }

    @Test
    void aBrokenLinkDeepInsideAnotherExceptionIsAnswered503() throws Exception {
        // As the engine's identity service wraps it when a sign-in reads the users table: a wrapper around a
        // wrapper around the driver's communications failure (SQLState 08S01).
        RuntimeException wrapped = new IllegalStateException("engine", new RuntimeException("persistence",
                new java.sql.SQLException("Communications link failure", "08S01")));
        assertThat(run(wrapped).getStatus()).isEqualTo(503);
        assertThat(run(new CannotCreateTransactionException("Could not open JDBC Connection")).getStatus())
                .isEqualTo(503);
    }

    @Test
    void anyOtherFailureGoesOnAsItWas() {
        IllegalStateException bug = new IllegalStateException("a bug", new java.sql.SQLException("syntax", "42000"));
        assertThatThrownBy(() -> run(bug)).isSameAs(bug);
    }

    private MockHttpServletResponse run(RuntimeException failure) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/v1/events");
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(request, response, (req, res) -> {
            throw failure;
        });
        return response;
    }
}
