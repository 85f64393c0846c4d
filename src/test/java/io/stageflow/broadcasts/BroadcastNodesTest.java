package io.stageflow.broadcasts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;

import com.fasterxml.jackson.databind.JsonNode;

import io.stageflow.testing.CountingSmtpSink;
import io.stageflow.testing.IntegrationTest;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.core.Step;
import org.springframework.batch.core.StepExecution;
import org.springframework.batch.core.explore.JobExplorer;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;

/**
 * A broadcast's partitions shared between nodes. The application is one node (2 partition threads in tests); a
 * second {@link PartitionWorkers} in the same JVM, with its own name and threads, stands in for another node
 * reading the same job repository, as another JVM would. A broadcast has 4 partitions, so both nodes get some.
 * Every case ends with exactly one outbox row per member: no partition is lost and none queues twice. The members
 * declined marketing email, so the dispatcher suppresses their rows without SMTP: delivery is {@link BroadcastTest}'s
 * subject, and thousands of deliveries here would only slow the suite.
 */
class BroadcastNodesTest extends IntegrationTest {

    private static final int MEMBERS = 2_000;

    @TempDir
    Path tmp;

    @Autowired
    @Qualifier(BroadcastJobConfiguration.WORKER)
    Step workerStep;

    @Autowired
    JobExplorer explorer;

    @Autowired
    JobRepository repository;

    @Autowired
    PartitionWorkers thisNode;

    private final List<PartitionWorkers> otherNodes = new ArrayList<>();

    @AfterEach
    void stopOtherNodes() {
        otherNodes.forEach(PartitionWorkers::stop);
    }

    @Test
    void twoNodesShareOneBroadcastsPartitions() throws Exception {
        String segment = segmentOfFreshCustomers();
        node("node-b", workerStep).start();

        JsonNode done = awaitEnd(broadcast(segment));

        assertThat(done.path("status").asText()).isEqualTo("COMPLETED");
        assertThat(done.path("partitions")).hasSize(4);
        Set<String> nodes = new HashSet<>();
        done.path("partitions").forEach(partition -> {
            assertThat(partition.path("status").asText()).isEqualTo("COMPLETED");
            nodes.add(partition.path("node").asText());
        });
        assertThat(nodes).containsExactlyInAnyOrder(thisNode.node(), "node-b");
        assertExactlyOneRowPerMember(segment, done);
    }

    @Test
    void aNodeThatShutsDownHandsItsPartitionsBackToTheOthers() throws Exception {
        String segment = segmentOfFreshCustomers();
        PartitionWorkers leaving = node("node-leaving", workerStep);
        leaving.start();
        long id = broadcast(segment);
        // Node-leaving has committed at least one chunk of a partition when it shuts down.
        await().atMost(PATIENCE).until(() -> progress(id).path("partitions").findParents("node").stream()
                .anyMatch(p -> p.path("node").asText().equals("node-leaving") && p.path("written").asLong() > 0));
        leaving.stop();

        JsonNode done = awaitEnd(id);

        assertThat(done.path("status").asText()).isEqualTo("COMPLETED");
        assertThat(stepStatuses(id)).contains("STOPPED");
        done.path("partitions").forEach(partition -> {
            assertThat(partition.path("status").asText()).isEqualTo("COMPLETED");
            assertThat(partition.path("node").asText()).isEqualTo(thisNode.node());
        });
        assertExactlyOneRowPerMember(segment, done);
    }

    @Test
    void aPartitionWhoseNodeDiedIsHandedToAnotherAfterStaleAfter() throws Exception {
        String segment = segmentOfFreshCustomers();
        CountDownLatch claimed = new CountDownLatch(1);
        // A node that claims a partition and dies before its first commit: nothing more happens to the partition.
        PartitionWorkers dying = node("node-dying", new Step() {
            @Override
            public String getName() {
                return BroadcastJobConfiguration.WORKER;
            }

            @Override
            public void execute(StepExecution partition) {
                claimed.countDown();
            }
        });
        dying.start();
        long id = broadcast(segment);
        await().atMost(PATIENCE).until(() -> claimed.getCount() == 0);
        dying.stop();

        JsonNode done = awaitEnd(id);

        assertThat(done.path("status").asText()).isEqualTo("COMPLETED");
        assertThat(stepExitDescriptions(id)).anyMatch(d -> d.contains("Handed to another node"));
        done.path("partitions").forEach(partition -> assertThat(partition.path("node").asText()).isEqualTo(thisNode.node()));
        assertExactlyOneRowPerMember(segment, done);
    }

    @Test
    void aStoppedBroadcastCanBeRestartedAndQueuesEachMemberOnce() throws Exception {
        String segment = segmentOfFreshCustomers();
        long id = broadcast(segment);
        await().atMost(PATIENCE).until(() -> progress(id).path("written").asLong() > 0);
        client().post("/api/v1/broadcasts/" + id + "/stop").expectStatus(202);
        JsonNode stopped = awaitEnd(id);
        assertThat(stopped.path("status").asText()).isEqualTo("STOPPED");
        assertThat(queuedRows(segment)).isBetween(1L, MEMBERS - 1L);
        // Stopped is not running: stopping again is refused, and so is restarting a broadcast twice.
        client().post("/api/v1/jobs/" + id + "/stop").expectStatus(409);

        long again = client().post("/api/v1/jobs/" + id + "/restart").expectStatus(202).json().path("id").asLong();
        JsonNode done = awaitEnd(again);

        assertThat(done.path("status").asText()).isEqualTo("COMPLETED");
        assertThat(queuedRows(segment)).isEqualTo(MEMBERS);
        assertThat(done.path("outcomes").path("queued").asLong()).isEqualTo(MEMBERS);
        client().post("/api/v1/broadcasts/" + id + "/restart").expectStatus(409);
        client().post("/api/v1/jobs/" + again + "/restart").expectStatus(409);
        client().post("/api/v1/jobs/999999999/restart").expectStatus(404);
    }

    private PartitionWorkers node(String name, Step step) {
        PartitionWorkers node = new PartitionWorkers(BroadcastJobConfiguration.JOB, step, explorer, repository, 2,
                Duration.ofMillis(50), name);
        otherNodes.add(node);
        return node;
    }

    /** Fresh customers with a campaign trait of their own, and a segment of exactly them. */
    private String segmentOfFreshCustomers() throws IOException {
        String p = "bn" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        Path csv = tmp.resolve(p + ".csv");
        try (Writer out = Files.newBufferedWriter(csv)) {
            out.write("id,email,campaign,marketingConsent\n");
            for (int i = 0; i < MEMBERS; i++) {
                out.write("%1$s-%2$05d,%1$s-%2$05d@%3$s,%1$s,false\n".formatted(p, i, CountingSmtpSink.DOMAIN));
            }
        }
        long imported = client().postFile("/api/v1/imports", "file", csv).expectStatus(202).json().path("id").asLong();
        await().atMost(Duration.ofMinutes(2)).until(() -> "COMPLETED".equals(progress(imported).path("status").asText()));
        client().post("/api/v1/segments", """
                {"key": "%1$s", "name": "Nodes test %1$s", "rule": {"field": "traits.campaign", "op": "eq", "value": "%1$s"}}"""
                .formatted(p)).expectStatus(201);
        return p;
    }

    private long broadcast(String segment) {
        return client().post("/api/v1/broadcasts", """
                {"id": "%1$s", "segment": "%1$s", "template": "win-back-offer", "name": "Nodes test"}"""
                .formatted(segment)).expectStatus(202).json().path("id").asLong();
    }

    private JsonNode progress(long id) {
        return client().get("/api/v1/jobs/" + id).expectStatus(200).json();
    }

    private JsonNode awaitEnd(long id) {
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
                .until(() -> Set.of("COMPLETED", "FAILED", "STOPPED").contains(progress(id).path("status").asText()));
        return progress(id);
    }

    private long queuedRows(String segment) {
        return jdbc.sql("select count(*) from sf_outbox where step_id = ?").param("broadcast:" + segment)
                .query(Long.class).single();
    }

    private void assertExactlyOneRowPerMember(String segment, JsonNode done) {
        assertThat(queuedRows(segment)).isEqualTo(MEMBERS);
        assertThat(jdbc.sql("select count(distinct customer_id) from sf_outbox where step_id = ?")
                .param("broadcast:" + segment).query(Long.class).single()).isEqualTo(MEMBERS);
        assertThat(done.path("outcomes").path("queued").asLong()).isEqualTo(MEMBERS);
        assertThat(done.path("read").asLong()).isEqualTo(MEMBERS);
    }

    private List<String> stepStatuses(long jobExecutionId) {
        return explorer.getJobExecution(jobExecutionId).getStepExecutions().stream()
                .map(step -> step.getStatus().name()).toList();
    }

    private List<String> stepExitDescriptions(long jobExecutionId) {
        return explorer.getJobExecution(jobExecutionId).getStepExecutions().stream()
                .map(step -> step.getExitStatus().getExitDescription()).toList();
    }
}
