package io.stageflow.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import java.time.LocalDateTime;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import io.stageflow.testing.IntegrationTest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.DefaultApplicationArguments;

/**
 * How operators run imports besides uploading: from the command line, stopped and restarted by hand, and
 * restarted after the node running them died.
 */
class ImportOperationsTest extends IntegrationTest {

    @TempDir
    Path tmp;

    @Autowired
    ImportFiles files;

    @Autowired
    List<ImportTarget<?>> targets;

    @Autowired
    ImportJobs jobs;

    @Autowired
    ImportFaults faults;

    @Autowired
    ImportProperties properties;

    @Test
    void theCommandLineImportsAFileAndExitsWithItsOutcome() throws Exception {
        String p = CustomerImportTest.prefix();
        Path csv = Files.writeString(tmp.resolve("cli.csv"), """
                id,email,locale,tier
                %1$s-1,%1$s-1@example.com,fr-FR,A
                %1$s-2,broken,fr-FR,B
                """.formatted(p), StandardCharsets.UTF_8);

        ImportCommandLineRunner good = runner(csv);
        good.run(new DefaultApplicationArguments());
        ImportCommandLineRunner missing = runner(tmp.resolve("no-such.csv"));
        missing.run(new DefaultApplicationArguments());
        ImportCommandLineRunner badHeader = runner(Files.writeString(tmp.resolve("bad.csv"), "email\nx@y.z\n"));
        badHeader.run(new DefaultApplicationArguments());

        assertThat(good.getExitCode()).isZero();
        assertThat(client().get("/api/v1/customers/" + p + "-1").expectStatus(200).json().path("traits").path("tier")
                .asText()).isEqualTo("A");
        assertThat(client().get("/api/v1/customers/" + p + "-2").status()).isEqualTo(404);
        assertThat(missing.getExitCode()).isEqualTo(2);
        assertThat(badHeader.getExitCode()).isEqualTo(2);
    }

    @Test
    void aStoppedImportStopsAfterItsChunkAndARestartFinishesIt() {
        String p = CustomerImportTest.prefix();
        Path csv = tmp.resolve("stop.csv");
        Set<Long> bad = CustomerImportTest.generate(csv, p, 4_000);
        String held = CustomerImportTest.id(p, 1_500);
        faults.holdAtCustomer(held);
        long id = client().postFile("/api/v1/imports", "file", csv).expectStatus(202).json().path("id").asLong();
        await().atMost(PATIENCE).until(() -> faults.isHolding(held));

        client().post("/api/v1/imports/" + id + "/stop").expectStatus(202);
        client().post("/api/v1/imports/" + id + "/restart").expectStatus(409);
        faults.release(held);
        JsonNode stopped = awaitEnd(id);

        assertThat(stopped.path("status").asText()).isEqualTo("STOPPED");
        assertThat(stopped.path("position").asLong()).isBetween(1_000L, 3_999L);
        long restarted = client().post("/api/v1/imports/" + id + "/restart").expectStatus(202).json().path("id")
                .asLong();
        JsonNode done = awaitEnd(restarted);
        assertThat(done.path("status").asText()).isEqualTo("COMPLETED");
        assertThat(done.path("resumedAt").asLong()).isEqualTo(stopped.path("position").asLong());
        assertThat(done.path("position").asLong()).isEqualTo(4_000);
        assertThat(jdbc.sql("select count(*) from sf_customer where id like ?").param(p + "-%").query(Long.class)
                .single()).isEqualTo(4_000L - bad.size());
    }

    @Test
    void anImportWhoseNodeDiedIsRestartedOnceItHasGoneQuiet() {
        String p = CustomerImportTest.prefix();
        Path csv = tmp.resolve("died.csv");
        Set<Long> bad = CustomerImportTest.generate(csv, p, 3_000);
        faults.failOnceAtCustomer(CustomerImportTest.id(p, 2_500));
        long id = client().postFile("/api/v1/imports", "file", csv).expectStatus(202).json().path("id").asLong();
        assertThat(awaitEnd(id).path("status").asText()).isEqualTo("FAILED");
        // What a killed node leaves behind: the execution still says STARTED, with no end.
        markRunning(id, LocalDateTime.now());

        client().post("/api/v1/imports/" + id + "/restart").expectStatus(409);
        // The same refusal on the jobs path: the import's stale-after holds there too.
        client().post("/api/v1/jobs/" + id + "/restart").expectStatus(409);
        markRunning(id, LocalDateTime.now().minus(properties.staleAfter()).minusMinutes(1));
        long restarted = client().post("/api/v1/imports/" + id + "/restart").expectStatus(202).json().path("id")
                .asLong();

        assertThat(awaitEnd(restarted).path("status").asText()).isEqualTo("COMPLETED");
        assertThat(client().get("/api/v1/jobs/" + id).json().path("status").asText()).isEqualTo("FAILED");
        assertThat(jdbc.sql("select count(*) from sf_customer where id like ?").param(p + "-%").query(Long.class)
                .single()).isEqualTo(3_000L - bad.size());
    }

    @Test
    void theJobsEndpointRestartsAnImportAsTheImportsOwnDoes() {
        String p = CustomerImportTest.prefix();
        Path csv = tmp.resolve("jobs-restart.csv");
        Set<Long> bad = CustomerImportTest.generate(csv, p, 3_000);
        faults.failOnceAtCustomer(CustomerImportTest.id(p, 2_500));
        long id = client().postFile("/api/v1/imports", "file", csv).expectStatus(202).json().path("id").asLong();
        JsonNode failed = awaitEnd(id);
        assertThat(failed.path("status").asText()).isEqualTo("FAILED");

        JsonNode restarted = client().post("/api/v1/jobs/" + id + "/restart").expectStatus(202).json();

        assertThat(restarted.path("job").asText()).isEqualTo(ImportJobConfiguration.JOB);
        assertThat(restarted.path("progress").asText()).isEqualTo("/api/v1/jobs/" + restarted.path("id").asLong());
        JsonNode done = awaitEnd(restarted.path("id").asLong());
        assertThat(done.path("status").asText()).isEqualTo("COMPLETED");
        assertThat(done.path("resumedAt").asLong()).isEqualTo(failed.path("position").asLong()).isPositive();
        assertThat(done.path("position").asLong()).isEqualTo(3_000);
        client().post("/api/v1/imports/" + id + "/restart").expectStatus(409);
        assertThat(jdbc.sql("select count(*) from sf_customer where id like ?").param(p + "-%").query(Long.class)
                .single()).isEqualTo(3_000L - bad.size());
    }

    private void markRunning(long executionId, LocalDateTime lastUpdated) {
        jdbc.sql("update BATCH_JOB_EXECUTION set STATUS = 'STARTED', EXIT_CODE = 'UNKNOWN', END_TIME = null, "
                + "LAST_UPDATED = ? where JOB_EXECUTION_ID = ?").params(Timestamp.valueOf(lastUpdated), executionId)
                .update();
        jdbc.sql("update BATCH_STEP_EXECUTION set STATUS = 'STARTED', EXIT_CODE = 'EXECUTING', END_TIME = null, "
                + "LAST_UPDATED = ? where JOB_EXECUTION_ID = ?").params(Timestamp.valueOf(lastUpdated), executionId)
                .update();
    }

    private ImportCommandLineRunner runner(Path file) {
        return new ImportCommandLineRunner(files, jobs, new ImportProperties(properties.chunkSize(), properties.dir(),
                properties.progressLogInterval(), properties.concurrentJobs(), properties.staleAfter(), file, null),
                targets);
    }

    private JsonNode awaitEnd(long id) {
        return awaitJobEnd(id, CustomerImportTest.JOB_PATIENCE, Duration.ofMillis(100));
    }
}
