package io.stageflow.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.StageflowClient;
import io.stageflow.testing.StageflowClient.Response;
import io.stageflow.testing.WebappSession;

import org.camunda.bpm.engine.AuthorizationService;
import org.camunda.bpm.engine.FilterService;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.authorization.Authorization;
import org.camunda.bpm.engine.authorization.Permissions;
import org.camunda.bpm.engine.authorization.Resources;
import org.camunda.bpm.engine.filter.Filter;
import org.camunda.bpm.engine.identity.User;
import org.camunda.bpm.engine.task.Task;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Issue 14: no user-supplied expression is ever evaluated. Each test sends a JUEL payload that would run
 * {@code touch <marker>} on the server through one path of the engine's REST APIs, as a marketer, an operator, a
 * user in no group and the admin, and asserts a 4xx answer and that the marker never appears. On Camunda 7.24 CE
 * without Stageflow's guards every one of these ran the command (or-queries and extended filters skip Camunda's
 * query validators).
 */
class QueryExpressionAttackTest extends IntegrationTest {

    private static final String PASSWORD = "Attack-pass-42";

    @Autowired
    IdentityService identityService;

    @Autowired
    AuthorizationService authorizationService;

    @Autowired
    FilterService filterService;

    @Autowired
    TaskService taskService;

    private Path markers;
    private String harmlessFilter;

    @BeforeEach
    void markerDirectoryAndAHarmlessFilter() throws IOException {
        markers = Files.createTempDirectory("stageflow-rce-");
        Filter filter = filterService.newTaskFilter("harmless-" + UUID.randomUUID()).setOwner("admin");
        filter.setQuery(taskService.createTaskQuery().taskName("nothing-" + UUID.randomUUID()));
        harmlessFilter = filterService.saveFilter(filter).getId();
    }

    @AfterEach
    void removeFilterAndMarkers() throws IOException {
        filterService.deleteFilter(harmlessFilter);
        try (var left = Files.list(markers)) {
            for (Path marker : left.toList()) {
                Files.delete(marker);
            }
        }
        Files.delete(markers);
    }

    @Test
    void orQueriesOfTaskQueriesRunNoCode() {
        for (Caller caller : callers()) {
            attack(caller, "POST /engine-rest/task/count", marker -> caller.rest.post("/engine-rest/task/count",
                    "{\"orQueries\":[{\"assigneeExpression\":\"" + payload(marker) + "\"}]}"));
            attack(caller, "POST /engine-rest/task", marker -> caller.rest.post("/engine-rest/task",
                    "{\"orQueries\":[{\"candidateGroupExpression\":\"" + payload(marker) + "\"}]}"));
            attack(caller, "POST /engine-rest/engine/default/task/count", marker -> caller.rest.post(
                    "/engine-rest/engine/default/task/count",
                    "{\"orQueries\":[{\"dueBeforeExpression\":\"" + payload(marker) + "\"}]}"));
            attack(caller, "nested or-queries", marker -> caller.rest.post("/engine-rest/task/count",
                    "{\"orQueries\":[{\"orQueries\":[{\"ownerExpression\":\"" + payload(marker) + "\"}]}]}"));
            attack(caller, "escaped marker", marker -> caller.rest.post("/engine-rest/task/count",
                    "{\"orQueries\":[{\"assigneeExpression\":\"" + payload(marker).replace("$", "\\u0024") + "\"}]}"));
            attack(caller, "a key given twice", marker -> caller.rest.post("/engine-rest/task/count",
                    "{\"orQueries\":[{\"assigneeExpression\":\"" + payload(marker).replace("$", "\\u0024")
                            + "\",\"assigneeExpression\":\"demo\"}]}"));
            attack(caller, "top-level ad-hoc", marker -> caller.rest.post("/engine-rest/task/count",
                    "{\"assigneeExpression\":\"" + payload(marker) + "\"}"));
        }
    }

    @Test
    void queryParametersRunNoCode() {
        for (Caller caller : callers()) {
            attack(caller, "GET /engine-rest/task?assigneeExpression=", marker -> caller.rest.get(
                    "/engine-rest/task?assigneeExpression=" + URLEncoder.encode(payload(marker), StandardCharsets.UTF_8)));
            attack(caller, "GET /engine-rest/task/count?dueAfterExpression=", marker -> caller.rest.get(
                    "/engine-rest/task/count?dueAfterExpression=" + URLEncoder.encode(payload(marker), StandardCharsets.UTF_8)));
        }
    }

    @Test
    void storedFiltersRunNoCode() {
        for (Caller caller : callers()) {
            attack(caller, "POST /engine-rest/filter/create", marker -> caller.rest.post("/engine-rest/filter/create",
                    "{\"resourceType\":\"Task\",\"name\":\"evil\",\"query\":{\"assigneeExpression\":\""
                            + payload(marker) + "\"}}"));
            attack(caller, "POST /engine-rest/filter/create with or-queries", marker -> caller.rest.post(
                    "/engine-rest/filter/create", "{\"resourceType\":\"Task\",\"name\":\"evil\",\"query\":"
                            + "{\"orQueries\":[{\"assigneeExpression\":\"" + payload(marker) + "\"}]}}"));
            attack(caller, "PUT /engine-rest/filter/{id}", marker -> caller.rest.put("/engine-rest/filter/"
                    + harmlessFilter, "{\"resourceType\":\"Task\",\"name\":\"evil\",\"query\":{\"orQueries\":"
                            + "[{\"assigneeExpression\":\"" + payload(marker) + "\"}]}}"));
        }
        assertThat(filterService.createFilterQuery().filterName("evil").count()).isZero();
    }

    @Test
    void extendingAReadableFilterRunsNoCode() {
        for (Caller caller : callers()) {
            mayRead(caller.user, harmlessFilter);
            for (String action : List.of("count", "list", "singleResult")) {
                attack(caller, "POST /engine-rest/filter/{id}/" + action, marker -> caller.rest.post(
                        "/engine-rest/filter/" + harmlessFilter + "/" + action,
                        "{\"orQueries\":[{\"assigneeExpression\":\"" + payload(marker) + "\"}]}"));
            }
        }
    }

    @Test
    void theWebappsEngineApiRunsNoCode() {
        for (Caller caller : callers()) {
            mayRead(caller.user, harmlessFilter);
            WebappSession session = webappSession(caller.user, caller.password);
            attack(caller, "webapp task/count", marker -> session.postToEngine("/task/count",
                    "{\"orQueries\":[{\"assigneeExpression\":\"" + payload(marker) + "\"}]}"));
            attack(caller, "webapp task", marker -> session.postToEngine("/task?firstResult=0&maxResults=15",
                    "{\"orQueries\":[{\"candidateUserExpression\":\"" + payload(marker) + "\"}]}"));
            attack(caller, "webapp filter/{id}/list", marker -> session.postToEngine("/filter/" + harmlessFilter
                    + "/list?firstResult=0&maxResults=15",
                    "{\"orQueries\":[{\"assigneeExpression\":\"" + payload(marker) + "\"}]}"));
            attack(caller, "webapp filter/{id}/count", marker -> session.postToEngine("/filter/" + harmlessFilter
                    + "/count", "{\"orQueries\":[{\"assigneeExpression\":\"" + payload(marker) + "\"}]}"));
            attack(caller, "webapp filter create", marker -> session.postToEngine("/filter/create",
                    "{\"resourceType\":\"Task\",\"name\":\"evil\",\"query\":{\"assigneeExpression\":\""
                            + payload(marker) + "\"}}"));
            attack(caller, "webapp GET task?assigneeExpression=", marker -> session.getFromEngine(
                    "/task?assigneeExpression=" + URLEncoder.encode(payload(marker), StandardCharsets.UTF_8)));
        }
    }

    @Test
    void aTasklistFilterForTheCurrentUserStillListsTheirTasks() {
        String operator = user(Roles.OPERATOR);
        Task task = taskService.newTask();
        task.setName("Call back " + operator);
        task.setAssignee(operator);
        task.setDueDate(Date.from(Instant.now().plus(Duration.ofDays(1))));
        taskService.saveTask(task);
        try {
            Response created = client().post("/engine-rest/filter/create", """
                    {"resourceType":"Task","name":"My tasks %s","query":{"assigneeExpression":"${ currentUser() }",
                     "dueBeforeExpression":"${dateTime().plusDays(2)}","orQueries":[{"dueAfterExpression":"${now()}"}]},
                     "properties":{"priority":1}}""".formatted(operator));
            assertThat(created.status()).as(created.body()).isEqualTo(200);
            String filterId = created.json().path("id").asText();

            // Tasklist lists a filter's tasks through the webapps' engine API, with the user's session.
            Response listed = webappSession(operator, PASSWORD)
                    .postToEngine("/filter/" + filterId + "/list?firstResult=0&maxResults=15", "{}");

            assertThat(listed.status()).as(listed.body()).isEqualTo(200);
            assertThat(listed.json().findValuesAsText("id")).contains(task.getId());
            filterService.deleteFilter(filterId);
        } finally {
            taskService.deleteTask(task.getId(), true);
        }
    }

    @Test
    void theAllowListAcceptsDateArithmeticAndNothingBeyondIt() {
        Response plusTwoDays = client().post("/engine-rest/task/count",
                "{\"orQueries\":[{\"dueBeforeExpression\":\"${dateTime().plusDays(2)}\"}]}");
        Response getClass = client().post("/engine-rest/task/count",
                "{\"orQueries\":[{\"dueBeforeExpression\":\"${dateTime().plusDays(2).getClass()}\"}]}");

        assertThat(plusTwoDays.status()).as(plusTwoDays.body()).isEqualTo(200);
        assertThat(getClass.status()).isEqualTo(400);
        assertThat(getClass.contentType()).startsWith("application/problem+json");
        assertThat(getClass.json().path("errors").get(0).path("field").asText())
                .isEqualTo("orQueries[0].dueBeforeExpression");
    }

    @Test
    void eachRoleReachesOnlyItsEngineEndpoints() {
        StageflowClient marketer = client(user(Roles.MARKETER), PASSWORD);
        StageflowClient operator = client(user(Roles.OPERATOR), PASSWORD);
        StageflowClient nobody = client(user(null), PASSWORD);
        String deploy = "/engine-rest/deployment/create";

        assertThat(client().get("/engine-rest/incident?maxResults=10").status()).isEqualTo(200);
        assertThat(client().get("/engine-rest/task?maxResults=10").status()).isEqualTo(200);
        assertThat(operator.get("/engine-rest/incident?maxResults=10").status()).isEqualTo(200);
        assertThat(operator.get("/engine-rest/engine/default/incident/count").status()).isEqualTo(200);
        assertThat(operator.get("/engine-rest/history/process-instance/count").status()).isEqualTo(200);
        assertForbidden(operator.post(deploy, "{}"));
        assertForbidden(operator.get("/engine-rest/task?maxResults=10"));
        assertForbidden(operator.get("/engine-rest/user"));
        assertForbidden(operator.get("/engine-rest/authorization"));
        assertThat(operator.get("/engine-rest/incident/../user").status()).isBetween(400, 403);
        assertThat(marketer.get("/engine-rest/version").status()).isEqualTo(200);
        assertThat(marketer.post(deploy, "{}").status()).as("marketers deploy from Camunda Modeler: past the role"
                + " check, a body that is no deployment is Camunda's 415").isEqualTo(415);
        assertForbidden(marketer.get("/engine-rest/process-definition"));
        assertForbidden(marketer.get("/engine-rest/incident"));
        for (String path : List.of("/engine-rest/version", "/engine-rest/incident", "/engine-rest/task",
                "/engine-rest/process-definition")) {
            assertForbidden(nobody.get(path));
        }
        assertForbidden(nobody.post(deploy, "{}"));
        // Camunda does not authenticate its list of engines; without a user, Stageflow answers 401 there too.
        for (StageflowClient anyone : List.of(client(null, null), nobody)) {
            Response engines = anyone.get("/engine-rest/engine");
            assertThat(engines.status()).isEqualTo(401);
            assertThat(engines.contentType()).startsWith("application/problem+json");
        }
        assertThat(client(null, null).get("/engine-rest/incident").status()).isEqualTo(401);
    }

    private static void assertForbidden(Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(403);
        assertThat(response.contentType()).startsWith("application/problem+json");
    }

    /** Sends the attack with a fresh marker, and checks that it was refused and that nothing ran. */
    private void attack(Caller caller, String path, Function<Path, Response> send) {
        Path marker = markers.resolve("marker-" + UUID.randomUUID());
        Response response = send.apply(marker);
        String as = caller.role + " via " + path + ": " + response.status() + " " + response.body();
        assertThat(response.status()).as(as).isBetween(400, 499);
        assertThat(response.contentType()).as(as).startsWith("application/problem+json");
        // The command would run in its own process: give it time to appear, then insist it never did.
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> !Files.exists(marker));
    }

    private static String payload(Path marker) {
        return "${''.getClass().forName('java.lang.Runtime').getMethod('getRuntime').invoke(null)"
                + ".exec('touch " + marker + "')}";
    }

    private List<Caller> callers() {
        return List.of(new Caller("marketer", user(Roles.MARKETER)), new Caller("operator", user(Roles.OPERATOR)),
                new Caller("no group", user(null)), new Caller("admin", "admin", ADMIN_PASSWORD));
    }

    private void mayRead(String user, String filterId) {
        if ("admin".equals(user)) {
            return;
        }
        Authorization read = authorizationService.createNewAuthorization(Authorization.AUTH_TYPE_GRANT);
        read.setUserId(user);
        read.setResource(Resources.FILTER);
        read.setResourceId(filterId);
        read.addPermission(Permissions.READ);
        authorizationService.saveAuthorization(read);
    }

    private String user(String group) {
        String id = (group == null ? "nogroup" : group) + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        User user = identityService.newUser(id);
        user.setPassword(PASSWORD);
        identityService.saveUser(user);
        if (group != null) {
            identityService.createMembership(id, group);
        }
        return id;
    }

    private final class Caller {

        final String role;
        final String user;
        final String password;
        final StageflowClient rest;

        Caller(String role, String user) {
            this(role, user, PASSWORD);
        }

        Caller(String role, String user, String password) {
            this.role = role;
            this.user = user;
            this.password = password;
            this.rest = client(user, password);
        }
    }
}
