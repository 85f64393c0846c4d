package io.stageflow.customers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.Locale;
import java.util.UUID;

import io.stageflow.testing.IntegrationTest;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * A customer's whole life in Stageflow (signup, email, order, erasure, and a Segment identify with a bad address)
 * with Stageflow logging at DEBUG and everything else at INFO, and not one email address or name in the output.
 * GreenMail, the test's stand-in for a mail server, stays quiet: it logs every mailbox it creates. The levels are
 * raised at run time rather than by configuration, so the test shares the one application context (a second
 * context on the same database would be a second node, competing for work and Camunda's static registries).
 */
@ExtendWith(OutputCaptureExtension.class)
class NoPersonalDataInLogsTest extends IntegrationTest {

    @Autowired
    LoggingSystem logging;

    @BeforeEach
    void verboseLogging() {
        logging.setLogLevel(LoggingSystem.ROOT_LOGGER_NAME, LogLevel.INFO);
        logging.setLogLevel("io.stageflow", LogLevel.DEBUG);
        logging.setLogLevel("com.icegreen", LogLevel.WARN);
    }

    @AfterEach
    void usualLogging() {
        logging.setLogLevel(LoggingSystem.ROOT_LOGGER_NAME, LogLevel.WARN);
        logging.setLogLevel("io.stageflow", LogLevel.INFO);
        logging.setLogLevel("com.icegreen", null);
    }

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
                .formatted(id, email, name)).expectStatus(200); // rejected by name, with 200 as Segment answers
        client().delete("/api/v1/customers/" + id).expectStatus(204);

        String logged = output.getAll().toLowerCase(Locale.ROOT);
        assertThat(logged).as("the test did produce log output").contains("(signed_up, customer " + id + ") routed: started")
                .contains("sent (template welcome").contains("erased");
        assertThat(logged).doesNotContain(email.toLowerCase(Locale.ROOT)).doesNotContain(name.toLowerCase(Locale.ROOT));
        assertThat(logged).doesNotContain(key.toLowerCase(Locale.ROOT));
    }
}
