package io.stageflow.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.StageflowClient.Response;

import org.camunda.bpm.engine.BadUserRequestException;
import org.camunda.bpm.engine.FilterService;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.filter.Filter;
import org.camunda.bpm.engine.task.Task;
import org.camunda.bpm.engine.task.TaskQuery;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The engine's own wall, without the request wall in front: queries built with the Java API, the way
 * engine-rest builds them, refuse an expression outside the allow-list before evaluating it, on every path
 * (or-queries, filters extended by a request, filters stored with or-queries), and still evaluate Tasklist's.
 */
class QueryExpressionGuardTest extends IntegrationTest {

    @Autowired
    TaskService taskService;

    @Autowired
    FilterService filterService;

    @Autowired
    IdentityService identityService;

    private Path markers;

    @BeforeEach
    void markerDirectory() throws IOException {
        markers = Files.createTempDirectory("stageflow-guard-");
    }

    @AfterEach
    void noMarkerWasWritten() throws IOException {
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> isEmpty(markers));
        Files.delete(markers);
    }

    @Test
    void anOrQueryEvaluatesNoCode() {
        TaskQuery query = taskService.createTaskQuery().or().taskAssigneeExpression(payload()).endOr();

        assertThatThrownBy(query::count).isInstanceOf(BadUserRequestException.class)
                .hasMessageContaining("allow-list");
        assertThatThrownBy(query::list).isInstanceOf(BadUserRequestException.class);
    }

    @Test
    void aFilterExtendedByARequestEvaluatesNoCode() {
        String filterId = harmlessFilter();
        // One extending query per call: extending a filter takes the or-queries out of the extending query.
        assertThatThrownBy(() -> filterService.count(filterId, evilOrQuery())).isInstanceOf(BadUserRequestException.class);
        assertThatThrownBy(() -> filterService.list(filterId, evilOrQuery())).isInstanceOf(BadUserRequestException.class);
        assertThatThrownBy(() -> filterService.listPage(filterId, evilOrQuery(), 0, 10))
                .isInstanceOf(BadUserRequestException.class);
        filterService.deleteFilter(filterId);
    }

    @Test
    void aStoredFilterWithAnExpressionInItsOrQueryEvaluatesNoCodeOverRest() {
        // Stored with the Java API, so the request wall never saw it: only the engine's guard stands.
        Filter filter = filterService.newTaskFilter("stored-evil-" + UUID.randomUUID()).setOwner("admin");
        filter.setQuery(taskService.createTaskQuery().or().dueBeforeExpression(payload()).endOr());
        String filterId = filterService.saveFilter(filter).getId();

        Response count = client().get("/engine-rest/filter/" + filterId + "/count");
        Response list = client().post("/engine-rest/filter/" + filterId + "/list", "{}");

        assertThat(count.status()).as(count.body()).isEqualTo(400);
        assertThat(count.json().path("type").asText()).isEqualTo("QueryExpressionRefused");
        assertThat(list.status()).as(list.body()).isEqualTo(400);
        filterService.deleteFilter(filterId);
    }

    @Test
    void tasklistsExpressionsAreStillEvaluated() {
        String user = "guard" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        Task task = taskService.newTask();
        task.setName("Guarded " + user);
        task.setAssignee(user);
        taskService.saveTask(task);
        identityService.setAuthenticatedUserId(user);
        try {
            List<Task> mine = taskService.createTaskQuery().taskName("Guarded " + user)
                    .or().taskAssigneeExpression("${currentUser()}").followUpBeforeExpression("${dateTime().plusDays(1)}")
                    .endOr().listPage(0, 10);
            assertThat(mine).extracting(Task::getId).containsExactly(task.getId());
        } finally {
            identityService.clearAuthentication();
            taskService.deleteTask(task.getId(), true);
        }
    }

    private TaskQuery evilOrQuery() {
        return taskService.createTaskQuery().or().taskCandidateGroupExpression(payload()).endOr();
    }

    private String harmlessFilter() {
        Filter filter = filterService.newTaskFilter("harmless-" + UUID.randomUUID()).setOwner("admin");
        filter.setQuery(taskService.createTaskQuery().taskName("nothing"));
        return filterService.saveFilter(filter).getId();
    }

    private String payload() {
        return "${''.getClass().forName('java.lang.Runtime').getMethod('getRuntime').invoke(null).exec('touch "
                + markers.resolve("marker") + "')}";
    }

    private static boolean isEmpty(Path directory) throws IOException {
        try (var entries = Files.list(directory)) {
            return entries.findAny().isEmpty();
        }
    }
}
