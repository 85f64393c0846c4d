package io.stageflow.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.stageflow.support.Tallies;
import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.MimeParts;

import com.fasterxml.jackson.databind.JsonNode;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Open and click tracking over real SMTP and HTTP, with the welcome email: a person's open and click (a browser, a
 * minute after the send) are recorded once, become {@code email_opened} and {@code email_clicked} and count in the
 * message report; an Apple-proxy-like prefetch, a HEAD, a scanner and a click within seconds of the send are
 * machines', counted apart and never events; a burst of concurrent hits is recorded in full and counted once; a
 * tampered token, or a genuine token of another email or another link,
 * never redirects and records nothing; erasure removes the customer's tracking and their links stop working. The
 * shop link the text part marks with {@code $track.link} is the HTML part's tracked link, and a click on it counts.
 */
class TrackingTest extends IntegrationTest {

    private static final String BROWSER = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15"
            + " (KHTML, like Gecko) Version/17.5 Safari/605.1.15";
    private static final Pattern PIXEL = Pattern.compile("https://stageflow\\.test(/o/[^\"]+)\"");
    private static final Pattern TRACKED = Pattern.compile("href=\"https://stageflow\\.test(/c/[^\"]+)\"");
    private static final Pattern TRACKED_IN_TEXT = Pattern.compile("https://stageflow\\.test(/c/\\S+)");

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @Autowired
    Tallies tallies;

    @Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    @Autowired
    TrackingTokens tokens;

    @Autowired
    TrackingStore store;

    @Autowired
    ClickTargets clickTargets;

    @Autowired
    io.stageflow.security.LinkSigner signer;

    @Test
    void aPersonsOpenAndClickAreRecordedOnceAsEventsAndInTheMessageReport() throws Exception {
        Instant sent = Instant.parse("2038-06-07T10:00:00Z"); // no other test sends on this day
        Email email = signUp(sent);
        assertThat(email.html()).as("links to Stageflow itself keep their own route").contains("https://stageflow.test/u/");
        assertThat(email.clicks()).as("the button to the shop is tracked").isNotEmpty();
        ClockUtil.setCurrentTime(Date.from(sent.plusSeconds(120)));

        HttpResponse<byte[]> pixel = get(email.pixel(), BROWSER);
        assertThat(pixel.statusCode()).isEqualTo(200);
        assertThat(pixel.headers().firstValue("Content-Type")).hasValue("image/gif");
        assertThat(pixel.headers().firstValue("Cache-Control").orElse("")).contains("no-store");
        assertThat(pixel.body()).hasSize(42);
        assertThat(get(email.pixel(), BROWSER).statusCode()).isEqualTo(200); // a second open: counted, not unique
        HttpResponse<byte[]> click = get(email.clicks().get(0), BROWSER);
        assertThat(click.statusCode()).isEqualTo(302);
        assertThat(click.headers().firstValue("Location")).hasValue("https://shop.example.com");
        assertThat(get(email.clicks().get(0), BROWSER).statusCode()).isEqualTo(302);
        awaitSettled(email.customer());

        assertThat(hitCounts(email.customer())).containsExactly(2L, 0L, 2L, 0L);
        assertThat(events(email.customer(), "email_opened")).isEqualTo(1);
        assertThat(events(email.customer(), "email_clicked")).isEqualTo(1);
        String clicked = jdbc.sql("select properties from sf_event where customer_id = ? and type = 'email_clicked'")
                .param(email.customer()).query(String.class).single();
        assertThat(clicked).contains("\"url\":\"https://shop.example.com\"").contains("\"step\":\"SendWelcomeEmail\"");

        tallies.foldAll();
        JsonNode welcome = welcomeStepTotals(client().get(
                "/api/v1/analytics/messages?from=2038-06-07&to=2038-06-07&template=welcome").expectStatus(200).json());
        assertThat(welcome.path("sent").asLong()).isEqualTo(1);
        assertThat(welcome.path("uniqueOpens").asLong()).isEqualTo(1);
        assertThat(welcome.path("uniqueMachineOpens").asLong()).isZero();
        assertThat(welcome.path("uniqueClicks").asLong()).isEqualTo(1);
        assertThat(welcome.path("clickThroughRate").asDouble()).isEqualTo(1.0);
        assertThat(welcome.path("clickToOpenRate").asDouble()).isEqualTo(1.0);

        JsonNode export = client().get("/api/v1/customers/" + email.customer() + "/export").expectStatus(200).json();
        assertThat(export.at("/engagement/0/opens").asInt()).isEqualTo(2);
        assertThat(export.at("/engagement/0/links/0/url").asText()).isEqualTo("https://shop.example.com");
    }

    @Test
    void theTextPartsShopLinkIsTheHtmlPartsTrackedLinkAndAClickOnItCounts() throws Exception {
        Instant sent = Instant.parse("2038-06-12T10:00:00Z");
        Email email = signUp(sent);
        long outboxId = outboxOf(email);
        List<String> inText = new ArrayList<>();
        Matcher tracked = TRACKED_IN_TEXT.matcher(email.text());
        while (tracked.find()) {
            inText.add(tracked.group(1));
        }

        assertThat(email.text()).as("the layout's header and the body's link, both tracked")
                .startsWith("Stageflow Demo Shop - https://stageflow.test/c/")
                .contains("Start exploring: https://stageflow.test/c/")
                .doesNotContain("https://shop.example.com").contains("Unsubscribe: https://stageflow.test/u/");
        assertThat(inText).as("one index for the shop, shared with the HTML part").hasSize(2)
                .containsOnly(email.clicks().get(0)).containsOnly("/c/" + tokens.click(outboxId, 0));
        assertThat(jdbc.sql("select url from sf_tracked_link where outbox_id = ? order by link_index").param(outboxId)
                .query(String.class).list()).as("no link of its own for the text part")
                .hasSize(email.clicks().size()).containsOnly("https://shop.example.com");

        ClockUtil.setCurrentTime(Date.from(sent.plusSeconds(120)));
        HttpResponse<byte[]> click = get(inText.get(1), BROWSER);
        assertThat(click.statusCode()).isEqualTo(302);
        assertThat(click.headers().firstValue("Location")).hasValue("https://shop.example.com");
        awaitSettled(email.customer());
        assertThat(hitCounts(email.customer())).containsExactly(0L, 0L, 1L, 0L);
        assertThat(jdbc.sql("select link_index from sf_tracking_hit where outbox_id = ? and link_index is not null")
                .param(outboxId).query(Integer.class).list()).containsExactly(0);
        assertThat(events(email.customer(), "email_clicked")).isEqualTo(1);
    }

    @Test
    void proxiesScannersHeadRequestsAndInstantClicksAreMachinesNotPeople() throws Exception {
        Instant sent = Instant.parse("2038-06-08T10:00:00Z");
        Email email = signUp(sent);
        ClockUtil.setCurrentTime(Date.from(sent.plusSeconds(2)));
        assertThat(get(email.pixel(), "Mozilla/5.0").statusCode()).as("Apple's proxy").isEqualTo(200);
        assertThat(get(email.clicks().get(0), BROWSER).statusCode()).as("a click 2 s after the send").isEqualTo(302);
        ClockUtil.setCurrentTime(Date.from(sent.plusSeconds(600)));
        assertThat(get(email.pixel(), "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com"
                + " GoogleImageProxy)").statusCode()).isEqualTo(200);
        assertThat(send(HttpRequest.newBuilder(client().uri(email.clicks().get(0)))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).header("User-Agent", BROWSER)).statusCode())
                .isEqualTo(302);
        assertThat(get(email.clicks().get(0), "Mozilla/5.0 (compatible; Barracuda Sentinel)").statusCode())
                .isEqualTo(302);
        awaitSettled(email.customer());

        assertThat(jdbc.sql("select reason from sf_tracking_hit h join sf_tracked_email e on e.outbox_id = h.outbox_id"
                        + " where e.customer_id = ? order by h.id").param(email.customer()).query(String.class).list())
                .containsExactly("apple-proxy", "too-soon", "gmail-proxy", "head", "scanner");
        assertThat(hitCounts(email.customer())).containsExactly(0L, 2L, 0L, 3L);
        assertThat(events(email.customer(), "email_opened")).isZero();
        assertThat(events(email.customer(), "email_clicked")).isZero();
        tallies.foldAll();
        JsonNode welcome = welcomeStepTotals(client().get(
                "/api/v1/analytics/messages?from=2038-06-08&to=2038-06-08&template=welcome").expectStatus(200).json());
        assertThat(welcome.path("uniqueOpens").asLong()).isZero();
        assertThat(welcome.path("uniqueMachineOpens").asLong()).isEqualTo(1);
        assertThat(welcome.path("uniqueClicks").asLong()).isZero();
    }

    @Test
    void aTamperedOrForeignTokenNeverRedirectsAndRecordsNothing() throws Exception {
        Instant sent = Instant.parse("2038-06-09T10:00:00Z");
        Email a = signUp(sent);
        Email b = signUp(sent);
        ClockUtil.setCurrentTime(Date.from(sent.plusSeconds(300)));
        String genuine = a.clicks().get(0).substring("/c/".length());
        long outboxOfB = outboxOf(b);
        String signature = genuine.substring(genuine.lastIndexOf('.'));
        String payloadOfA = genuine.substring(0, genuine.lastIndexOf('.'));
        List<String> refused = List.of(
                "/c/" + payloadOfA + "." + flip(signature.substring(1)),                     // signature changed
                "/c/c" + Long.toString(outboxOfB, 36) + "-0" + signature,                     // A's signature, B's email
                "/c/" + payloadOfA.replaceFirst("-0$", "-1") + signature,                    // A's signature, another link
                "/c/" + tokens.click(outboxOfB, 7),                                          // genuine, no such link
                "/c/" + tokens.open(outboxOfB, java.time.Instant.now()),                      // an open token
                "/c/not-a-token",
                "/o/" + payloadOfA + signature);                                             // a click token as a pixel
        for (String path : refused) {
            HttpResponse<byte[]> response = get(path, BROWSER);
            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertThat(response.headers().firstValue("Location")).as(path).isEmpty();
        }
        assertThat(jdbc.sql("select count(*) from sf_tracking_hit where outbox_id = ?").param(outboxOfB)
                .query(Long.class).single()).isZero();
        assertThat(jdbc.sql("select count(*) from sf_tracked_email where outbox_id = ? and (first_open_at is not null"
                + " or first_machine_open_at is not null or first_click_at is not null)").param(outboxOfB)
                .query(Long.class).single()).isZero();
    }

    @Test
    void aBurstOfOpensAndClicksIsRecordedInFullAndCountedOnce() throws Exception {
        Instant sent = Instant.parse("2038-06-11T10:00:00Z");
        Email email = signUp(sent);
        ClockUtil.setCurrentTime(Date.from(sent.plusSeconds(300)));
        int requests = 60;
        java.util.concurrent.ExecutorService readers = java.util.concurrent.Executors.newFixedThreadPool(12);
        try {
            List<java.util.concurrent.Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                String path = i % 2 == 0 ? email.pixel() : email.clicks().get(0);
                answers.add(readers.submit(() -> get(path, BROWSER).statusCode()));
            }
            for (java.util.concurrent.Future<Integer> answer : answers) {
                assertThat(answer.get()).isIn(200, 302);
            }
        } finally {
            readers.shutdown();
        }
        awaitSettled(email.customer());

        assertThat(hitCounts(email.customer())).containsExactly(30L, 0L, 30L, 0L);
        JsonNode export = client().get("/api/v1/customers/" + email.customer() + "/export").expectStatus(200).json();
        assertThat(export.at("/engagement/0/opens").asInt()).isEqualTo(30);
        assertThat(export.at("/engagement/0/clicks").asInt()).isEqualTo(30);
        assertThat(jdbc.sql("select count(*) from sf_tracking_hit h join sf_tracked_email e on e.outbox_id = h.outbox_id"
                + " where e.customer_id = ?").param(email.customer()).query(Long.class).single()).isEqualTo(60);
        assertThat(events(email.customer(), "email_opened")).isEqualTo(1);
        assertThat(events(email.customer(), "email_clicked")).isEqualTo(1);
        tallies.foldAll();
        JsonNode welcome = welcomeStepTotals(client().get(
                "/api/v1/analytics/messages?from=2038-06-11&to=2038-06-11&template=welcome").expectStatus(200).json());
        assertThat(welcome.path("uniqueOpens").asLong()).isEqualTo(1);
        assertThat(welcome.path("uniqueClicks").asLong()).isEqualTo(1);
    }

    /**
     * As on a node that did not send the email: none of its links is in memory, so the writer reads where they lead,
     * once for the batch, and each click still goes exactly to its recorded URL and counts once.
     */
    @Test
    void clicksOnLinksNoNodeHoldsInMemoryAreReadWithTheirBatchAndRedirectExactly() throws Exception {
        Instant sent = Instant.parse("2038-06-12T10:00:00Z");
        Email email = signUp(sent);
        long outboxId = outboxOf(email);
        clickTargets.forget(List.of(outboxId));
        ClockUtil.setCurrentTime(Date.from(sent.plusSeconds(300)));
        List<String> recorded = jdbc.sql("select url from sf_tracked_link where outbox_id = ? order by link_index")
                .param(outboxId).query(String.class).list();
        assertThat(email.clicks()).hasSameSizeAs(recorded).hasSizeGreaterThan(1);
        java.util.concurrent.ExecutorService clickers = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<HttpResponse<byte[]>>> answers = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                String path = email.clicks().get(i % email.clicks().size());
                answers.add(clickers.submit(() -> get(path, BROWSER)));
            }
            for (int i = 0; i < answers.size(); i++) {
                HttpResponse<byte[]> answer = answers.get(i).get();
                assertThat(answer.statusCode()).isEqualTo(302);
                assertThat(answer.headers().firstValue("Location")).contains(recorded.get(i % recorded.size()));
            }
        } finally {
            clickers.shutdown();
        }
        awaitSettled(email.customer());
        assertThat(hitCounts(email.customer())).containsExactly(0L, 0L, 16L, 0L);
        assertThat(events(email.customer(), "email_clicked")).isEqualTo(recorded.size());
    }

    /**
     * A later batch that clicks the same email again: a link clicked before is not a first again, and another of its
     * links is (the writer reads which links were clicked before only for an email already clicked).
     */
    @Test
    void eachLinkIsAFirstClickOnceAcrossBatches() throws Exception {
        Instant sent = Instant.parse("2038-06-14T10:00:00Z");
        Email email = signUp(sent);
        long outboxId = outboxOf(email);
        assertThat(email.clicks()).hasSizeGreaterThan(1);
        ClockUtil.setCurrentTime(Date.from(sent.plusSeconds(300)));
        assertThat(get(email.clicks().get(0), BROWSER).statusCode()).isEqualTo(302);
        awaitSettled(email.customer());
        Timestamp firstClick = jdbc.sql("select first_click_at from sf_tracked_email where outbox_id = ?")
                .param(outboxId).query(Timestamp.class).single();
        assertThat(events(email.customer(), "email_clicked")).isEqualTo(1);

        ClockUtil.setCurrentTime(Date.from(sent.plusSeconds(600)));
        assertThat(get(email.clicks().get(0), BROWSER).statusCode()).isEqualTo(302);
        assertThat(get(email.clicks().get(1), BROWSER).statusCode()).isEqualTo(302);
        awaitSettled(email.customer());

        assertThat(hitCounts(email.customer())).containsExactly(0L, 0L, 3L, 0L);
        assertThat(events(email.customer(), "email_clicked")).isEqualTo(2);
        assertThat(jdbc.sql("select first_click_at from sf_tracked_email where outbox_id = ?").param(outboxId)
                .query(Timestamp.class).single()).as("the email's first click stays the first").isEqualTo(firstClick);
        assertThat(jdbc.sql("select clicked_links from sf_tracked_email where outbox_id = ?").param(outboxId)
                .query(Long.class).single()).as("links 0 and 1 clicked, as bits of the email's row").isEqualTo(0b11L);
    }

    /**
     * An email's links 0 to 62 keep their first click by a person in the email's row, and links after those in their
     * own rows: either way each link's first click is one {@code email_clicked} event, and the export says which
     * links were clicked.
     */
    @Test
    void linksPastTheSixtyThirdOfAnEmailKeepTheirFirstClickInTheirOwnRows() throws Exception {
        Instant sent = Instant.parse("2038-06-15T10:00:00Z");
        ClockUtil.setCurrentTime(Date.from(sent));
        String customer = "track-" + UUID.randomUUID().toString().substring(0, 8);
        client().signUp(customer, customer + "@example.com", "Ada");
        awaitSettled(customer);
        long outboxId = jdbc.sql("select max(outbox_id) from sf_tracked_email").query(Long.class).single() + 1_000_000;
        List<String> urls = java.util.stream.IntStream.range(0, 70).mapToObj(i -> "https://shop.example/item/" + i)
                .toList();
        store.recordSends(List.of(new io.stageflow.delivery.EmailTracking.Tracked(
                new io.stageflow.delivery.EmailTracking.SentEmail(outboxId, customer, "catalogue", null, null, true), null,
                urls, true, sent)));
        ClockUtil.setCurrentTime(Date.from(sent.plusSeconds(300)));
        for (int link : new int[] {2, 65, 2, 65, 66, 62}) {
            HttpResponse<byte[]> click = get(TrackingRoutes.CLICK + tokens.click(outboxId, link), BROWSER);
            assertThat(click.statusCode()).isEqualTo(302);
            assertThat(click.headers().firstValue("Location")).hasValue(urls.get(link));
        }
        awaitSettled(customer);

        assertThat(jdbc.sql("select properties from sf_event where customer_id = ? and type = 'email_clicked'")
                .param(customer).query(String.class).list()).as("one event per link's first click")
                .hasSize(4).allSatisfy(properties -> assertThat(properties).contains("\"outboxId\":" + outboxId));
        assertThat(jdbc.sql("select clicked_links from sf_tracked_email where outbox_id = ?").param(outboxId)
                .query(Long.class).single()).isEqualTo(1L << 2 | 1L << 62);
        assertThat(jdbc.sql("select link_index from sf_tracked_link where outbox_id = ? and first_click_at is not null"
                + " order by link_index").param(outboxId).query(Integer.class).list()).containsExactly(65, 66);
        Map<String, Object> exported = store.export(customer).stream()
                .filter(email -> email.get("outboxId").equals(outboxId)).findFirst().orElseThrow();
        List<Object> clickedIndexes = ((List<?>) exported.get("links")).stream().map(link -> (Map<?, ?>) link)
                .filter(link -> Boolean.TRUE.equals(link.get("clicked"))).map(link -> link.get("index"))
                .map(Object.class::cast).toList();
        assertThat((List<?>) exported.get("links")).hasSize(70);
        assertThat(clickedIndexes).containsExactly(2, 62, 65, 66);
        assertThat(exported.get("clicks")).isEqualTo(6);
    }

    @Test
    void erasureRemovesTheCustomersTrackingAndTheirLinksStopWorking() throws Exception {
        Instant sent = Instant.parse("2038-06-10T10:00:00Z");
        Email email = signUp(sent);
        ClockUtil.setCurrentTime(Date.from(sent.plusSeconds(300)));
        assertThat(get(email.clicks().get(0), BROWSER).statusCode()).isEqualTo(302);
        long outboxId = outboxOf(email);
        awaitSettled(email.customer());

        client().delete("/api/v1/customers/" + email.customer()).expectStatus(204);

        for (String table : List.of("sf_tracked_email", "sf_tracked_link", "sf_tracking_hit")) {
            assertThat(jdbc.sql("select count(*) from " + table + " where outbox_id = ?").param(outboxId)
                    .query(Long.class).single()).as(table).isZero();
        }
        assertThat(get(email.clicks().get(0), BROWSER).statusCode()).isEqualTo(404);
        // The pixel carries its send time and is answered without a read; the open of an erased email is dropped.
        assertThat(get(email.pixel(), BROWSER).statusCode()).isEqualTo(200);
        assertThat(jdbc.sql("select count(*) from sf_tracking_hit where outbox_id = ?").param(outboxId)
                .query(Long.class).single()).isZero();
        assertThat(jdbc.sql("select count(*) from sf_tracked_email where outbox_id = ?").param(outboxId)
                .query(Long.class).single()).isZero();
    }

    /** Emails sent before pixels carried their send time have the older token: it is read from the database. */
    @Test
    void aPixelMadeBeforeItCarriedTheSendTimeStillCounts() throws Exception {
        Instant sent = Instant.parse("2038-06-12T10:00:00Z");
        Email email = signUp(sent);
        long outboxId = outboxOf(email);
        ClockUtil.setCurrentTime(Date.from(sent.plusSeconds(120)));

        assertThat(get("/o/" + signer.sign("o" + Long.toString(outboxId, 36)), BROWSER).statusCode()).isEqualTo(200);
        assertThat(get("/o/" + signer.sign("o" + Long.toString(outboxId + 1_000_000, 36)), BROWSER).statusCode())
                .as("no such email").isEqualTo(404);
        awaitSettled(email.customer());
        assertThat(hitCounts(email.customer())).containsExactly(1L, 0L, 0L, 0L);
        assertThat(events(email.customer(), "email_opened")).isEqualTo(1);
    }

    /**
     * Opens and clicks keep coming while the customer is erased: each batch locks the emails as the erasure does, in
     * the same order, so neither waits on the other in a circle; no request fails, and nothing of them is left.
     */
    @Test
    void anErasureInTheMiddleOfABurstLeavesNothingAndFailsNoRequest() throws Exception {
        Instant sent = Instant.parse("2038-06-13T10:00:00Z");
        Email email = signUp(sent);
        long outboxId = outboxOf(email);
        ClockUtil.setCurrentTime(Date.from(sent.plusSeconds(300)));
        java.util.concurrent.ExecutorService readers = java.util.concurrent.Executors.newFixedThreadPool(8);
        List<java.util.concurrent.Future<Integer>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < 200; i++) {
                String path = i % 2 == 0 ? email.pixel() : email.clicks().get(0);
                answers.add(readers.submit(() -> get(path, BROWSER).statusCode()));
                if (i == 80) {
                    client().delete("/api/v1/customers/" + email.customer()).expectStatus(204);
                }
            }
            for (java.util.concurrent.Future<Integer> answer : answers) {
                assertThat(answer.get()).isIn(200, 302, 404);
            }
        } finally {
            readers.shutdown();
        }
        for (String table : List.of("sf_tracked_email", "sf_tracked_link", "sf_tracking_hit")) {
            assertThat(jdbc.sql("select count(*) from " + table + " where outbox_id = ?").param(outboxId)
                    .query(Long.class).single()).as(table).isZero();
        }
    }

    private Email signUp(Instant at) throws Exception {
        ClockUtil.setCurrentTime(Date.from(at));
        String id = "track-" + UUID.randomUUID().toString().substring(0, 8);
        client().signUp(id, id + "@example.com", "Ada");
        MimeParts parts = MimeParts.of(awaitMail(id + "@example.com", 1).get(0));
        String html = parts.html();
        awaitSettled(id);
        Matcher pixel = PIXEL.matcher(html);
        assertThat(pixel.find()).as("the open pixel").isTrue();
        List<String> clicks = new ArrayList<>();
        Matcher tracked = TRACKED.matcher(html);
        while (tracked.find()) {
            clicks.add(tracked.group(1));
        }
        return new Email(id, html, parts.text(), pixel.group(1), clicks);
    }

    private long events(String customer, String type) {
        return jdbc.sql("select count(*) from sf_event where customer_id = ? and type = ?").params(customer, type)
                .query(Long.class).single();
    }

    @Test
    void theRoutesAreMeasuredByTheirPatternAndAnswerOnlyTheirMethods() throws Exception {
        HttpResponse<byte[]> unknownPixel = get("/o/not-a-signed-token", BROWSER);
        assertThat(unknownPixel.statusCode()).isEqualTo(404);
        assertThat(unknownPixel.headers().firstValue("Cache-Control").orElse("")).contains("no-store");
        HttpResponse<byte[]> unknownLink = get("/c/not-a-signed-token", BROWSER);
        assertThat(unknownLink.statusCode()).isEqualTo(404);
        assertThat(unknownLink.headers().firstValue("Content-Type")).hasValue("text/html;charset=UTF-8");
        assertThat(new String(unknownLink.body(), java.nio.charset.StandardCharsets.UTF_8)).contains("Link not found");
        assertThat(unknownLink.headers().firstValue("Location")).isEmpty();
        // The routes' own short security chain still writes the console's headers, and makes no session.
        assertThat(unknownLink.headers().firstValue("Content-Security-Policy")).hasValue(
                io.stageflow.web.ConsolePaths.CONTENT_SECURITY_POLICY);
        assertThat(unknownLink.headers().firstValue("Referrer-Policy")).hasValue("same-origin");
        assertThat(unknownLink.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(unknownLink.headers().firstValue("Set-Cookie")).isEmpty();

        // Requests are timed under the route's pattern: one series per route, not one per token.
        assertThat(meters.find("http.server.requests").tag("uri", "/o/{token}").timer()).isNotNull();
        assertThat(meters.find("http.server.requests").tag("uri", "/c/{token}").timer()).isNotNull();
        assertThat(meters.find("http.server.requests").timers())
                .extracting(timer -> timer.getId().getTag("uri"))
                .noneMatch(uri -> uri != null && uri.contains("not-a-signed-token"));

        // Only GET (and HEAD for a link) get through: the security chain refuses anything else before the route does.
        assertThat(send(HttpRequest.newBuilder(client().uri("/o/not-a-signed-token"))
                .POST(HttpRequest.BodyPublishers.noBody())).statusCode()).isEqualTo(403);
        assertThat(send(HttpRequest.newBuilder(client().uri("/c/not-a-signed-token"))
                .PUT(HttpRequest.BodyPublishers.noBody())).statusCode()).isEqualTo(403);
        assertThat(send(HttpRequest.newBuilder(client().uri("/c/not-a-signed-token"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())).statusCode()).isEqualTo(404);
    }

    private HttpResponse<byte[]> get(String path, String userAgent) throws Exception {
        return send(HttpRequest.newBuilder(client().uri(path)).header("User-Agent", userAgent).GET());
    }

    private HttpResponse<byte[]> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String flip(String signature) {
        char first = signature.charAt(0);
        return (first == 'A' ? 'B' : 'A') + signature.substring(1);
    }

    private record Email(String customer, String html, String text, String pixel, List<String> clicks) {
    }

    /** The outbox row of the one tracked email the customer got (the welcome email). */
    private long outboxOf(Email email) {
        return jdbc.sql("select outbox_id from sf_tracked_email where customer_id = ?").param(email.customer())
                .query(Long.class).single();
    }

    /** The customer's opens by people, by machines, clicks by people, by machines: counted from their hits. */
    private List<Long> hitCounts(String customerId) {
        String count = "select count(*) from sf_tracking_hit h join sf_tracked_email e on e.outbox_id = h.outbox_id"
                + " where e.customer_id = ? and h.kind = ? and h.machine = ?";
        return List.of(
                jdbc.sql(count).params(customerId, "OPEN", false).query(Long.class).single(),
                jdbc.sql(count).params(customerId, "OPEN", true).query(Long.class).single(),
                jdbc.sql(count).params(customerId, "CLICK", false).query(Long.class).single(),
                jdbc.sql(count).params(customerId, "CLICK", true).query(Long.class).single());
    }
}
