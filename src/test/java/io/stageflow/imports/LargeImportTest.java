package io.stageflow.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;

import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.TestDatabase;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The acceptance run: a generated file of 200,000 rows ({@code -Plarge}; 60,000 in the default build, to keep CI
 * within its time), 1% of them bad, imported through the API while a sampler measures the live heap (used after a
 * full collection, once a second). Streaming means the heap the import needs does not grow with the file: the peak
 * stays within a few megabytes of where it settles, far below the 20 MB the 200,000-row file has on disk (6 MB at
 * 60,000 rows), let alone its rows as objects. On H2 the test database lives in the same heap, so there the heap
 * grows by the stored table and only the peak over the settled heap is checked; on MariaDB the growth over the
 * start is checked as well. A second run of the same size is broken half-way, restarted (it ends with exactly the
 * good rows, none twice), and then imported again (it changes nothing). {@code -Dstageflow.test.import.rows} sets
 * the size (about 15 s a pass of 200,000 rows on H2).
 */
class LargeImportTest extends IntegrationTest {

    /** Live heap an import may hold beyond where it ends up: a few chunks' worth of rows, not the file. */
    static final long HEAP_ALLOWANCE = 24L * 1024 * 1024;
    /** The file's rows: 200,000 with {@code -Plarge}. */
    private static final int ROWS = Integer.getInteger("stageflow.test.import.rows", 60_000);

    @TempDir
    Path tmp;

    @Autowired
    ImportFaults faults;

    @Test
    void aLargeFileStreamsThroughInBoundedHeapReportingProgressAndExactlyTheBadRows() throws Exception {
        int rows = ROWS;
        String p = CustomerImportTest.prefix();
        Path csv = tmp.resolve("large.csv");
        long generateStart = System.nanoTime();
        Set<Long> bad = CustomerImportTest.generate(csv, p, rows);
        System.out.printf("Generated %,d rows (%,d bad, %,d bytes) in %d ms%n", rows, bad.size(), Files.size(csv),
                (System.nanoTime() - generateStart) / 1_000_000);
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long baseline = liveHeap(memory);
        AtomicLong peak = new AtomicLong(baseline);
        AtomicReference<JsonNode> running = new AtomicReference<>();
        // Samples the live heap once a second while the import runs; it waits for nothing.
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();

        long start = System.nanoTime();
        sampler.scheduleAtFixedRate(() -> peak.accumulateAndGet(liveHeap(memory), Math::max), 0, 1, TimeUnit.SECONDS);
        long id;
        JsonNode done;
        try {
            id = client().postFile("/api/v1/imports", "file", csv).expectStatus(202).json().path("id").asLong();
            await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(250)).until(() -> {
                JsonNode now = client().get("/api/v1/jobs/" + id).expectStatus(200).json();
                if ("STARTED".equals(now.path("status").asText()) && now.path("read").asLong() > 0) {
                    running.compareAndSet(null, now);
                }
                return Set.of("COMPLETED", "FAILED", "STOPPED").contains(now.path("status").asText());
            });
            done = client().get("/api/v1/jobs/" + id).expectStatus(200).json();
        } finally {
            sampler.shutdownNow();
            sampler.awaitTermination(10, TimeUnit.SECONDS);
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        long settled = liveHeap(memory);
        System.out.printf("Imported %,d rows on %s in %,d ms: %s rows/s by the job; live heap %d MB before, peak %d MB,"
                + " %d MB after%n", rows, TestDatabase.isMariaDb() ? "MariaDB" : "H2", millis,
                done.path("rowsPerSecond").asText(), baseline >> 20, peak.get() >> 20, settled >> 20);

        assertThat(done.path("status").asText()).isEqualTo("COMPLETED");
        assertThat(done.path("read").asLong()).isEqualTo(rows);
        assertThat(done.path("written").asLong()).isEqualTo(rows - bad.size());
        assertThat(done.path("skipped").asLong()).isEqualTo(bad.size());
        assertThat(done.path("errors").asLong()).isEqualTo(bad.size());
        assertThat(jdbc.sql("select count(*) from sf_customer where id like ?").param(p + "-%").query(Long.class)
                .single()).isEqualTo(rows - bad.size());
        assertThat(errorLines(id)).isEqualTo(bad);

        JsonNode seen = running.get();
        assertThat(seen).as("progress was seen while the job ran").isNotNull();
        assertThat(seen.path("rows").asLong()).isEqualTo(rows);
        assertThat(seen.path("rowsPerSecond").asDouble()).isPositive();
        assertThat(seen.path("secondsLeft").isNumber()).isTrue();
        assertThat(seen.path("position").asLong()).isBetween(1L, (long) rows);

        assertThat(peak.get() - settled).as("heap held during the run beyond where it settled")
                .isLessThan(HEAP_ALLOWANCE);
        if (TestDatabase.isMariaDb()) {
            assertThat(peak.get() - baseline).as("heap growth with the rows stored outside the JVM")
                    .isLessThan(HEAP_ALLOWANCE);
        }
    }

    @Test
    void aLargeImportBrokenHalfWayIsRestartedWithoutDuplicatesAndARerunChangesNothing() throws Exception {
        int rows = ROWS;
        String p = CustomerImportTest.prefix();
        Path csv = tmp.resolve("large-restart.csv");
        Set<Long> bad = CustomerImportTest.generate(csv, p, rows);
        faults.failOnceAtCustomer(CustomerImportTest.id(p, rows / 2));

        long firstId = upload(csv);
        JsonNode failed = awaitEnd(firstId);
        assertThat(failed.path("status").asText()).isEqualTo("FAILED");
        assertThat(failed.path("position").asLong()).as("some chunks committed, not all").isBetween(1L, rows / 2L);
        long restartedId = client().post("/api/v1/imports/" + firstId + "/restart").expectStatus(202).json()
                .path("id").asLong();
        JsonNode done = awaitEnd(restartedId);

        assertThat(done.path("status").asText()).isEqualTo("COMPLETED");
        assertThat(done.path("resumedAt").asLong()).isEqualTo(failed.path("position").asLong());
        assertThat(countCustomers(p)).isEqualTo(rows - bad.size());
        assertThat(jdbc.sql("select count(distinct id) from sf_customer where id like ?").param(p + "-%")
                .query(Long.class).single()).isEqualTo(rows - bad.size());
        assertThat(errorLines(restartedId)).isEqualTo(bad);

        // The same file again: every good row is found unchanged, nothing is created or updated.
        JsonNode rerun = awaitEnd(upload(csv));
        assertThat(rerun.path("status").asText()).isEqualTo("COMPLETED");
        assertThat(rerun.path("created").asLong()).isZero();
        assertThat(rerun.path("updated").asLong()).isZero();
        assertThat(rerun.path("unchanged").asLong()).isEqualTo(rows - bad.size());
        assertThat(countCustomers(p)).isEqualTo(rows - bad.size());
    }

    private long upload(Path csv) {
        return client().postFile("/api/v1/imports", "file", csv).expectStatus(202).json().path("id").asLong();
    }

    private JsonNode awaitEnd(long id) {
        return awaitJobEnd(id, Duration.ofMinutes(10), Duration.ofMillis(250));
    }

    private long countCustomers(String prefix) {
        return jdbc.sql("select count(*) from sf_customer where id like ?").param(prefix + "-%").query(Long.class)
                .single();
    }

    private Set<Long> errorLines(long id) {
        String body = client().get("/api/v1/imports/" + id + "/errors").expectStatus(200).body();
        return body.lines().skip(1).map(line -> Long.parseLong(line.substring(0, line.indexOf(','))))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static long liveHeap(MemoryMXBean memory) {
        System.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }
}
