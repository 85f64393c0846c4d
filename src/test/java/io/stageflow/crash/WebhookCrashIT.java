package io.stageflow.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.stageflow.testing.StageflowClient;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A crash during a webhook call never makes a second call with a new {@code webhook-id} (issue 23). A journey's "Call
 * webhook" step calls a receiver that holds the first request without answering; the jar is killed with SIGKILL while
 * it waits. After the restart, once the row's lease has run out, the call is made again with the same
 * {@code webhook-id}, so the receiver can tell it is the same call; the receiver answers it, the journey goes on to its
 * second call (a new id), and the message log shows the two webhook messages sent.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(PrintLogsOnFailure.class)
class WebhookCrashIT implements PrintLogsOnFailure.RunsTheJar {

    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    private final CrashDatabase database = CrashDatabase.fromSystemProperties();
    private final List<String> ids = new CopyOnWriteArrayList<>();
    private final CountDownLatch firstCallArrived = new CountDownLatch(1);
    private final CountDownLatch releaseFirstCall = new CountDownLatch(1);
    private HttpServer receiver;
    private StageflowProcess app;

    @Override
    public StageflowProcess process() {
        return app;
    }

    @Test
    void aCallCutOffByAKillIsMadeAgainWithTheSameWebhookId() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.setExecutor(Executors.newCachedThreadPool());
        receiver.createContext("/hook", exchange -> {
            try (InputStream body = exchange.getRequestBody()) {
                body.readAllBytes();
            }
            ids.add(exchange.getRequestHeaders().getFirst("webhook-id"));
            if (ids.size() == 1) {
                firstCallArrived.countDown();
                try {
                    releaseFirstCall.await(120, TimeUnit.SECONDS); // the caller is killed meanwhile
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        app = StageflowProcess.prepare("webhook", database, Map.of(
                "stageflow.delivery.transport", "file", // no email is sent; on MariaDB no SMTP server is asked for
                "stageflow.webhooks.allowed-hosts", "127.0.0.1",
                "stageflow.webhooks.allow-private-addresses", "true",
                "stageflow.webhooks.timeout", "PT120S",
                "stageflow.webhooks.endpoints.crm.url", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook",
                "stageflow.webhooks.endpoints.crm.secrets[0]", SECRET));
        app.start();
        StageflowClient admin = app.admin();
        Path journey = app.workDir().resolve("webhook-crash.bpmn");
        try (InputStream demo = getClass().getResourceAsStream("/journeys/webhook-demo.bpmn")) {
            Files.writeString(journey, new String(demo.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("id=\"webhook-demo\"", "id=\"webhook-crash\"")
                    .replace("bpmnElement=\"webhook-demo\"", "bpmnElement=\"webhook-crash\"")
                    .replace(">loyalty<", ">crm<").replace(">tickets<", ">crm<"));
        }
        admin.postFile("/api/v1/journeys", "file", journey).expectStatus(201);
        String customer = CrashCustomers.ids("webhook", 1).get(0);
        CrashCustomers.create(admin, List.of(customer));
        app.writeKeyClient(admin.newWriteKey("crash-webhook")).postEvents(
                "[{\"messageId\":\"webhook-crash-1\",\"type\":\"webhook_demo\",\"customerId\":\"" + customer + "\"}]")
                .expectStatus(202);

        assertThat(firstCallArrived.await(120, TimeUnit.SECONDS)).as("the first call reached the receiver").isTrue();
        app.kill9();
        releaseFirstCall.countDown();
        app.start();

        // The first step's call again, then the second step's own call.
        await("the call made again after the restart").atMost(Duration.ofSeconds(120)).until(() -> ids.size() >= 3);
        JsonNode log = await("the webhook message sent").atMost(Duration.ofSeconds(60))
                .until(() -> app.admin().get("/api/v1/customers/" + customer + "/messages").expectStatus(200).json(),
                        messages -> messages.findValuesAsText("status").contains("sent"));
        System.out.printf("CRASH webhook %s: calls=%d ids=%s message-log=%s%n", database.label(), ids.size(), ids,
                log.findValuesAsText("status"));
        assertThat(ids).hasSize(3);
        assertThat(ids.get(1)).as("the attempt after the crash carries the first one's webhook-id").isEqualTo(ids.get(0));
        assertThat(ids.get(2)).as("the next step's call is another call").isNotEqualTo(ids.get(0));
        assertThat(ids.get(0)).matches("msg_[0-9a-f]{32}");
        assertThat(log.findValuesAsText("channel")).containsExactly("webhook", "webhook");
        assertThat(log.findValuesAsText("status")).containsExactly("sent", "sent");
    }

    @AfterAll
    void stop() throws IOException {
        releaseFirstCall.countDown();
        if (app != null) {
            app.close();
        }
        if (receiver != null) {
            receiver.stop(0);
        }
    }
}
