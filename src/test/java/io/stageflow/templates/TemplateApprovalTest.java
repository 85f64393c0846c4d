package io.stageflow.templates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
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

import org.camunda.bpm.engine.IdentityService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The optional approval step (docs/templates.md), switched on at run time in the shared context: a marketer's publish
 * asks (202), the same user can never approve or reject it, an approver approves (published, and rendered by sends)
 * or rejects it with a reason, a roll-back asks too; with approval off a publish is immediate. And new templates from
 * the API: created as version 1, usable by a journey's send step once published, 409 for a key that is taken, 400
 * naming {@code key} for a bad one.
 */
class TemplateApprovalTest extends IntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSWORD = "Approval-test-42";

    @Autowired
    SwitchableApprovalSetting approval;

    @Autowired
    TemplateRenderer renderer;

    @Autowired
    Outbox outbox;

    @Autowired
    IdentityService identities;

    @AfterEach
    void approvalOff() {
        approval.switchOff();
    }

    @Test
    void withApprovalOffAPublishIsImmediate() {
        String key = newKey();
        save(client(), key, 0, "Draft", false).expectStatus(201);
        JsonNode published = client().post("/api/v1/templates/" + key + "/versions/1/publish").expectStatus(200)
                .json();
        assertThat(published.path("status").asText()).isEqualTo("published");
        assertThat(subject(key)).isEqualTo("Draft");
    }

    @Test
    void aMarketerAsksTheSameUserCannotApproveAndAnApproverPublishesWhatSendsThenRender() {
        String key = newKey();
        save(client(), key, 0, "First ${customer.firstName|'there'}", true).expectStatus(201);
        approval.switchOn();
        String marketer = newUser(Roles.MARKETER, PASSWORD);
        String approver = newUser(Roles.APPROVER, PASSWORD);
        StageflowClient asMarketer = client(marketer, PASSWORD);
        StageflowClient asApprover = client(approver, PASSWORD);

        save(asMarketer, key, 1, "Second ${customer.firstName|'there'}", false).expectStatus(201);
        StageflowClient.Response asked = asMarketer.post("/api/v1/templates/" + key + "/versions/2/publish",
                "{\"comment\": \"a warmer subject line\"}");
        assertThat(asked.status()).as(asked.body()).isEqualTo(202);
        assertThat(asked.json().path("status").asText()).isEqualTo("awaiting-approval");
        assertThat(asked.json().path("approval").path("requestedBy").asText()).isEqualTo(marketer);
        assertThat(asked.json().path("approval").path("comment").asText()).isEqualTo("a warmer subject line");
        assertThat(subject(key)).as("not published yet").isEqualTo("First Ada");

        JsonNode waiting = waitingFor(asApprover, key);
        assertThat(waiting.path("version").asInt()).isEqualTo(2);
        assertThat(waiting.path("requestedBy").asText()).isEqualTo(marketer);
        assertThat(asApprover.get("/api/v1/templates/" + key + "/versions/2").expectStatus(200).json()
                .path("status").asText()).isEqualTo("awaiting-approval");

        assertThat(asMarketer.post("/api/v1/templates/" + key + "/versions/2/approve").status())
                .as("a marketer may not approve").isEqualTo(403);
        assertThat(save(asApprover, key, 2, "Mine", true).status()).as("an approver saves nothing").isEqualTo(403);
        assertThat(asApprover.post("/api/v1/templates/" + key + "/versions/2/publish").status())
                .as("nor publishes").isEqualTo(403);

        // Someone who is a marketer and an approver asks, and can neither approve nor reject their own request;
        // nor can an admin theirs.
        String other = newKey();
        save(client(), other, 0, "Other", false).expectStatus(201);
        String both = newUser(Roles.MARKETER, PASSWORD);
        identities.createMembership(both, Roles.APPROVER);
        StageflowClient asBoth = client(both, PASSWORD);
        asBoth.post("/api/v1/templates/" + other + "/versions/1/publish").expectStatus(202);
        JsonNode own = problem(asBoth.post("/api/v1/templates/" + other + "/versions/1/approve"), 409);
        assertThat(own.path("title").asText()).isEqualTo("Your own request");
        assertThat(own.path("detail").asText()).contains("another approver must approve it");
        assertThat(problem(asBoth.post("/api/v1/templates/" + other + "/versions/1/reject", "{\"reason\": \"no\"}"),
                409).path("title").asText()).isEqualTo("Your own request");
        save(client(), other, 1, "Other, by the admin", true).expectStatus(202);
        assertThat(problem(client().post("/api/v1/templates/" + other + "/versions/2/approve"), 409).path("title")
                .asText()).isEqualTo("Your own request");
        assertThat(asBoth.post("/api/v1/templates/" + other + "/versions/2/approve").status())
                .as("another approver may").isEqualTo(200);
        assertThat(subject(other)).isEqualTo("Other, by the admin");

        JsonNode approved = asApprover.post("/api/v1/templates/" + key + "/versions/2/approve").expectStatus(200)
                .json();
        assertThat(approved.path("status").asText()).isEqualTo("published");
        assertThat(subject(key)).isEqualTo("Second Ada");
        assertThat(noneWaitingFor(asApprover, key)).isTrue();
        assertThat(problem(asApprover.post("/api/v1/templates/" + key + "/versions/2/approve"), 409)
                .path("title").asText()).isEqualTo("Nothing to approve");

        String customer = "approval-" + UUID.randomUUID().toString().substring(0, 8);
        client().putCustomer(customer, "{\"email\":\"%s@example.com\",\"firstName\":\"Ada\"}".formatted(customer))
                .expectStatus(201);
        long sent = send(customer, key);
        assertThat(jdbc.sql("select subject from sf_sent_copy where outbox_id = ?").param(sent).query(String.class)
                .single()).isEqualTo("Second Ada");
        assertThat(jdbc.sql("select template_version from sf_outbox where id = ?").param(sent).query(Integer.class)
                .single()).isEqualTo(2);
    }

    @Test
    void anApproverRejectsWithAReasonAndARollBackAsksToo() {
        String key = newKey();
        save(client(), key, 0, "One", true).expectStatus(201);
        approval.switchOn();
        String marketer = newUser(Roles.MARKETER, PASSWORD);
        StageflowClient asMarketer = client(marketer, PASSWORD);
        StageflowClient asApprover = client(newUser(Roles.APPROVER, PASSWORD), PASSWORD);

        StageflowClient.Response saved = save(asMarketer, key, 1, "Two", true);
        assertThat(saved.status()).as("saved, and asked to be published").isEqualTo(202);
        assertThat(saved.json().path("version").asInt()).isEqualTo(2);
        assertThat(saved.json().path("status").asText()).isEqualTo("awaiting-approval");
        assertThat(subject(key)).isEqualTo("One");

        String reject = "/api/v1/templates/" + key + "/versions/2/reject";
        assertThat(problem(asApprover.post(reject, "{}"), 400).path("errors").findValuesAsText("field"))
                .containsExactly("reason");
        assertThat(problem(asApprover.post(reject), 400).path("errors").findValuesAsText("field"))
                .containsExactly("reason");
        assertThat(problem(asApprover.post(reject, "{\"reason\": \"  \"}"), 400).path("errors")
                .findValuesAsText("field")).containsExactly("reason");
        JsonNode rejected = asApprover.post(reject, "{\"reason\": \"Say which shop\"}").expectStatus(200).json();
        assertThat(rejected.path("status").asText()).isEqualTo("rejected");
        assertThat(rejected.path("reason").asText()).isEqualTo("Say which shop");
        assertThat(rejected.path("requestedBy").asText()).isEqualTo(marketer);
        assertThat(asMarketer.get("/api/v1/templates/" + key + "/versions/2").json().path("status").asText())
                .isEqualTo("draft");
        assertThat(noneWaitingFor(asApprover, key)).isTrue();
        assertThat(subject(key)).isEqualTo("One");

        // A broken version is not even asked for.
        StageflowClient.Response broken = asMarketer.post("/api/v1/templates/" + key + "/versions", body(2,
                Map.of("subject.vm", "Hi", "text.vm", "Hi", "html.vm", "<p>#if(</p>"), true));
        assertThat(broken.status()).isEqualTo(400);
        assertThat(noneWaitingFor(asApprover, key)).isTrue();

        StageflowClient.Response rolledBack = asMarketer.post("/api/v1/templates/" + key + "/rollback",
                "{\"version\": 1}");
        assertThat(rolledBack.status()).as(rolledBack.body()).isEqualTo(202);
        assertThat(rolledBack.json().path("version").asInt()).isEqualTo(3);
        assertThat(rolledBack.json().path("origin").asText()).isEqualTo("rollback");
        assertThat(rolledBack.json().path("status").asText()).isEqualTo("awaiting-approval");
        assertThat(client().get("/api/v1/templates/" + key + "/versions").json().path(0).path("status").asText())
                .isEqualTo("awaiting-approval");
        client().post("/api/v1/templates/" + key + "/versions/3/approve").expectStatus(200);
        assertThat(subject(key)).as("an admin may approve another's request").isEqualTo("One");
        assertThat(client().get("/api/v1/templates/" + key + "/versions/3").json().path("status").asText())
                .isEqualTo("published");
    }

    @Test
    void aNewTemplateIsVersionOneAndUsableByASendStepOncePublished() {
        String key = newKey();
        StageflowClient asMarketer = client(newUser(Roles.MARKETER, PASSWORD), PASSWORD);
        assertThat(renderer.problemWith(key)).as("before").isNotNull();

        JsonNode created = asMarketer.post("/api/v1/templates", create(key, Map.of("subject.vm",
                "Spring is here, ${customer.firstName|'there'}", "html.vm", "<p>Hi</p>", "text.vm", "Hi"), true))
                .expectStatus(201).json();
        assertThat(created.path("version").asInt()).isEqualTo(1);
        assertThat(created.path("origin").asText()).isEqualTo("console");
        assertThat(created.path("status").asText()).isEqualTo("published");
        assertThat(renderer.problemWith(key)).as("what the send step checks at deployment").isNull();
        assertThat(subject(key)).isEqualTo("Spring is here, Ada");

        JsonNode taken = problem(asMarketer.post("/api/v1/templates", create(key, null, false)), 409);
        assertThat(taken.path("errors").findValuesAsText("field")).containsExactly("key");
        assertThat(problem(asMarketer.post("/api/v1/templates", create("welcome", null, false)), 409)
                .path("detail").asText()).contains("welcome");
        for (String bad : new String[] {"Not_A_Key", "_layouts.new", "", "approvals"}) {
            assertThat(problem(asMarketer.post("/api/v1/templates", create(bad, null, false)), 400).path("errors")
                    .findValuesAsText("field")).as(bad).containsExactly("key");
        }
        assertThat(problem(asMarketer.post("/api/v1/templates", "{\"files\": {}}"), 400).path("errors")
                .findValuesAsText("field")).containsExactly("key");
        assertThat(problem(asMarketer.post("/api/v1/templates", create(newKey(), Map.of("html.vm", "<p>Hi</p>"),
                false)), 400).path("errors").findValuesAsText("field")).contains("files.subject.vm", "files.text.vm");
    }

    @Test
    void aNewTemplateWithoutFilesIsTheSkeletonADraftThatPassesTheChecksAndAsksForApprovalWhenOn() {
        String skeleton = newKey();
        JsonNode draft = client().post("/api/v1/templates", create(skeleton, null, false)).expectStatus(201).json();
        assertThat(draft.path("status").asText()).isEqualTo("draft");
        assertThat(renderer.problemWith(skeleton)).as("a draft is not sent").isNotNull();
        JsonNode files = client().get("/api/v1/templates/" + skeleton + "/versions/1").json().path("files");
        assertThat(files.path("html.vm").asText()).contains("#button(", "#heading(");
        client().post("/api/v1/templates/" + skeleton + "/versions/1/publish").expectStatus(200);
        assertThat(renderer.problemWith(skeleton)).isNull();

        approval.switchOn();
        String asked = newKey();
        StageflowClient.Response created = client(newUser(Roles.MARKETER, PASSWORD), PASSWORD)
                .post("/api/v1/templates", create(asked, null, true));
        assertThat(created.status()).as(created.body()).isEqualTo(202);
        assertThat(created.json().path("status").asText()).isEqualTo("awaiting-approval");
        assertThat(renderer.problemWith(asked)).isNotNull();
        client().post("/api/v1/templates/" + asked + "/versions/1/approve").expectStatus(200);
        assertThat(renderer.problemWith(asked)).isNull();
    }

    private JsonNode waitingFor(StageflowClient client, String key) {
        for (JsonNode request : client.get("/api/v1/templates/approvals").expectStatus(200).json()) {
            if (key.equals(request.path("key").asText())) {
                assertThat(request.path("status").asText()).isEqualTo("awaiting-approval");
                return request;
            }
        }
        throw new AssertionError("no request waits for " + key);
    }

    private boolean noneWaitingFor(StageflowClient client, String key) {
        return client.get("/api/v1/templates/approvals").expectStatus(200).json().findValuesAsText("key").stream()
                .noneMatch(key::equals);
    }

    private String subject(String key) {
        return renderer.render(key, Locale.ENGLISH, TemplateFixtures.model("Ada")).subject();
    }

    private long send(String customer, String key) {
        String idempotencyKey = "approval-test-" + UUID.randomUUID();
        outbox.enqueue(new EmailRequest(idempotencyKey, customer, key, EmailCategory.TRANSACTIONAL, null, null,
                "test", false));
        long id = outbox.findByIdempotencyKey(idempotencyKey).orElseThrow().id();
        await().atMost(PATIENCE).until(() -> "SENT".equals(jdbc.sql("select status from sf_outbox where id = ?")
                .param(id).query(String.class).single()));
        return id;
    }

    private static JsonNode problem(StageflowClient.Response response, int status) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.contentType()).as(response.body()).startsWith("application/problem+json");
        return response.json();
    }

    private static StageflowClient.Response save(StageflowClient client, String key, int base, String subject,
            boolean publish) {
        return client.post("/api/v1/templates/" + key + "/versions", body(base,
                Map.of("subject.vm", subject, "html.vm", "<p>Hi ${customer.firstName|'there'}</p>", "text.vm", "Hi"),
                publish));
    }

    private static String body(int base, Map<String, String> files, boolean publish) {
        Map<String, Object> body = new HashMap<>();
        body.put("baseVersion", base);
        body.put("files", files);
        body.put("publish", publish);
        return json(body);
    }

    private static String create(String key, Map<String, String> files, boolean publish) {
        Map<String, Object> body = new HashMap<>();
        body.put("key", key);
        if (files != null) {
            body.put("files", files);
        }
        body.put("publish", publish);
        return json(body);
    }

    private static String json(Object body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String newKey() {
        return "approval-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
