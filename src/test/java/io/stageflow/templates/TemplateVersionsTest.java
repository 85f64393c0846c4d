package io.stageflow.templates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.stageflow.delivery.EmailRequest;
import io.stageflow.delivery.Outbox;
import io.stageflow.security.Roles;
import io.stageflow.subscriptions.EmailCategory;
import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.StageflowClient;
import io.stageflow.testing.TestTemplates;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Templates as versions in the database (docs/templates.md): the folder seeds them, the API saves, publishes, rolls
 * back and compares them, two saves over the same version are told apart, a version that would fail a send is not
 * published, a file never overwrites a version made in the console, and a sent email names the version it was
 * rendered from. Every test makes its own template, since the database outlives each test.
 */
class TemplateVersionsTest extends IntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSWORD = "Versions-test-42";

    @Autowired
    TemplateRenderer renderer;

    @Autowired
    Outbox outbox;

    @Autowired
    TemplateVersions versions;

    @Autowired
    TemplateChecks checks;

    @Test
    void theFolderSeedsEachPartAsAPublishedVersionAndAnUnchangedStartAddsNone() {
        JsonNode parts = client().get("/api/v1/templates").expectStatus(200).json();
        JsonNode welcome = part(parts, "welcome");
        assertThat(welcome.path("folder").asText()).isEqualTo("templates/welcome");
        assertThat(welcome.path("publishedVersion").asInt()).isPositive();
        assertThat(part(parts, "_macros").path("folder").asText()).isEqualTo("templates/_macros.vm");
        assertThat(part(parts, "_layouts.default").path("folder").asText()).isEqualTo("templates/_layouts/default");

        JsonNode first = client().get("/api/v1/templates/welcome/versions/1").expectStatus(200).json();
        assertThat(first.path("origin").asText()).isEqualTo("file");
        assertThat(first.path("author").asText()).isEqualTo(TemplateLibrary.FOLDER_AUTHOR);
        assertThat(first.path("files").path("de/subject.vm").asText()).isNotBlank();
        assertThat(first.path("files").path("html.vm").asText()).contains("$");
        // Every context of this test run started on the same folder and database: none added a version of its own.
        assertThat(client().get("/api/v1/templates/_macros/versions").expectStatus(200).json()).hasSize(1);
    }

    @Test
    void aSavedVersionIsPublishedRenderedComparedAndRolledBack() {
        String key = newKey();
        JsonNode first = save(client(), key, 0, "Hello ${customer.firstName|'there'}", true, "first copy")
                .expectStatus(201).json();
        assertThat(first.path("version").asInt()).isEqualTo(1);
        assertThat(first.path("published").asBoolean()).isTrue();
        assertThat(first.path("author").asText()).isEqualTo("admin");
        assertThat(renderer.render(key, Locale.ENGLISH, TemplateFixtures.model("Ada")).subject()).isEqualTo("Hello Ada");

        save(client(), key, 1, "Welcome back, ${customer.firstName|'there'}", false, "new subject line")
                .expectStatus(201);
        assertThat(renderer.render(key, Locale.ENGLISH, TemplateFixtures.model("Ada")).subject())
                .as("a draft is not sent").isEqualTo("Hello Ada");
        client().post("/api/v1/templates/" + key + "/versions/2/publish").expectStatus(200);
        RenderedEmail second = renderer.render(key, Locale.ENGLISH, TemplateFixtures.model("Ada"));
        assertThat(second.subject()).isEqualTo("Welcome back, Ada");
        assertThat(second.templateVersion()).isEqualTo(2);

        JsonNode diff = client().get("/api/v1/templates/" + key + "/diff?from=1&to=2").expectStatus(200).json();
        JsonNode subject = fileDiff(diff, "subject.vm");
        assertThat(subject.path("change").asText()).isEqualTo("changed");
        assertThat(subject.path("unified").asText()).contains("-Hello ${customer.firstName|'there'}",
                "+Welcome back, ${customer.firstName|'there'}");
        assertThat(fileDiff(diff, "html.vm").path("change").asText()).isEqualTo("unchanged");

        JsonNode rolledBack = client().post("/api/v1/templates/" + key + "/rollback", "{\"version\":1}")
                .expectStatus(201).json();
        assertThat(rolledBack.path("version").asInt()).isEqualTo(3);
        assertThat(rolledBack.path("origin").asText()).isEqualTo("rollback");
        assertThat(rolledBack.path("basedOn").asInt()).isEqualTo(1);
        assertThat(rolledBack.path("comment").asText()).isEqualTo("rolled back to version 1");
        assertThat(renderer.render(key, Locale.ENGLISH, TemplateFixtures.model("Ada")).subject()).isEqualTo("Hello Ada");

        JsonNode history = client().get("/api/v1/templates/" + key + "/versions").expectStatus(200).json();
        assertThat(history.findValuesAsText("version")).containsExactly("3", "2", "1");
        assertThat(history.findValuesAsText("published")).containsExactly("true", "false", "false");
        assertThat(history.path(1).path("comment").asText()).isEqualTo("new subject line");
    }

    @Test
    void aSecondSaveOverTheSameVersionIsRefusedNamingTheNewerOne() {
        String key = newKey();
        save(client(), key, 0, "One", true, null).expectStatus(201);
        String marketer = newUser(Roles.MARKETER, PASSWORD);
        save(client(marketer, PASSWORD), key, 1, "Two", true, "mine").expectStatus(201);

        StageflowClient.Response late = save(client(), key, 1, "Three", true, "also mine");
        assertThat(late.status()).isEqualTo(409);
        assertThat(late.contentType()).startsWith("application/problem+json");
        assertThat(late.json().path("latestVersion").asInt()).isEqualTo(2);
        assertThat(late.json().path("author").asText()).isEqualTo(marketer);
        assertThat(renderer.render(key, Locale.ENGLISH, TemplateFixtures.model("Ada")).subject()).isEqualTo("Two");
        assertThat(client().post("/api/v1/templates/" + key + "/versions/1/publish").status())
                .as("publishing a version older than the newest").isEqualTo(409);
    }

    @Test
    void aVersionThatWouldFailASendIsNotPublishedAndBadInputNamesTheField() {
        String key = newKey();
        save(client(), key, 0, "Fine", true, null).expectStatus(201);

        StageflowClient.Response broken = client().post("/api/v1/templates/" + key + "/versions", body(1,
                Map.of("subject.vm", "Hi", "text.vm", "Hi", "html.vm", "<p>Hi</p>\n<p>#if($customer.firstName Hi#end</p>"),
                true, null));
        assertThat(broken.status()).isEqualTo(400);
        assertThat(broken.contentType()).startsWith("application/problem+json");
        assertThat(broken.json().path("file").asText()).isEqualTo("templates/" + key + "/html.vm");
        assertThat(broken.json().path("line").asInt()).isEqualTo(2);
        assertThat(broken.json().path("reason").asText()).isNotBlank();

        StageflowClient.Response unsafe = client().post("/api/v1/templates/" + key + "/versions", body(1,
                Map.of("subject.vm", "Hi", "text.vm", "Hi", "html.vm", "<p>$customer.getClass()</p>"), true, null));
        assertThat(unsafe.status()).isEqualTo(400);
        assertThat(unsafe.json().path("detail").asText()).contains("html.vm");

        StageflowClient.Response badNames = client().post("/api/v1/templates/" + key + "/versions", body(1,
                Map.of("subject.vm", "Hi", "html.vm", "Hi", "../secrets.vm", "x"), false, null));
        assertThat(badNames.status()).isEqualTo(400);
        assertThat(badNames.json().path("errors").findValuesAsText("field"))
                .containsExactlyInAnyOrder("files.../secrets.vm", "files.text.vm");
        assertThat(client().post("/api/v1/templates/" + key + "/versions", "{\"files\":{}}").json()
                .path("errors").findValuesAsText("field")).contains("baseVersion", "files");

        StageflowClient.Response draft = client().post("/api/v1/templates/" + key + "/versions", body(1,
                Map.of("subject.vm", "Hi", "text.vm", "Hi", "html.vm", "<p>#if(</p>"), false, "work in progress"));
        assertThat(draft.status()).as("a draft may be unfinished").isEqualTo(201);
        assertThat(client().post("/api/v1/templates/" + key + "/versions/2/publish").status()).isEqualTo(400);
        assertThat(renderer.render(key, Locale.ENGLISH, TemplateFixtures.model("Ada")).subject()).isEqualTo("Fine");
    }

    @Test
    void aFileChangeNeverOverwritesAVersionMadeInTheConsole() throws IOException {
        String key = newKey();
        Path folder = TestTemplates.writeAndAwait(jdbc, key,
                Map.of("subject.vm", "From the folder", "html.vm", "<p>Hi</p>", "text.vm", "Hi"));
        try {
            // The row is published; this node's renderer takes the new snapshot when its library refreshes next.
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> assertThat(
                    renderer.render(key, Locale.ENGLISH, TemplateFixtures.model("Ada")).subject())
                    .isEqualTo("From the folder"));
            save(client(), key, 1, "From the console", true, "better line").expectStatus(201);

            Files.writeString(folder.resolve("subject.vm"), "Edited in the folder");
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(100)).until(() -> part(
                    client().get("/api/v1/templates").expectStatus(200).json(), key).path("fileKeptBack").asBoolean());

            JsonNode head = part(client().get("/api/v1/templates").json(), key);
            assertThat(head.path("publishedVersion").asInt()).isEqualTo(2);
            assertThat(head.path("fileVersion").asInt()).isEqualTo(3);
            assertThat(renderer.render(key, Locale.ENGLISH, TemplateFixtures.model("Ada")).subject())
                    .isEqualTo("From the console");
            JsonNode keptBack = client().get("/api/v1/templates/" + key + "/versions/3").json();
            assertThat(keptBack.path("published").asBoolean()).isFalse();
            assertThat(keptBack.path("files").path("subject.vm").asText()).isEqualTo("Edited in the folder");

            client().post("/api/v1/templates/" + key + "/versions/3/publish").expectStatus(200);
            assertThat(renderer.render(key, Locale.ENGLISH, TemplateFixtures.model("Ada")).subject())
                    .as("published on purpose").isEqualTo("Edited in the folder");
        } finally {
            org.springframework.util.FileSystemUtils.deleteRecursively(folder);
        }
    }

    @Test
    void aSentEmailRecordsTheVersionItWasRenderedFrom() {
        String key = newKey();
        save(client(), key, 0, "First ${customer.firstName|'there'}", true, null).expectStatus(201);
        String customer = "versions-" + UUID.randomUUID().toString().substring(0, 8);
        client().putCustomer(customer, "{\"email\":\"%s@example.com\",\"firstName\":\"Ada\"}".formatted(customer))
                .expectStatus(201);

        long first = send(customer, key);
        save(client(), key, 1, "Second ${customer.firstName|'there'}", true, null).expectStatus(201);
        long second = send(customer, key);

        for (long[] email : new long[][] {{first, 1}, {second, 2}}) {
            assertThat(jdbc.sql("select template_version from sf_outbox where id = ?").param(email[0])
                    .query(Integer.class).single()).isEqualTo((int) email[1]);
            assertThat(jdbc.sql("select template_version from sf_sent_copy where outbox_id = ?").param(email[0])
                    .query(Integer.class).single()).isEqualTo((int) email[1]);
        }
        assertThat(jdbc.sql("select subject from sf_sent_copy where outbox_id = ?").param(second)
                .query(String.class).single()).isEqualTo("Second Ada");
        String asSent = client().get("/customers/" + customer + "/emails/" + first).expectStatus(200).body();
        assertThat(asSent).as("the console's copy of the first email").contains(">Version 1</a>, the one it was"
                + " rendered from").contains("First Ada");
    }

    @Test
    void aVersionPublishedOnOneNodeIsRenderedOnEveryNode(@org.junit.jupiter.api.io.TempDir Path emptyFolder) {
        String key = newKey();
        save(client(), key, 0, "Before", true, null).expectStatus(201);
        // A second node on the same database, whose templates folder is empty and never read again.
        TemplateLibrary otherNode = new TemplateLibrary(versions, checks, new TemplatesProperties(emptyFolder, 0,
                Duration.ofSeconds(2), null, false));
        otherNode.afterPropertiesSet();
        TemplateRenderer otherRenderer = new TemplateRenderer(otherNode, checks);
        assertThat(otherRenderer.render(key, Locale.ENGLISH, TemplateFixtures.model("Ada")).subject())
                .isEqualTo("Before");
        assertThat(otherRenderer.render("welcome", Locale.ENGLISH, TemplateFixtures.model("Ada")).subject())
                .as("an empty folder at start removes nothing").contains("welcome");

        save(client(), key, 1, "After", true, null).expectStatus(201);
        assertThat(otherRenderer.render(key, Locale.ENGLISH, TemplateFixtures.model("Ada")).subject())
                .as("until its next look").isEqualTo("Before");
        otherNode.checkOnce();
        RenderedEmail after = otherRenderer.render(key, Locale.ENGLISH, TemplateFixtures.model("Ada"));
        assertThat(after.subject()).isEqualTo("After");
        assertThat(after.templateVersion()).isEqualTo(2);
    }

    @Test
    void badInputOnEveryVersionsRouteIsAProblemNamingTheField() {
        String key = newKey();
        save(client(), key, 0, "Fine", true, null).expectStatus(201);
        String base = "/api/v1/templates/" + key;

        assertThat(assertProblem(client().post(base + "/rollback", "{}"), 400).path("errors")
                .findValuesAsText("field")).containsExactly("version");
        assertThat(assertProblem(client().post(base + "/rollback", "{\"version\": 0}"), 400).path("errors")
                .findValuesAsText("field")).containsExactly("version");
        assertProblem(client().post(base + "/rollback", "{\"version\": 9}"), 404);
        assertThat(assertProblem(client().get(base + "/diff?from=1"), 400).path("errors").findValuesAsText("field"))
                .containsExactly("to");
        assertThat(assertProblem(client().get(base + "/diff?from=one&to=1"), 400).path("errors")
                .findValuesAsText("field")).containsExactly("from");
        assertProblem(client().get(base + "/diff?from=1&to=9"), 404);
        assertProblem(client().get(base + "/versions/9"), 404);
        assertProblem(client().post(base + "/versions/9/publish"), 404);
        assertProblem(client().get("/api/v1/templates/no-such-part/versions"), 404);
        assertThat(assertProblem(client().get("/api/v1/templates/Not_A_Key/versions"), 400).path("errors")
                .findValuesAsText("field")).containsExactly("key");
        assertProblem(client().post(base + "/versions", "{"), 400);
    }

    private static JsonNode assertProblem(StageflowClient.Response response, int status) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.contentType()).as(response.body()).startsWith("application/problem+json");
        return response.json();
    }

    @Test
    void onlyMarketersAndAdminsSeeOrChangeVersions() {
        String operator = newUser(Roles.OPERATOR, PASSWORD);
        String marketer = newUser(Roles.MARKETER, PASSWORD);
        assertThat(client(operator, PASSWORD).get("/api/v1/templates/welcome/versions").status()).isEqualTo(403);
        assertThat(save(client(operator, PASSWORD), newKey(), 0, "No", true, null).status()).isEqualTo(403);
        assertThat(client(marketer, PASSWORD).get("/api/v1/templates/welcome/versions").status()).isEqualTo(200);
        assertThat(client(null, null).get("/api/v1/templates").status()).isEqualTo(401);
    }

    private long send(String customer, String key) {
        String idempotencyKey = "versions-test-" + UUID.randomUUID();
        outbox.enqueue(new EmailRequest(idempotencyKey, customer, key, EmailCategory.TRANSACTIONAL, null, null,
                "test", false));
        long id = outbox.findByIdempotencyKey(idempotencyKey).orElseThrow().id();
        await().atMost(PATIENCE).until(() -> "SENT".equals(jdbc.sql("select status from sf_outbox where id = ?")
                .param(id).query(String.class).single()));
        return id;
    }

    private static StageflowClient.Response save(StageflowClient client, String key, int base, String subject,
            boolean publish, String comment) {
        return client.post("/api/v1/templates/" + key + "/versions", body(base,
                Map.of("subject.vm", subject, "html.vm", "<p>Hi ${customer.firstName|'there'}</p>", "text.vm", "Hi"),
                publish, comment));
    }

    private static String body(int base, Map<String, String> files, boolean publish, String comment) {
        try {
            java.util.Map<String, Object> body = new java.util.HashMap<>();
            body.put("baseVersion", base);
            body.put("files", files);
            body.put("publish", publish);
            body.put("comment", comment);
            return JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static JsonNode part(JsonNode parts, String key) {
        for (JsonNode part : parts) {
            if (key.equals(part.path("key").asText())) {
                return part;
            }
        }
        throw new AssertionError("no part " + key + " in " + parts);
    }

    private static JsonNode fileDiff(JsonNode diff, String file) {
        List<JsonNode> files = new java.util.ArrayList<>();
        diff.path("files").forEach(files::add);
        return files.stream().filter(f -> file.equals(f.path("file").asText())).findFirst().orElseThrow();
    }

    private static String newKey() {
        return "versions-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
