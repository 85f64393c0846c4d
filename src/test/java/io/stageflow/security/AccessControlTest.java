package io.stageflow.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.StageflowClient;
import io.stageflow.testing.StageflowClient.Response;

import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.identity.User;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Every door is locked for strangers, and each role opens only its own. */
class AccessControlTest extends IntegrationTest {

    private static final String BOUNDARY = "----StageflowModelerLikeBoundary";

    @Autowired
    IdentityService identityService;

    @Test
    void strangersAreRefusedEverywhereThatMatters() {
        StageflowClient stranger = client(null, null);

        assertThat(stranger.send(deploy("stranger"), false).status()).isEqualTo(401);
        assertThat(stranger.get("/engine-rest/process-definition").status()).isEqualTo(401);
        assertThat(stranger.get("/api/v1/write-keys").status()).isEqualTo(401);
        assertThat(stranger.get("/api/v1/customers/anyone").status()).isEqualTo(401);
        assertThat(stranger.postEvents("{}").status()).isEqualTo(401);
        assertThat(stranger.putCustomer("anyone", "{}").status()).isEqualTo(401);
        assertThat(stranger.get("/actuator/metrics").status()).isEqualTo(401);
        assertThat(stranger.get("/camunda/api/engine/engine/default/process-definition").status()).isIn(401, 403);
        assertThat(stranger.get("/camunda/api/cockpit/plugin/base/default/process-definition/statistics").status())
                .isIn(401, 403);
        assertThat(stranger.get("/actuator/health").status()).isEqualTo(200);
    }

    @Test
    void anOversizedDeploymentIsRefusedBeforeItIsRead() {
        byte[] elevenMegabytes = new byte[11 * 1024 * 1024];

        Response response = client().send(HttpRequest.newBuilder(client().uri("/engine-rest/deployment/create"))
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(elevenMegabytes)), true);

        assertThat(response.status()).isEqualTo(413);
        assertThat(response.contentType()).startsWith("application/problem+json");
    }

    @Test
    void aWrongPasswordIsRefusedLikeAnUnknownUser() {
        // Not the admin, out of habit: failed sign-ins are counted per user and address (LoginThrottleTest).
        String operator = user(Roles.OPERATOR);
        Response wrong = client(operator, "Wrong-password-1").get("/api/v1/customers/anyone");
        Response unknownUser = client("nobody", "Wrong-password-1").get("/api/v1/customers/anyone");

        assertThat(wrong.status()).isEqualTo(401);
        assertThat(unknownUser.status()).isEqualTo(401);
        assertThat(wrong.contentType()).startsWith("application/problem+json");
        assertThat(wrong.body()).isEqualTo(unknownUser.body());
    }

    @Test
    void anAdminDeploysWithTheRequestCamundaModelerSends() {
        Response deployed = client().send(deploy("admin-deploy-" + UUID.randomUUID()), true);

        assertThat(deployed.status()).as(deployed.body() + " / " + deployed.contentType()).isEqualTo(200);
        assertThat(deployed.json().path("deployedProcessDefinitions").toString()).contains("modeler-deploy-check");
    }

    @Test
    void aMarketerDeploysFromTheModelerButUsesNothingElseOfTheEngineRestApi() {
        String marketer = user(Roles.MARKETER);

        Response deploy = client(marketer, "Marketer-pass-42").send(deploy("marketer-deploy"), true);
        // Marketers deploy from the Modeler and see journeys in Cockpit and the console; the rest of /engine-rest is not theirs.
        Response read = client(marketer, "Marketer-pass-42").get("/engine-rest/process-definition?key=welcome&maxResults=50");
        Response keys = client(marketer, "Marketer-pass-42").get("/api/v1/write-keys");

        assertThat(deploy.status()).as(deploy.body()).isEqualTo(200);
        assertThat(deploy.json().path("deployedProcessDefinitions").toString()).contains("modeler-deploy-check");
        assertThat(read.status()).isEqualTo(403);
        assertThat(keys.status()).isEqualTo(403);
        assertThat(client(marketer, "Marketer-pass-42").get("/api/v1/customers/nobody/messages").status())
                .as("allowed to ask; there is no such customer").isEqualTo(404);
        assertThat(client(marketer, "Marketer-pass-42").get("/api/v1/customers/nobody/export").status()).isEqualTo(403);
    }

    @Test
    void aWriteKeyIngestsButReadsNothing() {
        String customer = "c-" + UUID.randomUUID().toString().substring(0, 12);
        client().putCustomer(customer, "{\"email\":\"" + customer + "@example.com\"}").expectStatus(201);
        String key = client().newWriteKey("access-test");
        StageflowClient integration = client(key, "");

        Response posted = integration.postEvents(
                "{\"messageId\":\"wk-%1$s\",\"type\":\"page_viewed\",\"customerId\":\"%1$s\"}".formatted(customer));

        assertThat(posted.status()).isEqualTo(202);
        assertThat(integration.get("/api/v1/customers/" + customer).status()).isEqualTo(403);
        assertThat(integration.get("/api/v1/events/wk-" + customer).status()).isEqualTo(403);
        assertThat(integration.putCustomer(customer, "{}").status()).isEqualTo(403);
        assertThat(integration.get("/api/v1/write-keys").status()).isEqualTo(403);
        assertThat(integration.get("/engine-rest/process-definition").status()).isEqualTo(401);
    }

    @Test
    void anOperatorSeesJourneysAndEventsButManagesNoKeys() {
        String operator = user(Roles.OPERATOR);

        assertThat(client(operator, "Marketer-pass-42").get("/engine-rest/process-definition?maxResults=50").status()).isEqualTo(200);
        assertThat(client(operator, "Marketer-pass-42").get("/api/v1/events/none").status()).isEqualTo(404);
        assertThat(client(operator, "Marketer-pass-42").get("/api/v1/write-keys").status()).isEqualTo(403);
        assertThat(client(operator, "Marketer-pass-42").send(deploy("operator-deploy"), true).status()).isEqualTo(403);
    }

    @Test
    void onlyMarketersAndAdminsPreviewAndTestSendTemplates() {
        String preview = "/api/v1/templates/welcome/preview";
        String sample = "{\"sampleTraits\":{\"firstName\":\"Ada\"}}";
        StageflowClient marketer = client(user(Roles.MARKETER), "Marketer-pass-42");
        StageflowClient operator = client(user(Roles.OPERATOR), "Marketer-pass-42");
        StageflowClient integration = client(client().newWriteKey("template-access-test"), "");

        assertThat(postJson(client(), preview, sample).status()).isEqualTo(200);
        assertThat(postJson(marketer, preview, sample).status()).isEqualTo(200);
        assertThat(postJson(operator, preview, sample).status()).isEqualTo(403);
        assertThat(postJson(integration, preview, sample).status()).isEqualTo(403);
        assertThat(postJson(client(null, null), preview, sample).status()).isEqualTo(401);
        assertThat(postJson(operator, "/api/v1/templates/welcome/test-send",
                "{\"to\":\"someone@example.com\",\"sampleTraits\":{}}").status()).isEqualTo(403);
    }

    private static Response postJson(StageflowClient client, String path, String json) {
        return client.send(HttpRequest.newBuilder(client.uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)), true);
    }

    private String user(String group) {
        String id = group + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        User user = identityService.newUser(id);
        user.setPassword("Marketer-pass-42");
        identityService.saveUser(user);
        identityService.createMembership(id, group);
        return id;
    }

    /** The multipart request Camunda Modeler 5 sends to {@code /engine-rest/deployment/create}. */
    private HttpRequest.Builder deploy(String deploymentName) {
        String bpmn = """
                <?xml version="1.0" encoding="UTF-8"?>
                <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="http://bpmn.io/schema/bpmn">
                  <bpmn:process id="modeler-deploy-check" isExecutable="true" camunda:historyTimeToLive="P1D">
                    <bpmn:startEvent id="start"/>
                  </bpmn:process>
                </bpmn:definitions>
                """;
        String body = part("deployment-name", deploymentName) + part("deployment-source", "Camunda Modeler")
                + part("deploy-changed-only", "true")
                + "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"modeler-deploy-check.bpmn\"; "
                + "filename=\"modeler-deploy-check.bpmn\"\r\nContent-Type: application/octet-stream\r\n\r\n" + bpmn
                + "\r\n--" + BOUNDARY + "--\r\n";
        return HttpRequest.newBuilder(client(null, null).uri("/engine-rest/deployment/create"))
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    }

    private static String part(String name, String value) {
        return "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
    }
}
