package io.stageflow.customers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.Locale;
import java.util.UUID;

import io.stageflow.testing.IntegrationTest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

/**
 * A customer's whole life in Stageflow (signup, email, order, erasure, and a Segment identify with a bad address)
 * with Stageflow logging at DEBUG and everything else at INFO, and not one email address or name in the output.
 * GreenMail, the test's stand-in for a mail server, is quieted: it logs every mailbox it creates.
 * <p>
 * Its own log levels make it a second application context on the shared test database, that is a second node.
 * It is closed after the class so that no stray node takes work from later tests, and its engine has its own
 * name so that closing it leaves the shared "default" engine registered.
 */
@ExtendWith(OutputCaptureExtension.class)
@TestPropertySource(properties = {"logging.level.root=INFO", "logging.level.io.stageflow=DEBUG",
        "logging.level.com.icegreen=WARN", "camunda.bpm.process-engine-name=logcheck"})
@DirtiesContext
class NoPersonalDataInLogsTest extends IntegrationTest {

    @Test
    void logsNeverContainAnEmailAddressOrAName(CapturedOutput output) throws Exception {
        String id = "c-" + UUID.randomUUID().toString().substring(0, 12);
        String email = "private-" + id + "@example.com";
        String name = "Privatissima";
        client().signUp(id, email, name);
        awaitMail(email, 1);
        awaitSettled(id);
        client().postEvents("{\"messageId\":\"o-%1$s\",\"type\":\"order_completed\",\"customerId\":\"%1$s\",\"properties\":{\"email\":\"%2$s\"}}"
                .formatted(id, email)).expectStatus(202);
        await().atMost(PATIENCE).until(() -> runtimeService.createProcessInstanceQuery()
                .processInstanceBusinessKey(id).processDefinitionKey("welcome").count() == 0);
        String key = client().newWriteKey("log-test");
        client().postSegment("/v1/identify", key, "{\"userId\":\"%s\",\"traits\":{\"email\":\"not-an-address %s\",\"firstName\":\"%s\"}}"
                .formatted(id, email, name)).expectStatus(400);
        client().delete("/api/v1/customers/" + id).expectStatus(204);

        String logged = output.getAll().toLowerCase(Locale.ROOT);
        assertThat(logged).as("the test did produce log output").contains("journeys from");
        assertThat(logged).doesNotContain(email.toLowerCase(Locale.ROOT)).doesNotContain(name.toLowerCase(Locale.ROOT));
        assertThat(logged).doesNotContain(key.toLowerCase(Locale.ROOT));
    }
}
