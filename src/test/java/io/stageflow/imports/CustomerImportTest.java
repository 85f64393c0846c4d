package io.stageflow.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;

import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.StageflowClient.Response;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * The customer CSV import end to end, over HTTP: good rows stored, bad rows in the error report and nowhere else,
 * a re-run that changes nothing, and a run broken half-way that a restart finishes without re-reading or
 * duplicating anything.
 */
@ExtendWith(OutputCaptureExtension.class)
class CustomerImportTest extends IntegrationTest {

    static final Duration JOB_PATIENCE = Duration.ofMinutes(5);

    @TempDir
    Path tmp;

    @Autowired
    ImportFaults faults;

    @Test
    void storesGoodRowsReportsExactlyTheBadOnesAndARerunChangesNothing(CapturedOutput output) throws IOException {
        String p = prefix();
        Path csv = write("mixed.csv", """
                id,email,firstName,locale,timeZone,marketingConsent,plan,city
                %1$s-1,%1$s-1@example.com,Zyxwa,en-GB,Europe/London,true,gold,London
                %1$s-2,%1$s-2@example.com,,de-AT,,no,,
                %1$s-3,not-an-email,Qwv,en,UTC,,silver,
                %1$s-4,%1$s-4@example.com,Qwv,not a locale,UTC,,,
                %1$s-5,%1$s-5@example.com,Qwv,en,Mars/Olympus,,,
                ,%1$s-6@example.com,Qwv,en,UTC,,,
                %1$s-7,%1$s-7@example.com,Qwv,en,UTC,,gold
                %1$s-8,%1$s-8@example.com,"Gil, Jr.",en-US,America/New_York,false,bronze,"New York"
                %1$s-9,bad email,Qwv,zz!!,Nowhere/Land,maybe,,

                %1$s-10,%1$s-10@example.com,Ivy,pt-BR,America/Sao_Paulo,1,,Rio
                """.formatted(p));

        JsonNode first = awaitEnd(upload(csv));

        assertThat(first.path("status").asText()).isEqualTo("COMPLETED");
        assertThat(first.path("rows").asLong()).isEqualTo(11);
        assertThat(first.path("read").asLong()).isEqualTo(11);
        assertThat(first.path("written").asLong()).isEqualTo(4);
        assertThat(first.path("skipped").asLong()).isEqualTo(7);
        assertThat(first.path("errors").asLong()).isEqualTo(10);
        assertThat(first.path("created").asLong()).isEqualTo(4);
        assertThat(customerIds(p)).containsExactlyInAnyOrder(p + "-1", p + "-10", p + "-2", p + "-8");
        JsonNode ada = client().get("/api/v1/customers/" + p + "-1").expectStatus(200).json();
        assertThat(ada.path("email").asText()).isEqualTo(p + "-1@example.com");
        assertThat(ada.path("locale").asText()).isEqualTo("en-GB");
        assertThat(ada.path("timeZone").asText()).isEqualTo("Europe/London");
        assertThat(ada.path("marketingConsent").asBoolean()).isTrue();
        assertThat(ada.path("traits").path("plan").asText()).isEqualTo("gold");
        assertThat(ada.path("traits").path("city").asText()).isEqualTo("London");
        JsonNode second = client().get("/api/v1/customers/" + p + "-2").expectStatus(200).json();
        assertThat(second.path("timeZone").asText()).isEqualTo("UTC");
        assertThat(second.path("marketingConsent").asBoolean(true)).isFalse();
        assertThat(second.has("traits") && second.path("traits").size() > 0).isFalse();
        JsonNode gil = client().get("/api/v1/customers/" + p + "-8").expectStatus(200).json();
        assertThat(gil.path("firstName").asText()).isEqualTo("Gil, Jr.");
        assertThat(gil.path("traits").path("city").asText()).isEqualTo("New York");

        assertThat(errorReport(first.path("id").asLong())).as("grouped by chunk: read failures after the rest")
                .containsExactlyInAnyOrder(
                "4,email,must be a well-formed email address",
                "5,locale,\"must be a BCP 47 language tag such as en, de-AT or pt-BR\"",
                "6,timeZone,must be an IANA time zone such as Europe/Berlin or America/New_York",
                "7,id,is required",
                "8,,has 7 cells; the header has 8",
                "10,email,must be a well-formed email address",
                "10,locale,\"must be a BCP 47 language tag such as en, de-AT or pt-BR\"",
                "10,timeZone,must be an IANA time zone such as Europe/Berlin or America/New_York",
                "10,marketingConsent,\"must be true or false (or yes/no, 1/0), or empty to leave it as it is\"",
                "11,,the line is empty");

        // Importing is not a signup: nothing was recorded for the journeys to act on.
        assertThat(jdbc.sql("select count(*) from sf_event where customer_id like ?").param(p + "-%")
                .query(Long.class).single()).isZero();
        assertThat(runtimeService.createProcessInstanceQuery().processInstanceBusinessKeyLike(p + "-%").count())
                .isZero();

        List<Map<String, Object>> before = table(p);
        JsonNode rerun = awaitEnd(upload(csv));

        assertThat(rerun.path("status").asText()).isEqualTo("COMPLETED");
        assertThat(rerun.path("created").asLong()).isZero();
        assertThat(rerun.path("updated").asLong()).isZero();
        assertThat(rerun.path("unchanged").asLong()).isEqualTo(4);
        assertThat(table(p)).as("every column, updated_at included").isEqualTo(before);
        assertThat(errorReport(rerun.path("id").asLong())).hasSize(10);

        String logged = output.getAll();
        assertThat(logged).contains("Import job " + first.path("id").asLong());
        assertThat(logged).doesNotContain("@example.com").doesNotContain("Zyxwa").doesNotContain("Gil, Jr.");
    }

    @Test
    void aRunBrokenAfterSomeChunksIsRestartedFromItsLastCommitWithoutDuplicates() throws IOException {
        String p = prefix();
        Path csv = tmp.resolve("restart.csv");
        Set<Long> badLines = generate(csv, p, 5_000);
        faults.failOnceAtCustomer(id(p, 3_500));

        long firstId = upload(csv);
        JsonNode failed = awaitEnd(firstId);

        assertThat(failed.path("status").asText()).isEqualTo("FAILED");
        long committed = failed.path("position").asLong();
        assertThat(committed).as("some chunks committed, not all").isBetween(1_000L, 3_499L);
        assertThat(countCustomers(p)).isEqualTo(failed.path("written").asLong());
        assertThat(errorLines(firstId)).isEqualTo(badLines.stream().filter(line -> line <= committed + 1)
                .collect(Collectors.toCollection(TreeSet::new)));

        Response restarted = client().post("/api/v1/imports/" + firstId + "/restart").expectStatus(202);
        long secondId = restarted.json().path("id").asLong();
        assertThat(secondId).isNotEqualTo(firstId);
        JsonNode done = awaitEnd(secondId);

        assertThat(done.path("status").asText()).isEqualTo("COMPLETED");
        assertThat(done.path("resumedAt").asLong()).isEqualTo(committed);
        assertThat(done.path("read").asLong()).as("read on from the last commit, not from the start")
                .isEqualTo(5_000 - committed);
        assertThat(countCustomers(p)).isEqualTo(5_000 - badLines.size());
        assertThat(jdbc.sql("select count(distinct id) from sf_customer where id like ?").param(p + "-%")
                .query(Long.class).single()).isEqualTo(5_000L - badLines.size());
        List<String> report = errorReport(secondId);
        assertThat(report).as("each bad row once, none from the rolled-back chunk twice").hasSize(badLines.size());
        assertThat(errorLines(secondId)).isEqualTo(badLines);
        client().post("/api/v1/imports/" + secondId + "/restart").expectStatus(409);
        client().post("/api/v1/imports/" + firstId + "/restart").expectStatus(409);
    }

    @Test
    void uploadsAreCheckedBeforeAnythingRuns() throws IOException {
        Response noFile = client().postFile("/api/v1/imports", "file", null);
        Response empty = client().postFile("/api/v1/imports", "file", write("empty.csv", ""));
        Response noId = client().postFile("/api/v1/imports", "file", write("no-id.csv", "email,firstName\na@b.c,A\n"));
        Response badColumn = client().postFile("/api/v1/imports", "file", write("bad-col.csv", "id,first name\n1,A\n"));

        for (Response response : List.of(noFile, empty, noId, badColumn)) {
            assertThat(response.status()).as(response.body()).isEqualTo(400);
            assertThat(response.contentType()).startsWith("application/problem+json");
            assertThat(response.json().path("errors").get(0).path("field").asText()).isEqualTo("file");
        }
        assertThat(noFile.json().path("errors").get(0).path("message").asText()).startsWith("is required");
        assertThat(empty.json().path("errors").get(0).path("message").asText()).isEqualTo("is empty");
        assertThat(noId.json().path("errors").get(0).path("message").asText()).contains("id column");
        assertThat(badColumn.json().path("errors").get(0).path("message").asText()).contains("'first name'");
        assertThat(client().get("/api/v1/jobs/987654321").status()).isEqualTo(404);
        assertThat(client().get("/api/v1/imports/987654321/errors").status()).isEqualTo(404);
    }

    @Test
    void onlyAdminsImportAndOperatorsMayWatch() throws IOException {
        Path csv = write("roles.csv", "id,email\n" + prefix() + "-1,x@example.com\n");
        long id = upload(csv);
        awaitEnd(id);
        String marketer = user("marketer");
        String operator = user("operator");

        assertThat(client(marketer, PASSWORD).postFile("/api/v1/imports", "file", csv).status()).isEqualTo(403);
        assertThat(client(marketer, PASSWORD).get("/api/v1/jobs/" + id).status()).isEqualTo(403);
        assertThat(client(operator, PASSWORD).postFile("/api/v1/imports", "file", csv).status()).isEqualTo(403);
        assertThat(client(operator, PASSWORD).get("/api/v1/imports/" + id + "/errors").status()).isEqualTo(403);
        assertThat(client(operator, PASSWORD).get("/api/v1/jobs/" + id).status()).isEqualTo(200);
        assertThat(client(null, null).get("/api/v1/jobs/" + id).status()).isEqualTo(401);
    }

    static final String PASSWORD = "Importer-pass-42";

    @Autowired
    org.camunda.bpm.engine.IdentityService identityService;

    private String user(String group) {
        String id = group + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        var user = identityService.newUser(id);
        user.setPassword(PASSWORD);
        identityService.saveUser(user);
        identityService.createMembership(id, group);
        return id;
    }

    // ---- helpers shared with the other import tests

    static String prefix() {
        return "imp" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }

    static String id(String prefix, long row) {
        return prefix + "-" + String.format("%07d", row);
    }

    /**
     * Writes {@code rows} data rows; every hundredth (rows 50, 150, ...) is bad in one of five ways. Returns the
     * line numbers (header = line 1) of the bad rows.
     */
    static Set<Long> generate(Path csv, String prefix, int rows) {
        Set<Long> bad = new TreeSet<>();
        try (var out = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
            out.write("id,email,firstName,locale,timeZone,marketingConsent,plan,signupSource\n");
            for (int row = 1; row <= rows; row++) {
                String id = id(prefix, row);
                String email = id + "@example.com";
                String locale = row % 3 == 0 ? "de-AT" : "en-GB";
                String zone = row % 3 == 0 ? "Europe/Vienna" : "Europe/London";
                String line;
                if (row % 100 == 50) {
                    bad.add(row + 1L);
                    line = switch ((row / 100) % 5) {
                        case 0 -> id + ",no-at-sign.example.com,Name,en,UTC,true,gold,web";
                        case 1 -> id + "," + email + ",Name,not a locale,UTC,true,gold,web";
                        case 2 -> id + "," + email + ",Name,en,Mars/Olympus,true,gold,web";
                        case 3 -> "," + email + ",Name,en,UTC,true,gold,web";
                        default -> id + "," + email + ",Name,en,UTC,true,gold";
                    };
                } else {
                    line = id + "," + email + ",Name" + row + "," + locale + "," + zone + "," + (row % 2 == 0)
                            + ",plan-" + (row % 7) + ",web";
                }
                out.write(line);
                out.write('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bad;
    }

    Path write(String name, String content) throws IOException {
        return Files.writeString(tmp.resolve(name), content, StandardCharsets.UTF_8);
    }

    long upload(Path csv) {
        Response response = client().postFile("/api/v1/imports", "file", csv).expectStatus(202);
        assertThat(response.json().path("progress").asText()).isEqualTo("/api/v1/jobs/" + response.json().path("id").asLong());
        return response.json().path("id").asLong();
    }

    JsonNode awaitEnd(long jobId) {
        await().atMost(JOB_PATIENCE).pollInterval(Duration.ofMillis(100)).until(() -> Set.of("COMPLETED", "FAILED",
                "STOPPED").contains(progress(jobId).path("status").asText()));
        return progress(jobId);
    }

    JsonNode progress(long jobId) {
        return client().get("/api/v1/jobs/" + jobId).expectStatus(200).json();
    }

    List<String> errorReport(long jobId) {
        Response report = client().get("/api/v1/imports/" + jobId + "/errors").expectStatus(200);
        assertThat(report.contentType()).startsWith("text/csv");
        List<String> lines = new ArrayList<>(report.body().lines().toList());
        assertThat(lines.remove(0)).isEqualTo("line,column,reason");
        return lines;
    }

    Set<Long> errorLines(long jobId) {
        return errorReport(jobId).stream().map(line -> Long.parseLong(line.substring(0, line.indexOf(','))))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    long countCustomers(String prefix) {
        return jdbc.sql("select count(*) from sf_customer where id like ?").param(prefix + "-%").query(Long.class)
                .single();
    }

    List<String> customerIds(String prefix) {
        return jdbc.sql("select id from sf_customer where id like ?").param(prefix + "-%").query(String.class).list();
    }

    List<Map<String, Object>> table(String prefix) {
        return jdbc.sql("select * from sf_customer where id like ? order by id").param(prefix + "-%")
                .query().listOfRows();
    }
}
