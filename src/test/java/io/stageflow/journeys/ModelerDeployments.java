package io.stageflow.journeys;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;

import io.stageflow.testing.StageflowClient;

/** A deployment as Camunda Modeler sends it: {@code POST /engine-rest/deployment/create}, multipart, one BPMN file. */
final class ModelerDeployments {

    private static final String BOUNDARY = "----StageflowModelerBoundary";

    private ModelerDeployments() {
    }

    /** Deploys {@code bpmn} as file {@code fileName} in a deployment named {@code deploymentName}, changed files only. */
    static StageflowClient.Response deploy(StageflowClient client, String deploymentName, String fileName,
            String bpmn) {
        String body = part("deployment-name", deploymentName) + part("deployment-source", "Camunda Modeler")
                + part("deploy-changed-only", "true")
                + "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + fileName + "\"; filename=\""
                + fileName + "\"\r\nContent-Type: application/octet-stream\r\n\r\n" + bpmn + "\r\n--" + BOUNDARY
                + "--\r\n";
        return client.send(HttpRequest.newBuilder(client.uri("/engine-rest/deployment/create"))
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)), true);
    }

    private static String part(String name, String value) {
        return "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
    }
}
