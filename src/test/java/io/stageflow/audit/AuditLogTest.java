package io.stageflow.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import io.stageflow.customers.PersonalData;
import io.stageflow.security.LinkSigner;
import io.stageflow.security.Roles;
import io.stageflow.testing.ConsoleSession;
import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.JourneyFiles;
import io.stageflow.testing.StageflowClient;
import io.stageflow.testing.WebappSession;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.RequestMappingInfoHandlerMapping;

/**
 * The audit log over real HTTP: each kind of change the issue names, made by a person through the API, the
 * console, the engine's REST API and its web applications, shows with who made it, what it changed, the outcome
 * and a keyed hash of where from; a change refused for want of a role shows as denied, with the user or key; an
 * erasure keeps the entries and takes the customer's id out of them. And every route of the application that
 * changes something is in the log's table or in this test's list of routes that are not, with the reason.
 */
class AuditLogTest extends IntegrationTest {

    private static final String PASSWORD = "Audit-them-all-7";

    /**
     * The routes that take a POST, PUT or DELETE but are not changes a person makes to what Stageflow does: the
     * business's own data coming in, a customer's own answers, and previews, counts and simulations that change
     * nothing live.
     */
    private static final Set<String> NOT_AUDITED = Set.of(
            // Events, profiles and products sent by the business's systems: data, each kept with its own history
            "POST /api/v1/events", "PUT /api/v1/customers/{id}", "PUT /api/v1/products/{id}", "POST /v1/{type:identify|track|page|screen|group|alias|i|t|p|s|g|a}",
            "POST /v1/batch", "POST /v1/b",
            // A number's SMS and WhatsApp consent as the business's systems recorded it: kept with its source and time
            "PUT /api/v1/customers/{id}/sms-consent", "PUT /api/v1/customers/{id}/whatsapp-consent",
            // Mail providers' bounce and complaint reports, signed by the provider: kept as suppressions and events
            "POST /webhooks/ses", "POST /webhooks/sendgrid", "POST /webhooks/mailgun", "POST /webhooks/postmark",
            // The SMS and WhatsApp providers' signed replies (STOP, START) and delivery reports: kept as consent and
            // message status
            "POST /webhooks/sms/inbound", "POST /webhooks/sms/status", "POST /webhooks/whatsapp",
            // A checkout asking whether a coupon holds: a read
            "POST /api/v1/coupons/{code}/validate",
            // The recipient's own pages, by signed link: their choices are kept as suppressions and answers
            "POST /u/{token}", "POST /u/{token}/preferences", "POST /s/{token}",
            // Previews, counts and simulations: nothing live changes
            "POST /api/v1/templates/{key}/preview", "POST /templates/{key}/edit/preview", "POST /api/v1/channel-previews",
            "POST /api/v1/journeys/{key}/migrations/preview", "POST /journeys/{key}/migrate/preview",
            "POST /api/v1/journeys/{key}/simulations", "POST /api/v1/journeys/{key}/simulations/{id}/cancel",
            "POST /api/v1/journeys/{key}/try", "POST /journeys/{key}/simulate", "POST /journeys/{key}/simulate/try",
            "POST /journeys/{key}/simulate/{id}/cancel", "POST /segments/count");

    @Autowired
    ApplicationContext context;

    @Autowired
    LinkSigner signer;

    @Autowired
    java.time.Clock clock;

    @TempDir
    Path files;

    @Test
    void everyRouteThatChangesSomethingIsAuditedOrSaysWhyNot() {
        Set<String> mapped = new TreeSet<>();
        Set<String> changing = new TreeSet<>();
        for (RequestMappingInfoHandlerMapping handlerMapping
                : context.getBeansOfType(RequestMappingInfoHandlerMapping.class).values()) {
            for (RequestMappingInfo info : handlerMapping.getHandlerMethods().keySet()) {
                for (String pattern : info.getPatternValues()) {
                    for (RequestMethod method : info.getMethodsCondition().getMethods()) {
                        mapped.add(method.name() + " " + pattern);
                        if (method != RequestMethod.GET && method != RequestMethod.HEAD
                                && method != RequestMethod.OPTIONS) {
                            changing.add(method.name() + " " + pattern);
                        }
                    }
                }
            }
        }
        Set<String> audited = new TreeSet<>();
        AuditedRoutes.all().stream().filter(route -> !route.pattern().startsWith("/engine-rest/")
                && !route.pattern().startsWith("/camunda/")).forEach(route -> audited.add(route.route()));

        Set<String> neither = new TreeSet<>(changing);
        neither.removeAll(audited);
        neither.removeAll(NOT_AUDITED);
        assertThat(neither).as("routes that change something, in neither AuditedRoutes nor this test's NOT_AUDITED")
                .isEmpty();
        Set<String> gone = new TreeSet<>(audited);
        gone.removeAll(mapped);
        assertThat(gone).as("rows of AuditedRoutes for routes the application does not have").isEmpty();
        Set<String> stale = new TreeSet<>(NOT_AUDITED);
        stale.removeAll(changing);
        assertThat(stale).as("NOT_AUDITED routes the application does not have").isEmpty();
        assertThat(audited).doesNotContainAnyElementsOf(NOT_AUDITED);
    }

    @Test
    void eachChangeShowsWhoMadeItWhatItChangedAndFromWhere() throws Exception {
        String marketer = newUser(Roles.MARKETER, PASSWORD);
        String operator = newUser(Roles.OPERATOR, PASSWORD);
        StageflowClient asMarketer = client(marketer, PASSWORD);
        String key = "audit-" + UUID.randomUUID().toString().substring(0, 8);

        // Segments, by the API and the console
        asMarketer.post("/api/v1/segments", segment(key)).expectStatus(201);
        asMarketer.delete("/api/v1/segments/" + key).expectStatus(204);
        ConsoleSession console = ConsoleSession.signIn(baseUrl(), marketer, PASSWORD);
        assertThat(console.post("/segments", "created=true&key=" + key + "-c&name=Console&rule="
                + java.net.URLEncoder.encode("{\"field\":\"traits.plan\",\"op\":\"eq\",\"value\":\"x\"}",
                java.nio.charset.StandardCharsets.UTF_8)).statusCode()).isEqualTo(302);
        // Write keys
        JsonNode issued = client().issueWriteKey(key + "-key");
        client().delete("/api/v1/write-keys/" + issued.path("id").asText()).expectStatus(204);
        // A template, published
        asMarketer.post("/api/v1/templates", "{\"key\": \"" + key + "\", \"publish\": false}").expectStatus(201);
        asMarketer.post("/api/v1/templates/" + key + "/versions/1/publish").expectStatus(200);
        // A journey deployed
        Path bpmn = Files.writeString(files.resolve(key + ".bpmn"), JourneyFiles.welcomeCopy(key));
        asMarketer.postFile("/api/v1/journeys", "file", bpmn).expectStatus(201);
        // A broadcast scheduled, then cancelled; an import
        JsonNode scheduled = asMarketer.post("/api/v1/broadcasts", """
                {"id": "%1$s", "segment": "%1$s-c", "template": "win-back-offer", "category": "marketing",
                 "name": "Audit", "scheduledAt": "%2$s"}""".formatted(key, clock.instant().plus(java.time.Duration
                .ofDays(30)))).expectStatus(202).json();
        asMarketer.post("/api/v1/broadcasts/scheduled/" + scheduled.path("id").asText() + "/cancel")
                .expectStatus(200);
        Path csv = Files.writeString(files.resolve("import.csv"), "id,email\n" + key + ",audit-" + key
                + "@example.com\n");
        long job = client().postFile("/api/v1/imports", "file", csv).expectStatus(202).json().path("id").asLong();
        // Users and roles, in Camunda Admin (the web applications) and through the REST API
        WebappSession admin = webappSession("admin", ADMIN_PASSWORD);
        String user = key.replace("-", "");
        admin.sendToEngine("POST", "/user/create", "{\"profile\": {\"id\": \"" + user + "\", \"firstName\": \"Ada\","
                + " \"lastName\": \"Lovelace\", \"email\": \"" + user + "@example.com\"}, \"credentials\": {\"password\":"
                + " \"Xq-Strong-Pass-9\"}}").expectStatus(204);
        admin.sendToEngine("PUT", "/group/" + Roles.MARKETER + "/members/" + user, null).expectStatus(204);
        admin.sendToEngine("DELETE", "/group/" + Roles.MARKETER + "/members/" + user, null).expectStatus(204);
        client().send(HttpRequest.newBuilder(client().uri("/engine-rest/user/" + user)).DELETE(), true)
                .expectStatus(204);
        // Refused for want of a role: a person, and a key
        client(operator, PASSWORD).delete("/api/v1/segments/" + key + "-c").expectStatus(403);
        String writeKey = client().newWriteKey(key + "-ingest");
        client(writeKey, "").post("/api/v1/segments", segment(key + "-k")).expectStatus(403);

        String byMarketer = "user:" + marketer;
        assertThat(lines("segment", key)).containsExactly(
                "segment.saved " + byMarketer + " done 201 POST /api/v1/segments",
                "segment.deleted " + byMarketer + " done 204 DELETE /api/v1/segments/{key}");
        assertThat(lines("segment", key + "-c")).containsExactly(
                "segment.saved " + byMarketer + " done 302 POST /segments",
                "segment.deleted user:" + operator + " denied 403 DELETE /api/v1/segments/{key}");
        assertThat(lines("segment", key + "-k")).isEmpty(); // refused before its body was read: no target
        client().delete("/api/v1/segments/" + key + "-c").expectStatus(204);
        JsonNode byKey = client().get("/api/v1/audit?actor=key:" + jdbc.sql(
                "select id from sf_write_key where name = ?").param(key + "-ingest").query(String.class).single())
                .expectStatus(200).json();
        assertThat(byKey.path("entries")).extracting(entry -> entry.path("action").asText() + " "
                + entry.path("outcome").asText() + " " + entry.path("route").asText())
                .containsExactly("segment.saved denied POST /api/v1/segments");
        assertThat(lines("write-key", issued.path("id").asText())).containsExactly(
                "write-key.revoked user:admin done 204 DELETE /api/v1/write-keys/{id}");
        assertThat(lines("write-key", key + "-key")).containsExactly(
                "write-key.issued user:admin done 201 POST /api/v1/write-keys");
        assertThat(lines("template", key)).containsExactly(
                "template.created " + byMarketer + " done 201 POST /api/v1/templates");
        assertThat(lines("template", key + "/1")).containsExactly(
                "template.published " + byMarketer + " done 200 POST /api/v1/templates/{key}/versions/{version}/publish");
        assertThat(lines("journey", key)).containsExactly(
                "journey.deployed " + byMarketer + " done 201 POST /api/v1/journeys");
        assertThat(lines("broadcast", "scheduled/" + scheduled.path("id").asText())).containsExactly(
                "broadcast.started " + byMarketer + " done 202 POST /api/v1/broadcasts");
        assertThat(lines("broadcast", scheduled.path("id").asText())).containsExactly(
                "broadcast.cancelled " + byMarketer + " done 200 POST /api/v1/broadcasts/scheduled/{id}/cancel");
        assertThat(lines("job", String.valueOf(job))).startsWith(
                "import.started user:admin done 202 POST /api/v1/imports");
        assertThat(lines("user", user)).containsExactly(
                "user.created user:admin done 204 POST /camunda/api/engine/engine/{engine}/user/create",
                "user.deleted user:admin done 204 DELETE /engine-rest/user/{id}");
        assertThat(lines("role", Roles.MARKETER + "/" + user)).containsExactly(
                "role.granted user:admin done 204 PUT /camunda/api/engine/engine/{engine}/group/{id}/members/{userId}",
                "role.revoked user:admin done 204 DELETE /camunda/api/engine/engine/{engine}/group/{id}/members/{userId}");
        // Where from: a keyed hash of the address, never the address
        JsonNode entry = client().get("/api/v1/audit?targetKind=segment&target=" + key + "&limit=1")
                .expectStatus(200).json().path("entries").get(0);
        assertThat(entry.path("addressHash").asText()).isEqualTo(signer.fingerprint("127.0.0.1"))
                .doesNotContain("127.0.0.1");
        assertThat(jdbc.sql("select count(*) from sf_audit_entry where address_hash like '%127.0.0%'")
                .query(Long.class).single()).isZero();
    }

    @Test
    void anErasureKeepsTheEntriesAndTakesTheCustomersIdOutOfThem() {
        String id = "audit-" + UUID.randomUUID().toString().substring(0, 8);
        client().putCustomer(id, "{\"email\": \"" + id + "@example.com\"}").expectStatus(201);
        client().get("/api/v1/customers/" + id + "/export").expectStatus(200);
        JsonNode exported = client().get("/api/v1/customers/" + id + "/export").expectStatus(200).json();
        client().delete("/api/v1/customers/" + id).expectStatus(204);

        assertThat(exported.path("audit")).extracting(e -> e.path("action").asText()).containsExactly(
                "customer.exported");
        String anonymous = PersonalData.anonymousId(id);
        assertThat(lines("customer", id)).isEmpty();
        assertThat(lines("customer", anonymous)).containsExactly(
                "customer.exported user:admin done 200 GET /api/v1/customers/{id}/export",
                "customer.exported user:admin done 200 GET /api/v1/customers/{id}/export",
                "customer.erased user:admin done 204 DELETE /api/v1/customers/{id}");
        assertThat(jdbc.sql("select count(*) from sf_audit_entry where target like ? or route like ?")
                .params("%" + id + "%", "%" + id + "%").query(Long.class).single()).isZero();
    }

    @Test
    void theLogIsReadAPageAtATimeAndExportedAsCsvByAdminsOnly() {
        String key = "audit-" + UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 3; i++) {
            client().post("/api/v1/segments", segment(key)).expectStatus(i == 0 ? 201 : 200);
        }
        String query = "/api/v1/audit?targetKind=segment&target=" + key;

        JsonNode first = client().get(query + "&limit=2").expectStatus(200).json();
        JsonNode second = client().get(query + "&limit=2&before=" + first.path("before").asLong()).expectStatus(200)
                .json();
        StageflowClient.Response csv = client().send(HttpRequest.newBuilder(client().uri(query))
                .header("Accept", "text/csv").GET(), true).expectStatus(200);

        List<Long> ids = new ArrayList<>();
        first.path("entries").forEach(e -> ids.add(e.path("id").asLong()));
        second.path("entries").forEach(e -> ids.add(e.path("id").asLong()));
        client().delete("/api/v1/segments/" + key).expectStatus(204);
        assertThat(ids).hasSize(3).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        assertThat(second.path("before").isMissingNode() || second.path("before").isNull()).isTrue();
        assertThat(csv.contentType()).startsWith("text/csv");
        List<String> rows = List.of(csv.body().split("\r\n"));
        assertThat(rows.get(0)).isEqualTo("id,occurred_at,actor,action,target_kind,target,route,outcome,http_status,"
                + "address_hash");
        assertThat(rows).hasSize(4);
        assertThat(rows.get(1)).startsWith(ids.get(0) + ",").contains(",user:admin,segment.saved,segment," + key
                + ",POST /api/v1/segments,done,200,");
        // Bad input names the field; only admins read the log
        assertThat(fields(client().get("/api/v1/audit?limit=0"))).containsExactly("limit");
        assertThat(fields(client().get("/api/v1/audit?from=March"))).containsExactly("from");
        assertThat(fields(client().get("/api/v1/audit?from=2030-01-02&to=2030-01-01"))).containsExactly("to");
        assertThat(fields(client().get("/api/v1/audit?before=abc"))).containsExactly("before");
        assertThat(client(newUser(Roles.MARKETER, PASSWORD), PASSWORD).get("/api/v1/audit").status()).isEqualTo(403);
        assertThat(client(null, null).get("/api/v1/audit").status()).isEqualTo(401);
    }

    @Test
    void adminsReadTheLogInTheConsoleAndDownloadIt() {
        String marketer = newUser(Roles.MARKETER, PASSWORD);
        String key = "audit-" + UUID.randomUUID().toString().substring(0, 8);
        client(marketer, PASSWORD).post("/api/v1/segments", segment(key)).expectStatus(201);
        client(marketer, PASSWORD).delete("/api/v1/segments/" + key).expectStatus(204);

        String page = client().get("/audit?target=" + key).expectStatus(200).body();
        StageflowClient.Response csv = client().get("/audit/export.csv?target=" + key).expectStatus(200);
        String badPeriod = client().get("/audit?from=March&target=" + key).expectStatus(200).body();

        assertThat(page).contains("<h1>Audit log</h1>").contains("user:" + marketer)
                .contains(">segment.saved<").contains(">segment.deleted<").contains("DELETE /api/v1/segments/{key}")
                .containsPattern("(?s)segment\\.deleted.*segment\\.saved"); // newest first
        assertThat(csv.contentType()).startsWith("text/csv");
        assertThat(csv.body().split("\r\n")).hasSize(3);
        assertThat(badPeriod).contains("Showing the last 30 days instead: from: a day as YYYY-MM-DD")
                .contains(">segment.saved<");
        assertThat(client(marketer, PASSWORD).get("/audit").status()).isEqualTo(403);
        assertThat(client(marketer, PASSWORD).get("/audit/export.csv").status()).isEqualTo(403);
    }

    /** The entries about one thing, oldest first, as "action actor outcome status route". */
    private List<String> lines(String targetKind, String target) {
        List<String> lines = new ArrayList<>();
        JsonNode page = client().get("/api/v1/audit?targetKind=" + targetKind + "&target="
                + java.net.URLEncoder.encode(target, java.nio.charset.StandardCharsets.UTF_8)).expectStatus(200).json();
        page.path("entries").forEach(entry -> lines.add(0, entry.path("action").asText() + " "
                + entry.path("actor").asText() + " " + entry.path("outcome").asText() + " "
                + entry.path("httpStatus").asInt() + " " + entry.path("route").asText()));
        return lines;
    }

    private static List<String> fields(StageflowClient.Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        List<String> fields = new ArrayList<>();
        response.json().path("errors").forEach(error -> fields.add(error.path("field").asText()));
        return fields;
    }

    private static String segment(String key) {
        return "{\"key\": \"" + key + "\", \"name\": \"Audit " + key + "\", \"rule\": {\"field\": \"traits.plan\","
                + " \"op\": \"eq\", \"value\": \"" + key + "\"}}";
    }
}
