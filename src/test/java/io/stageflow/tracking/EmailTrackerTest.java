package io.stageflow.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import io.stageflow.delivery.EmailTracking.SentEmail;
import io.stageflow.delivery.EmailTracking.Tracked;
import io.stageflow.security.LinkSigner;
import io.stageflow.templates.RenderedEmail;
import io.stageflow.web.WebProperties;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.util.unit.DataSize;

/**
 * The text part's links, marked with {@code $track.link(…)}: replaced where they stand as whole URLs, never inside a
 * longer one, sharing the HTML part's index for the same URL, and recorded with the HTML part's links.
 */
class EmailTrackerTest {

    private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
    private static final SentEmail SENT = new SentEmail(41, "c-1", "sale", "welcome", "SendSale", true);
    private static final String HTML = "<html><body><a href=\"https://shop.example.com\">Shop</a>"
            + " <a href=\"https://shop.example.com/new?a=1&amp;b=2\">New</a></body></html>";

    private final List<List<String>> recorded = new ArrayList<>();
    private TrackingTokens tokens;

    @BeforeEach
    void signer() {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:tracker-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        JdbcClient jdbc = JdbcClient.create(dataSource);
        jdbc.sql("create table sf_secret (name varchar(64) primary key, secret_value varchar(128), created_at timestamp)")
                .update();
        tokens = new TrackingTokens(new LinkSigner(jdbc, Clock.fixed(NOW, ZoneOffset.UTC)));
    }

    @Test
    void aMarkedTextLinkSharesTheHtmlPartsIndexOrGetsTheNextOne() {
        RenderedEmail rendered = new RenderedEmail("Sale", HTML, """
                Shop - https://shop.example.com
                New in: https://shop.example.com/new?a=1&b=2
                Shoes: https://shop.example.com/shoes.
                Shop again (https://shop.example.com).""",
                List.of("https://shop.example.com/shoes", "https://shop.example.com",
                        "https://shop.example.com/new?a=1&b=2"));

        RenderedEmail sent = tracker(true).track(SENT, rendered);

        assertThat(recorded).singleElement().asList().containsExactly("https://shop.example.com",
                "https://shop.example.com/new?a=1&b=2", "https://shop.example.com/shoes");
        assertThat(sent.text()).isEqualTo("Shop - " + click(0) + "\nNew in: " + click(1) + "\nShoes: " + click(2)
                + ".\nShop again (" + click(0) + ").");
        assertThat(sent.html()).contains("href=\"" + click(0) + "\"").contains("href=\"" + click(1) + "\"");
        assertThat(sent.trackedTextLinks()).as("done: the text has none of them left").isEmpty();
    }

    @Test
    void aMarkedUrlIsNeverReplacedInsideALongerOne() {
        RenderedEmail rendered = new RenderedEmail("Sale", "<p>No links</p>", """
                https://shop.example.com
                https://shop.example.com/new
                https://shop.example.com/new/shoes https://shop.example.com/newer https://shop.example.com.evil.example
                https://shop.example.com/new?page=2 https://shop.example.com/new#top
                https://stageflow.test/r?next=https://shop.example.com
                https://shop.example.com/new/""",
                List.of("https://shop.example.com", "https://shop.example.com/new"));

        String text = tracker(true).track(SENT, rendered).text();

        assertThat(text).isEqualTo(click(0) + "\n" + click(1) + """

                https://shop.example.com/new/shoes https://shop.example.com/newer https://shop.example.com.evil.example
                https://shop.example.com/new?page=2 https://shop.example.com/new#top
                https://stageflow.test/r?next=https://shop.example.com
                https://shop.example.com/new/""");
        assertThat(recorded).singleElement().asList()
                .containsExactly("https://shop.example.com", "https://shop.example.com/new");
    }

    @Test
    void stageflowsOwnLinksAndUnmarkedUrlsStayAsWritten() {
        RenderedEmail rendered = new RenderedEmail("Sale", "<p>No links</p>", """
                Preferences: https://stageflow.test/u/token/preferences
                Mail us: mailto:shop@shop.example.com
                Unmarked: https://shop.example.com/unmarked
                Not written: none""",
                List.of("https://stageflow.test/u/token/preferences", "mailto:shop@shop.example.com",
                        "https://shop.example.com/not-in-the-text"));

        RenderedEmail sent = tracker(true).track(SENT, rendered);

        assertThat(sent.text()).isEqualTo(rendered.text());
        assertThat(recorded).as("the open pixel's record, without links").singleElement().asList().isEmpty();
    }

    @Test
    void withClickTrackingOffTheTextIsSentAsWritten() {
        RenderedEmail rendered = new RenderedEmail("Sale", HTML, "Shop: https://shop.example.com",
                List.of("https://shop.example.com"));

        RenderedEmail sent = tracker(false).track(SENT, rendered);

        assertThat(sent.text()).isEqualTo("Shop: https://shop.example.com");
        assertThat(sent.html()).contains("href=\"https://shop.example.com\"");
        assertThat(sent.trackedTextLinks()).containsExactly("https://shop.example.com");
        assertThat(recorded).singleElement().asList().isEmpty();
    }

    @Test
    void aRetriedSendGetsTheSameLinks() {
        RenderedEmail rendered = new RenderedEmail("Sale", HTML, "Shoes: https://shop.example.com/shoes",
                List.of("https://shop.example.com/shoes"));
        EmailTracker tracker = tracker(true);

        assertThat(tracker.track(SENT, rendered)).isEqualTo(tracker.track(SENT, rendered));
        assertThat(recorded).hasSize(2).first().isEqualTo(recorded.get(1));
    }

    @Test
    void everyAnchorsHrefIsRewrittenInAnyCaseAndQuoteAndNothingThatOnlyLooksLikeOne() {
        String html = "<p><abbr title=\"a\">A</abbr> <a name=\"top\">Top</a><A CLASS=\"b\" HREF='https://shop.example.com'>"
                + "Shop</A>\n<area href=\"https://shop.example.com/area\"><a\nhref = \"https://shop.example.com/new?a=1&amp;b=2\""
                + ">New</a> <a href=\"https://stageflow.test/u/token\">Unsubscribe</a> 1 < 2 <";
        RenderedEmail rendered = new RenderedEmail("Sale", html, "No links", List.of());

        String sent = tracker(true).track(SENT, rendered).html();

        assertThat(sent).as("the links, then the open pixel at the end").startsWith("<p><abbr title=\"a\">A</abbr> <a name=\"top\">Top</a><A CLASS=\"b\" HREF='"
                + click(0) + "'>Shop</A>\n<area href=\"https://shop.example.com/area\"><a\nhref = \"" + click(1)
                + "\">New</a> <a href=\"https://stageflow.test/u/token\">Unsubscribe</a> 1 < 2 <<img src=\"https://stageflow.test/o/");
        assertThat(recorded).singleElement().asList().containsExactly("https://shop.example.com",
                "https://shop.example.com/new?a=1&b=2");
    }

    @Test
    void thePixelGoesBeforeTheLastBodyEndInAnyCase() {
        assertThat(EmailTracker.lastBodyEnd("<p>a</p></BODY ></html>")).isEqualTo(8);
        assertThat(EmailTracker.lastBodyEnd("<body>x</body><body>y</body>\n</html>")).isEqualTo(21);
        assertThat(EmailTracker.lastBodyEnd("</bodyx></b></body")).isEqualTo(-1);
        assertThat(EmailTracker.lastBodyEnd("no end tag")).isEqualTo(-1);
        assertThat(EmailTracker.lastBodyEnd("</body>")).isZero();
    }

    private String click(int index) {
        return "https://stageflow.test/c/" + tokens.click(SENT.outboxId(), index);
    }

    private EmailTracker tracker(boolean clicks) {
        TrackingStore store = new TrackingStore(null, null, null) {
            @Override
            void recordSends(List<Tracked> emails) {
                emails.forEach(email -> recorded.add(List.copyOf(email.links())));
            }
        };
        TrackingProperties settings = new TrackingProperties(true, clicks, List.of(), Duration.ofSeconds(10), 100,
                Duration.ofMinutes(10), 1);
        return new EmailTracker(store, new ClickTargets(store, settings), tokens, settings,
                new WebProperties("https://stageflow.test", DataSize.ofMegabytes(1), DataSize.ofMegabytes(10),
                        DataSize.ofGigabytes(1)), Clock.fixed(NOW, ZoneOffset.UTC));
    }
}
