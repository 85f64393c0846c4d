package io.stageflow.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import com.icegreen.greenmail.util.GreenMail;

import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Unsubscribe under load (issue 20, scenario 6): customers are mailed on a short loop (a test journey, {@code
 * mail-loop}: one marketing email per round, a few seconds apart) over SMTP to GreenMail, and while the rounds go
 * out, parallel clients act on the links the emails really carry ({@code List-Unsubscribe}, read from the received
 * messages; the test makes no token of its own):
 * <ul>
 * <li>one-click unsubscribes (RFC 8058: a POST of {@code List-Unsubscribe=One-Click} to the link), each after a
 * link scanner's GET of the same link, as mail security gateways do before the person clicks;</li>
 * <li>link scanners alone, for other customers: a GET of the link and of the preference page it leads to, which
 * must unsubscribe no one;</li>
 * <li>tampered links, for others again: one character of the token flipped, posted and opened, which must be
 * refused with a 4xx and unsubscribe no one.</li>
 * </ul>
 * Each client acts right after its customer's mailbox got a given round (spread over the run), so the requests fall
 * while rounds for everyone are queued and delivered. For each unsubscribe the test counts the customer's mailbox
 * right after the response; at the end, at most one more email may have reached it (the one a delivery lane may
 * already have been handing to the mail server when the unsubscribe committed), every later round is
 * {@code suppressed} in the message log, and everyone else got every round once. On MariaDB
 * {@code -Dstageflow.test.unsubscribe.nodes=2} runs two nodes on the database and alternates the requests between
 * them (one by default: a second start doubles the start-up time).
 * The issue's sizes: {@code -Dstageflow.test.unsubscribe.customers=1000 -Dstageflow.test.unsubscribe.unsubscribes=200}.
 */
@ExtendWith(PrintLogsOnFailure.class)
class UnsubscribeUnderLoadIT implements PrintLogsOnFailure.RunsNodes {

    private static final int CUSTOMERS = Integer.getInteger("stageflow.test.unsubscribe.customers", 120);
    private static final int UNSUBSCRIBES = Integer.getInteger("stageflow.test.unsubscribe.unsubscribes", 24);
    private static final int SCANNED = Integer.getInteger("stageflow.test.unsubscribe.scanned", UNSUBSCRIBES);
    private static final int TAMPERED = Integer.getInteger("stageflow.test.unsubscribe.tampered", UNSUBSCRIBES);
    private static final int ROUNDS = Integer.getInteger("stageflow.test.unsubscribe.rounds", 5);
    private static final Duration INTERVAL = Duration.parse(System.getProperty("stageflow.test.unsubscribe.interval",
            "PT3S"));
    /** Threads that send the clients' requests. */
    private static final int CLIENTS = Integer.getInteger("stageflow.test.unsubscribe.clients", 16);
    private static final String TEMPLATE = "mail-loop";
    private static final Duration RUN_PATIENCE = Duration.ofMinutes(4);
    private static final Duration SETTLE_PATIENCE = Duration.ofMinutes(3);
    /** What a mail client posts for one-click unsubscribe (RFC 8058), and what the email's header must announce. */
    private static final String ONE_CLICK = "List-Unsubscribe=One-Click";

    private final CrashDatabase database = CrashDatabase.fromSystemProperties();
    private final int nodeCount = Integer.getInteger("stageflow.test.unsubscribe.nodes", 1);
    private final List<StageflowProcess> nodes = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Override
    public List<StageflowProcess> nodes() {
        return nodes;
    }

    /** What a client does with one customer's link. */
    enum Kind { UNSUBSCRIBE, SCAN, TAMPER }

    /** One client's part: what it does with which customer's link, once the mailbox holds that many emails. */
    record Action(Kind kind, String customerId, int afterEmails, int index) {
    }

    /**
     * What came of it: the HTTP statuses in the order sent, the customer's mailbox just before the last request and
     * just after its response, and all mailboxes together at that response.
     */
    record Outcome(Action action, List<Integer> statuses, boolean confirmationPageShown, int mailboxBefore,
            int mailboxAtResponse, int allMailboxesAtResponse) {
    }

    @Test
    void noEmailAfterAnUnsubscribeResponseBeyondTheOneInTheMailServersHands() throws Exception {
        assertThat(UNSUBSCRIBES + SCANNED + TAMPERED).as("customers acted on").isLessThanOrEqualTo(CUSTOMERS);
        assertThat(ROUNDS).as("rounds: an unsubscribe needs two rounds after it").isGreaterThanOrEqualTo(3);
        Path fixtures = CrashFixtures.write("unsubscribe", database, TEMPLATE,
                Map.of("@ROUNDS@", Integer.toString(ROUNDS), "@INTERVAL@", INTERVAL.toString()));
        GreenMail greenMail = CrashMailServer.started();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try {
            Map<String, String> settings = new LinkedHashMap<>();
            settings.put("stageflow.delivery.transport", "smtp");
            settings.put("spring.mail.host", "127.0.0.1");
            settings.put("spring.mail.port", Integer.toString(greenMail.getSmtp().getPort()));
            settings.put("spring.mail.properties.mail.smtp.auth", "false");
            settings.put("spring.mail.properties.mail.smtp.starttls.enable", "false");
            settings.put("stageflow.journeys.dir", fixtures.resolve("bpmn").toString());
            settings.put("stageflow.templates.dir", fixtures.resolve("templates").toString());
            // Every round is a marketing email (only those carry List-Unsubscribe and are suppressed by it): the
            // frequency cap (1 a day, 3 a week) would hold back all but the first.
            settings.put("stageflow.delivery.pacing.marketing-per-day", "1000000");
            settings.put("stageflow.delivery.pacing.marketing-per-week", "1000000");
            nodes.add(StageflowProcess.prepare("unsubscribe-a", database, settings));
            for (int n = 1; n < nodeCount; n++) {
                nodes.add(StageflowProcess.join("unsubscribe-" + (char) ('a' + n), database, settings));
            }
            nodes.forEach(StageflowProcess::start);
            StageflowProcess first = nodes.get(0);

            List<String> customers = CrashCustomers.ids("unsub", CUSTOMERS);
            List<String> shuffled = new ArrayList<>(customers);
            Collections.shuffle(shuffled, new Random(6));
            List<String> unsubscribing = shuffled.subList(0, UNSUBSCRIBES);
            List<String> scanned = shuffled.subList(UNSUBSCRIBES, UNSUBSCRIBES + SCANNED);
            List<String> tampered = shuffled.subList(UNSUBSCRIBES + SCANNED, UNSUBSCRIBES + SCANNED + TAMPERED);
            List<Action> actions = actions(unsubscribing, scanned, tampered);

            CrashCustomers.create(first.admin(), customers);
            CrashCustomers.signUp(first.admin(), customers);
            Mailboxes mailboxes = new Mailboxes(greenMail);
            List<Outcome> outcomes = run(actions, mailboxes, clients);

            Map<String, List<MessageLog.Row>> log = MessageLog.awaitSettled(first.admin(), customers, TEMPLATE, ROUNDS,
                    SETTLE_PATIENCE);
            long running = await("every mail-loop journey ended").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500)).until(() -> first.admin()
                            .get("/engine-rest/process-instance/count?processDefinitionKey=" + TEMPLATE)
                            .expectStatus(200).json().path("count").asLong(), count -> count == 0);
            long incidents = first.admin().get("/engine-rest/incident/count").expectStatus(200).json().path("count")
                    .asLong();
            check(customers, outcomes, log, mailboxes, running, incidents);
        } finally {
            clients.shutdownNow();
            greenMail.stop();
        }
    }

    /**
     * Each client's part, spread over the run: the {@code i}-th customer of a group acts after their round
     * {@code 1 + i % (ROUNDS - 2)}, so at least two rounds of theirs are still to come.
     */
    private static List<Action> actions(List<String> unsubscribing, List<String> scanned, List<String> tampered) {
        List<Action> actions = new ArrayList<>();
        Map<Kind, List<String>> groups = new LinkedHashMap<>();
        groups.put(Kind.UNSUBSCRIBE, unsubscribing);
        groups.put(Kind.SCAN, scanned);
        groups.put(Kind.TAMPER, tampered);
        groups.forEach((kind, ids) -> {
            for (int i = 0; i < ids.size(); i++) {
                actions.add(new Action(kind, ids.get(i), 1 + i % (ROUNDS - 2), i));
            }
        });
        actions.sort(Comparator.comparingInt(Action::afterEmails));
        return actions;
    }

    /**
     * Hands each action to the clients as soon as its customer's mailbox has the round it waits for, and collects
     * what came of them all.
     */
    private List<Outcome> run(List<Action> actions, Mailboxes mailboxes, ExecutorService clients)
            throws InterruptedException {
        List<Action> waiting = new ArrayList<>(actions);
        List<Future<Outcome>> started = new ArrayList<>();
        await("every client's round delivered").atMost(RUN_PATIENCE).pollInterval(Duration.ofMillis(20))
                .pollInSameThread().until(() -> {
                    for (var it = waiting.iterator(); it.hasNext(); ) {
                        Action action = it.next();
                        if (mailboxes.count(CrashCustomers.email(action.customerId())) >= action.afterEmails()) {
                            it.remove();
                            started.add(clients.submit(() -> act(action, mailboxes)));
                        }
                    }
                    return waiting.isEmpty();
                });
        List<Outcome> outcomes = new ArrayList<>();
        long deadline = System.nanoTime() + RUN_PATIENCE.toNanos();
        for (Future<Outcome> outcome : started) {
            try {
                outcomes.add(outcome.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (ExecutionException e) {
                throw new AssertionError("A client failed: " + e.getCause(), e.getCause());
            } catch (TimeoutException e) {
                throw new AssertionError("A client did not finish within " + RUN_PATIENCE, e);
            }
        }
        return outcomes;
    }

    /** One client's requests, on the node its turn falls to, with the link of the customer's latest email. */
    private Outcome act(Action action, Mailboxes mailboxes) {
        String email = CrashCustomers.email(action.customerId());
        List<MimeMessage> received = mailboxes.messages(email);
        Mailboxes.OneClick link = Mailboxes.oneClick(received.get(received.size() - 1));
        assertThat(link.post()).as("List-Unsubscribe-Post of %s's email", action.customerId()).isEqualTo(ONE_CLICK);
        StageflowProcess node = nodes.get(action.index() % nodes.size());
        List<Integer> statuses = new ArrayList<>();
        return switch (action.kind()) {
            case UNSUBSCRIBE -> {
                HttpResponse<String> scan = send(node, link.path(), null);
                statuses.add(scan.statusCode());
                int before = mailboxes.count(email);
                statuses.add(send(node, link.path(), ONE_CLICK).statusCode());
                yield new Outcome(action, statuses, confirmationPage(scan), before, mailboxes.count(email),
                        mailboxes.total());
            }
            case SCAN -> {
                HttpResponse<String> scan = send(node, link.path(), null);
                statuses.add(scan.statusCode());
                int before = mailboxes.count(email);
                statuses.add(send(node, link.path() + "/preferences", null).statusCode());
                yield new Outcome(action, statuses, confirmationPage(scan), before, mailboxes.count(email),
                        mailboxes.total());
            }
            case TAMPER -> {
                String tamperedPath = tamper(link.path(), action.index());
                int before = mailboxes.count(email);
                statuses.add(send(node, tamperedPath, ONE_CLICK).statusCode());
                statuses.add(send(node, tamperedPath, null).statusCode());
                yield new Outcome(action, statuses, false, before, mailboxes.count(email), mailboxes.total());
            }
        };
    }

    /**
     * The link with one character of its token flipped: in the signature (after the last dot) for even
     * {@code index}, in the signed address hash (the token's start) for odd; never a last character, whose low
     * bits Base64 may ignore.
     */
    static String tamper(String path, int index) {
        int tokenStart = path.lastIndexOf('/') + 1;
        int signature = path.lastIndexOf('.') + 1;
        int at = index % 2 == 0 ? signature + (path.length() - signature) / 2 : tokenStart + 2;
        char flipped = path.charAt(at) == 'A' ? 'B' : 'A';
        String tampered = path.substring(0, at) + flipped + path.substring(at + 1);
        assertThat(tampered).isNotEqualTo(path);
        return tampered;
    }

    /** A GET, or a form POST of {@code form}, without credentials, as a mail client or a scanner sends it. */
    private HttpResponse<String> send(StageflowProcess node, String path, String form) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(node.baseUrl() + path))
                .timeout(Duration.ofSeconds(30));
        if (form == null) {
            request.GET();
        } else {
            request.header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form, StandardCharsets.UTF_8));
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The page a GET shows: a question and a button that posts, nothing done yet. */
    private static boolean confirmationPage(HttpResponse<String> response) {
        return response.statusCode() == 200 && response.body().contains("<form method=\"post\">");
    }

    private void check(List<String> customers, List<Outcome> outcomes, Map<String, List<MessageLog.Row>> log,
            Mailboxes mailboxes, long running, long incidents) {
        Map<String, Outcome> byCustomer = outcomes.stream()
                .collect(Collectors.toMap(o -> o.action().customerId(), o -> o));
        Predicate<String> unsubscribed = id -> byCustomer.containsKey(id)
                && byCustomer.get(id).action().kind() == Kind.UNSUBSCRIBE;
        Map<String, Integer> received = new LinkedHashMap<>();
        Map<String, Integer> timesReceived = new HashMap<>();
        for (String id : customers) {
            List<MimeMessage> messages = mailboxes.messages(CrashCustomers.email(id));
            received.put(id, messages.size());
            messages.forEach(message -> timesReceived.merge(Mailboxes.messageId(message), 1, Integer::sum));
        }
        List<String> duplicated = timesReceived.entrySet().stream().filter(e -> e.getValue() > 1)
                .map(Map.Entry::getKey).toList();
        List<Outcome> unsubscribes = outcomes.stream().filter(o -> o.action().kind() == Kind.UNSUBSCRIBE).toList();
        List<Outcome> scans = outcomes.stream().filter(o -> o.action().kind() == Kind.SCAN).toList();
        List<Outcome> tampers = outcomes.stream().filter(o -> o.action().kind() == Kind.TAMPER).toList();
        Map<String, Integer> afterResponse = new LinkedHashMap<>();
        unsubscribes.forEach(o -> afterResponse.put(o.action().customerId(),
                received.get(o.action().customerId()) - o.mailboxAtResponse()));
        int afterTotal = afterResponse.values().stream().mapToInt(Integer::intValue).sum();
        int afterMax = afterResponse.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        int afterRequestTotal = unsubscribes.stream()
                .mapToInt(o -> received.get(o.action().customerId()) - o.mailboxBefore()).sum();
        int firstResponse = unsubscribes.stream().mapToInt(Outcome::allMailboxesAtResponse).min().orElse(0);
        int lastResponse = unsubscribes.stream().mapToInt(Outcome::allMailboxesAtResponse).max().orElse(0);
        List<String> keptReceiving = customers.stream().filter(unsubscribed.negate()).toList();
        List<String> lost = keptReceiving.stream().filter(id -> received.get(id) < ROUNDS).toList();
        long suppressedRows = MessageLog.tally(log).getOrDefault("suppressed", 0L);
        int totalEmails = received.values().stream().mapToInt(Integer::intValue).sum();

        System.out.printf("CLUSTER unsubscribe %s: nodes=%d customers=%d rounds=%d interval=%s emails=%d"
                        + " unsubscribed=%d (POST %s) scanned=%d (GET %s) tampered=%d (POST+GET %s)"
                        + " delivered-to-all-during-the-unsubscribes=%d after-unsubscribe-response=%d (max per customer"
                        + " %d; after the request was sent: %d) later-rounds-suppressed=%d lost=%d duplicates=%d"
                        + " incidents=%d message-log=%s%n",
                database.label(), nodes.size(), CUSTOMERS, ROUNDS, INTERVAL, totalEmails, unsubscribes.size(),
                statusTally(unsubscribes, 1), scans.size(), statusTally(scans, 0), tampers.size(),
                statusTally(tampers, -1), lastResponse - firstResponse, afterTotal, afterMax, afterRequestTotal,
                suppressedRows, lost.size(), duplicated.size(), incidents, MessageLog.tally(log));

        List<String> unsettled = customers.stream().filter(id -> !MessageLog.settled(log.get(id), ROUNDS)).toList();
        assertThat(unsettled).as("customers whose %d rounds have not all come to an end (message log: %s)", ROUNDS,
                some(unsettled, log)).isEmpty();
        assertThat(outcomes).as("clients that acted").hasSize(UNSUBSCRIBES + SCANNED + TAMPERED);

        // The requests themselves.
        assertThat(unsubscribes).as("one-click POSTs answered 200 (after a scanner's GET of the same link, 200 with"
                + " the confirmation page)").allSatisfy(o -> {
                    assertThat(o.statuses()).as("%s", o.action()).containsExactly(200, 200);
                    assertThat(o.confirmationPageShown()).as("GET of %s's link shows a page asking to confirm",
                            o.action().customerId()).isTrue();
                });
        assertThat(scans).as("scanners' GETs of the link and of the preference page").allSatisfy(o -> {
            assertThat(o.statuses()).as("%s", o.action()).containsExactly(200, 200);
            assertThat(o.confirmationPageShown()).as("GET of %s's link", o.action().customerId()).isTrue();
        });
        assertThat(tampers).as("tampered links, posted and opened, refused with a 4xx").allSatisfy(o ->
                assertThat(o.statuses()).as("%s", o.action()).hasSize(2).allMatch(s -> s >= 400 && s < 500));
        assertThat(lastResponse - firstResponse).as("emails delivered to anyone while the unsubscribes went on")
                .isPositive();

        // (a) At most the one email a lane may already have been handing over when the unsubscribe committed.
        Map<String, Integer> beyondBound = afterResponse.entrySet().stream().filter(e -> e.getValue() > 1)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertThat(beyondBound).as("unsubscribed customers with more than one email after the unsubscribe's response"
                + " (emails after it)").isEmpty();
        // (b) Their later rounds are suppressed in the message log; what was sent is what their mailbox got.
        for (Outcome o : unsubscribes) {
            String id = o.action().customerId();
            List<MessageLog.Row> rows = log.get(id);
            assertThat(o.mailboxAtResponse()).as("%s's emails when the unsubscribe was answered: mid-run", id)
                    .isLessThan(ROUNDS);
            assertThat(MessageLog.count(rows, "sent")).as("%s's sent rows: the emails their mailbox got (%s)", id, rows)
                    .isEqualTo(received.get(id).longValue());
            assertThat(rows).as("%s's rows other than sent: suppressed as unsubscribed", id)
                    .filteredOn(row -> !row.status().equals("sent")).allSatisfy(row -> {
                        assertThat(row.status()).isEqualTo("suppressed");
                        assertThat(row.reason()).contains("unsubscribed");
                    });
            assertThat(MessageLog.count(rows, "suppressed")).as("%s's suppressed rounds: every round not in the"
                    + " mailbox at the response, but the one that may have been in the mail server's hands", id)
                    .isGreaterThanOrEqualTo(ROUNDS - o.mailboxAtResponse() - 1L);
        }
        // (c) Scanned, tampered and untouched customers got every round, each sent.
        List<String> notAllRounds = keptReceiving.stream().filter(id -> received.get(id) != ROUNDS
                || MessageLog.count(log.get(id), "sent") != ROUNDS).toList();
        assertThat(notAllRounds).as("customers not unsubscribed (scanned: %d, tampered: %d) without every round"
                + " received and sent (message log: %s)", SCANNED, TAMPERED, some(notAllRounds, log)).isEmpty();
        // (d) No email twice.
        assertThat(duplicated).as("Message-IDs received more than once").isEmpty();
        // (e) Every journey ran to its end, none stuck on an incident.
        assertThat(running).as("mail-loop journeys still running").isZero();
        assertThat(incidents).as("journey incidents").isZero();
    }

    /** The statuses of the {@code position}-th request of each outcome (-1: all), e.g. {@code 40x200}. */
    private static String statusTally(List<Outcome> outcomes, int position) {
        Map<Integer, Long> tally = outcomes.stream()
                .flatMap(o -> position < 0 ? o.statuses().stream() : o.statuses().stream().skip(position).limit(1))
                .collect(Collectors.groupingBy(s -> s, LinkedHashMap::new, Collectors.counting()));
        return tally.entrySet().stream().map(e -> e.getValue() + "x" + e.getKey()).collect(Collectors.joining(","));
    }

    private static Map<String, List<MessageLog.Row>> some(List<String> ids, Map<String, List<MessageLog.Row>> log) {
        Map<String, List<MessageLog.Row>> shown = new LinkedHashMap<>();
        ids.stream().limit(10).forEach(id -> shown.put(id, log.get(id)));
        return shown;
    }
}
