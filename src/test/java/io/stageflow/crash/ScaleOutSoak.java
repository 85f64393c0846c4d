package io.stageflow.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;

import io.stageflow.testing.CountingSmtpSink;
import io.stageflow.testing.StageflowClient;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The scale-out figure of issue 20: journey throughput and broadcast rate with 1, 2 and 3 nodes (the packaged jar,
 * each its own JVM) on one MariaDB database, on the same cores, with the CPU each process used. On 2 cores this
 * shows contention, not speed-up, so the database's CPU share is reported beside the nodes'.
 * <p>
 * For each node count ({@code stageflow.scaleout.nodes}, {@code 1,2,3}), on a database dropped and created afresh,
 * the nodes send over SMTP to the {@link CountingSmtpSink} in this JVM (it keeps counts, not messages), with quiet
 * hours off and the frequency cap lifted:
 * <ol>
 * <li><b>sign-ups</b>: {@code stageflow.scaleout.signups} (2,000) customers, imported beforehand (an import starts
 * no journey), get their {@code signed_up} event in batches of 100 posted round-robin over the nodes' ports, one
 * client thread per node; the figure is sign-ups a second from the first post to the last welcome email the sink
 * accepted (the welcome journey sends one, then waits 3 days);</li>
 * <li><b>broadcast</b>: {@code stageflow.scaleout.broadcast} (20,000) more imported customers, a segment over them
 * and one broadcast posted to the first node; its {@code stageflow.scaleout.partitions} (12) partitions are taken by
 * whichever node has a free partition thread (4 a node), and the rate limit is lifted. The figures: rows queued a
 * second (the post to the job's end) and emails delivered a second (the post to the last email).</li>
 * </ol>
 * First a short warm-up of sign-ups on every node ({@code stageflow.scaleout.warmup}, 100 each), then
 * {@code stageflow.scaleout.idle-seconds} (10) with nothing to do, whose CPU is each node's fixed cost; before each
 * phase a wait until no job, event or email is due. Over
 * each phase the CPU time of each node, of the MariaDB server ({@code mariadbd}, found with {@code pgrep}; it serves
 * whatever else uses it too), of this JVM (the load client and the SMTP sink) and of the whole machine
 * ({@code /proc/stat}) is read at the start and the end, and given as cores used over the phase's wall time.
 * It prints one {@code SCALEOUT} line per figure and writes {@code target/bench/scale-out.csv}; it asserts
 * correctness only (every customer exactly one email, every broadcast row queued once, no incident), never a speed.
 * Runs in {@code ./mvnw -Pbench verify} (failsafe includes {@code *Soak} there), never in the default build.
 */
@ExtendWith(PrintLogsOnFailure.class)
class ScaleOutSoak implements PrintLogsOnFailure.RunsNodes {

    private static final List<Integer> NODE_COUNTS = Arrays.stream(
            System.getProperty("stageflow.scaleout.nodes", "1,2,3").split(",")).map(String::strip)
            .filter(s -> !s.isEmpty()).map(Integer::valueOf).toList();
    private static final int SIGNUPS = Integer.getInteger("stageflow.scaleout.signups", 2_000);
    private static final int BROADCAST = Integer.getInteger("stageflow.scaleout.broadcast", 20_000);
    private static final int PARTITIONS = Integer.getInteger("stageflow.scaleout.partitions", 12);
    /** Sign-ups each node gets before the measured phases, so the JIT compiler has seen the journey path. */
    private static final int WARMUP = Integer.getInteger("stageflow.scaleout.warmup", 100);
    /** How long the nodes are watched doing nothing, after the warm-up. */
    private static final int IDLE_SECONDS = Integer.getInteger("stageflow.scaleout.idle-seconds", 10);
    private static final int BATCH = 100;
    private static final String TEMPLATE = "win-back-offer";
    private static final long CLOCK_TICKS = clockTicks();

    private final CrashDatabase database = CrashDatabase.fromSystemProperties();
    private final String run = "so" + Long.toString(System.currentTimeMillis() % 100_000_000L, 36);
    private final List<StageflowProcess> nodes = new ArrayList<>();
    private final List<String> csv = new ArrayList<>();

    @Override
    public List<StageflowProcess> nodes() {
        return nodes;
    }

    @Test
    void journeysAndABroadcastOnOneTwoAndThreeNodesSendEveryEmailOnce() throws Exception {
        Assumptions.assumeTrue(database.shared(), "nodes share a database only on MariaDB");
        long dbPid = databasePid();
        System.out.printf(Locale.ROOT, "SCALEOUT %s: nodes=%s signups=%d broadcast=%d partitions=%d warmup=%d/node"
                        + " cores=%d database-pid=%s clock-ticks=%d run=%s%n", database.label(), NODE_COUNTS, SIGNUPS,
                BROADCAST, PARTITIONS, WARMUP, Runtime.getRuntime().availableProcessors(),
                dbPid < 0 ? "not found" : Long.toString(dbPid), CLOCK_TICKS, run);
        for (int n : NODE_COUNTS) {
            measure(n, dbPid);
            // On a failure the nodes stay for PrintLogsOnFailure, and RunsNodes stops them after the test.
            nodes.forEach(StageflowProcess::close);
            nodes.clear();
        }
    }

    private void measure(int n, long dbPid) throws Exception {
        String prefix = run + "-n" + n + "-";
        startNodes(n);
        StageflowClient first = nodes.get(0).admin();
        ExecutorService posters = Executors.newFixedThreadPool(n);
        try {
            // Warm-up: a few sign-ups through every node, not measured.
            List<String> warm = importCustomers(first, prefix + "w-", WARMUP * n, "warmup");
            signUp(posters, prefix + "w-", warm);
            awaitEmails(prefix + "w-", warm.size(), Duration.ofMinutes(5));
            awaitIdle(first);

            // 0. What the nodes and the database use with nothing to do (each node's pollers).
            Cpu quiet = Cpu.read(nodes, dbPid);
            TimeUnit.SECONDS.sleep(IDLE_SECONDS);
            Cpu quietEnd = Cpu.read(nodes, dbPid);
            report(n, "idle", 0, (quietEnd.nanos - quiet.nanos) / 1e9, "-", quiet, quietEnd, "nothing due");

            // 1. Journey throughput.
            String signupPrefix = prefix + "s-";
            List<String> signups = importCustomers(first, signupPrefix, SIGNUPS, "signups");
            awaitIdle(first);
            Cpu before = Cpu.read(nodes, dbPid);
            long posted = signUp(posters, signupPrefix, signups);
            long lastEmail = awaitEmails(signupPrefix, SIGNUPS, Duration.ofMinutes(5).plusMillis(SIGNUPS * 100L));
            Cpu after = Cpu.read(nodes, dbPid);
            double journeySeconds = (lastEmail - before.nanos) / 1e9;
            TimeUnit.SECONDS.sleep(2); // a late duplicate would show here
            Map<String, Long> welcome = CountingSmtpSink.countsByRecipient(signupPrefix);
            long welcomeRows = database.count("select count(*) from sf_outbox where template_key = 'welcome'"
                    + " and status = 'SENT' and customer_id like '" + signupPrefix + "%'");
            report(n, "signups", SIGNUPS, journeySeconds, "signups/s", before, after,
                    String.format(Locale.ROOT, "posted-in=%.1fs", (posted - before.nanos) / 1e9));
            assertThat(welcome).as("customers with a welcome email (%d nodes)", n).hasSize(SIGNUPS);
            assertThat(notOnce(welcome)).as("customers with more than one welcome email (%d nodes)", n).isEmpty();
            assertThat(welcomeRows).as("welcome rows sent (%d nodes)", n).isEqualTo(SIGNUPS);

            // 2. Broadcast rate.
            String broadcastPrefix = prefix + "b-";
            String cohort = run + "-n" + n;
            importCustomers(first, broadcastPrefix, BROADCAST, cohort);
            String segment = "scaleout-" + cohort;
            first.post("/api/v1/segments", """
                    {"key": "%s", "name": "Scale-out %d nodes", "rule": {"field": "traits.cohort", "op": "eq", "value": "%s"}}"""
                    .formatted(segment, n, cohort)).expectStatus(201);
            assertThat(first.get("/api/v1/segments/" + segment + "/count").expectStatus(200).json().path("count")
                    .asLong()).as("segment members").isEqualTo(BROADCAST);
            awaitIdle(first);
            before = Cpu.read(nodes, dbPid);
            long id = first.post("/api/v1/broadcasts", """
                    {"id": "%1$s", "segment": "%1$s", "template": "%2$s", "category": "marketing", "name": "Scale-out"}"""
                    .formatted(segment, TEMPLATE)).expectStatus(202).json().path("id").asLong();
            JsonNode job = await("broadcast " + id + " queued").atMost(Duration.ofMinutes(5).plusMillis(BROADCAST * 10L))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> first.get("/api/v1/broadcasts/" + id).expectStatus(200).json(),
                            j -> j.path("endedAt").isTextual());
            Cpu queued = Cpu.read(nodes, dbPid);
            lastEmail = awaitEmails(broadcastPrefix, BROADCAST, Duration.ofMinutes(5).plusMillis(BROADCAST * 20L));
            after = Cpu.read(nodes, dbPid);
            TimeUnit.SECONDS.sleep(2);
            Map<String, Long> received = CountingSmtpSink.countsByRecipient(broadcastPrefix);
            long rows = database.count("select count(*) from sf_outbox where idempotency_key like 'broadcast:"
                    + segment + ":%'");
            Map<String, Integer> partitionsPerNode = new TreeMap<>();
            job.path("partitions").forEach(p -> partitionsPerNode.merge(nodeOf(p.path("node").asText()), 1,
                    Integer::sum));
            String partitions = "partitions=" + partitionsPerNode.toString().replace(" ", "");
            report(n, "broadcast-queueing", BROADCAST, (queued.nanos - before.nanos) / 1e9, "rows/s", before, queued,
                    partitions + " status=" + job.path("status").asText());
            report(n, "broadcast-delivery", BROADCAST, (lastEmail - before.nanos) / 1e9, "emails/s", before, after,
                    partitions);
            assertThat(job.path("status").asText()).as("broadcast job").isEqualTo("COMPLETED");
            assertThat(rows).as("outbox rows of the broadcast").isEqualTo(BROADCAST);
            assertThat(received).as("customers with a broadcast email (%d nodes)", n).hasSize(BROADCAST);
            assertThat(notOnce(received)).as("customers with the broadcast twice (%d nodes)", n).isEmpty();
            assertThat(first.get("/engine-rest/incident/count").expectStatus(200).json().path("count").asLong())
                    .as("journey incidents").isZero();
        } finally {
            posters.shutdownNow();
            write();
        }
    }

    /** A partition's node ({@code pid@host}, as the jar names it) as {@code node1} … by its process id. */
    private String nodeOf(String name) {
        for (int k = 0; k < nodes.size(); k++) {
            if (name.startsWith(nodes.get(k).pid() + "@")) {
                return "node" + (k + 1);
            }
        }
        return name;
    }

    /** The first node on a fresh database, then the others, together, once it has made the schema. */
    private void startNodes(int n) throws Exception {
        for (int k = 1; k <= n; k++) {
            Map<String, String> more = new LinkedHashMap<>();
            // A welcome email and a broadcast to the same customer on one day: the cap would hold the second back.
            more.put("stageflow.delivery.pacing.marketing-per-day", "1000000");
            more.put("stageflow.delivery.pacing.marketing-per-week", "1000000");
            // The broadcast's rate limit (50 a second by default) lifted: the figure is what the nodes can do.
            more.put("stageflow.broadcasts.messages-per-second", "1000000");
            more.put("stageflow.broadcasts.partitions", Integer.toString(PARTITIONS));
            Map<String, String> settings = StageflowProcess.smtpTo(CountingSmtpSink.port(), more);
            String name = "scaleout-n" + n + "-" + k;
            nodes.add(k == 1 ? StageflowProcess.prepare(name, database, settings)
                    : StageflowProcess.join(name, database, settings));
        }
        nodes.get(0).start();
        ExecutorService starting = Executors.newFixedThreadPool(Math.max(1, n - 1));
        try {
            List<Future<?>> started = new ArrayList<>();
            nodes.subList(1, n).forEach(node -> started.add(starting.submit(node::start)));
            for (Future<?> start : started) {
                start.get(5, TimeUnit.MINUTES);
            }
        } finally {
            starting.shutdownNow();
        }
    }

    /** Imports {@code count} customers {@code prefix000000…} with the trait {@code cohort}; answers their ids. */
    private List<String> importCustomers(StageflowClient admin, String prefix, int count, String cohort)
            throws IOException {
        List<String> ids = IntStream.range(0, count).mapToObj(i -> prefix + String.format(Locale.ROOT, "%06d", i))
                .toList();
        Path file = Files.createTempFile("scale-out", ".csv");
        try {
            try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                out.write("id,email,firstName,cohort\n");
                for (String id : ids) {
                    out.write("%s,%s@%s,Ada,%s\n".formatted(id, id, CountingSmtpSink.DOMAIN, cohort));
                }
            }
            long job = admin.postFile("/api/v1/imports", "file", file).expectStatus(202).json().path("id").asLong();
            JsonNode done = await("import " + job).atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(200))
                    .until(() -> admin.get("/api/v1/jobs/" + job).expectStatus(200).json(),
                            j -> j.path("endedAt").isTextual());
            assertThat(done.path("status").asText()).as("import of %s", prefix).isEqualTo("COMPLETED");
        } finally {
            Files.deleteIfExists(file);
        }
        assertThat(database.count("select count(*) from sf_customer where id like '" + prefix + "%'"))
                .as("customers imported").isEqualTo(count);
        return ids;
    }

    /**
     * Posts each customer's {@code signed_up} event in batches of {@value #BATCH}, batch k to node k mod n, one
     * thread per node; answers {@link System#nanoTime()} when the last post was answered.
     */
    private long signUp(ExecutorService posters, String prefix, List<String> ids) throws Exception {
        List<Future<?>> posts = new ArrayList<>();
        for (int k = 0; k < nodes.size(); k++) {
            StageflowClient client = nodes.get(k).admin();
            int node = k;
            posts.add(posters.submit(() -> {
                for (int from = node * BATCH; from < ids.size(); from += nodes.size() * BATCH) {
                    client.postSignups(ids.subList(from, Math.min(ids.size(), from + BATCH))).expectStatus(202);
                }
                return null;
            }));
        }
        for (Future<?> post : posts) {
            post.get(10, TimeUnit.MINUTES);
        }
        return System.nanoTime();
    }

    /**
     * Waits until the sink accepted {@code expected} emails for addresses starting with {@code prefix}; answers when
     * it accepted the last of them ({@link System#nanoTime()}).
     */
    private static long awaitEmails(String prefix, int expected, Duration patience) {
        await("%d emails to %s*".formatted(expected, prefix)).atMost(patience).pollInterval(Duration.ofMillis(100))
                .until(() -> CountingSmtpSink.countsByRecipient(prefix).values().stream().mapToLong(Long::longValue)
                        .sum() >= expected);
        long now = System.nanoTime();
        // The sink counts an email before it notes its time: an address it is still noting counts as now.
        return CountingSmtpSink.countsByRecipient(prefix).keySet().stream().map(CountingSmtpSink::firstAcceptedNanos)
                .mapToLong(at -> at == null ? now : at).max().orElseThrow();
    }

    /** The addresses that got other than one email, with their counts. */
    private static Map<String, Long> notOnce(Map<String, Long> counts) {
        Map<String, Long> wrong = new TreeMap<>();
        counts.forEach((address, count) -> {
            if (count != 1) {
                wrong.put(address, count);
            }
        });
        return wrong;
    }

    /** Waits until no journey job and no email is due, so a phase starts on quiet nodes. */
    private void awaitIdle(StageflowClient admin) {
        await("nothing due").atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500)).until(() ->
                admin.get("/engine-rest/job/count?executable=true").expectStatus(200).json().path("count").asLong() == 0
                        && database.count("select count(*) from sf_outbox where status in ('PENDING', 'DEFERRED',"
                                + " 'SENDING') and next_attempt_at <= current_timestamp(6)") == 0
                        && database.count("select count(*) from sf_event where status = 'PENDING'") == 0);
    }

    /** One figure: its line on the output and its row of the CSV file. */
    private void report(int n, String phase, int items, double seconds, String unit, Cpu from, Cpu to, String note) {
        double wall = (to.nanos - from.nanos) / 1e9;
        double db = from.dbTicks < 0 ? Double.NaN : cores(to.dbTicks - from.dbTicks, wall);
        double[] each = IntStream.range(0, from.nodeTicks.length)
                .mapToDouble(k -> cores(to.nodeTicks[k] - from.nodeTicks[k], wall)).toArray();
        double allNodes = Arrays.stream(each).sum();
        double client = (to.clientCpuNanos - from.clientCpuNanos) / 1e9 / wall;
        double machine = cores(to.machineBusyTicks - from.machineBusyTicks, wall);
        double other = machine - allNodes - client - (Double.isNaN(db) ? 0 : db);
        String perNode = Arrays.stream(each).mapToObj(c -> String.format(Locale.ROOT, "%.2f", c))
                .collect(Collectors.joining("+"));
        double rate = items == 0 ? 0 : items / seconds;
        System.out.printf(Locale.ROOT, "SCALEOUT nodes=%d %s: %d in %.1f s = %.1f %s | cpu over %.1f s: db %.2f cores,"
                        + " nodes %.2f cores (%s), client %.2f, machine %.2f of %d, other %.2f | %s%n",
                n, phase, items, seconds, rate, unit, wall, db, allNodes, perNode, client, machine,
                Runtime.getRuntime().availableProcessors(), other, note);
        csv.add(String.format(Locale.ROOT, "%d,%s,%d,%.2f,%.1f,%s,%.2f,%.3f,%.3f,%s,%.3f,%.3f,%.3f,%s", n, phase, items,
                seconds, rate, unit, wall, db, allNodes, perNode, client, machine, other, note.replace(',', ';')));
    }

    private void write() throws IOException {
        Path out = Path.of("target", "bench", "scale-out.csv");
        Files.createDirectories(out.getParent());
        Files.writeString(out, "nodes,phase,items,seconds,rate,unit,cpu_wall_s,db_cores,nodes_cores,"
                + "node_cores_each,client_cores,machine_cores,other_cores,note\n" + String.join("\n", csv) + "\n");
    }

    private static double cores(long ticks, double wallSeconds) {
        return ticks / (double) CLOCK_TICKS / wallSeconds;
    }

    /** CPU time so far, in clock ticks, of the nodes and the database server, and of the machine and this JVM. */
    private record Cpu(long nanos, long[] nodeTicks, long dbTicks, long clientCpuNanos, long machineBusyTicks) {

        static Cpu read(List<StageflowProcess> nodes, long dbPid) {
            long nanos = System.nanoTime();
            long[] each = nodes.stream().mapToLong(node -> processTicks(node.pid())).toArray();
            long db = dbPid < 0 ? -1 : processTicks(dbPid);
            long client = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getProcessCpuTime();
            return new Cpu(nanos, each, db, client, readMachineBusyTicks());
        }

        /** utime + stime of {@code /proc/<pid>/stat} (fields 14 and 15; the name in field 2 may hold spaces). */
        private static long processTicks(long pid) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The machine's busy time, all CPUs: the first line of {@code /proc/stat} without idle and iowait. */
        private static long readMachineBusyTicks() {
            try {
                String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).strip().split("\\s+");
                long busy = 0;
                // user nice system idle iowait irq softirq steal (guest time is counted in user already)
                for (int i = 1; i <= 8 && i < cpu.length; i++) {
                    busy += i == 4 || i == 5 ? 0 : Long.parseLong(cpu[i]);
                }
                return busy;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The MariaDB server's process id ({@code mariadbd}, or {@code mysqld} of older versions), or -1. */
    private static long databasePid() throws IOException, InterruptedException {
        for (String name : List.of("mariadbd", "mysqld")) {
            Process pgrep = new ProcessBuilder("pgrep", "-x", "-o", name).redirectErrorStream(true).start();
            String out = new String(pgrep.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
            if (pgrep.waitFor() == 0 && out.matches("\\d+")) {
                return Long.parseLong(out);
            }
        }
        return -1;
    }

    private static long clockTicks() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
            return getconf.waitFor() == 0 && out.matches("\\d+") ? Long.parseLong(out) : 100;
        } catch (IOException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
