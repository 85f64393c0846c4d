package io.stageflow.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import io.stageflow.security.Roles;
import io.stageflow.testing.Browser;
import io.stageflow.testing.IntegrationTest;

import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The console's broadcasts in a real browser (docs/console.md): a marketer composes a broadcast to a small segment,
 * previews it for a real member, mails a test of it, schedules it a few minutes ahead in the browser's time zone, sees
 * it waiting, and, once the clock reaches its time, follows it to the end: every member gets exactly one email. Bad
 * input is marked at its field; a scheduled broadcast is cancelled; a running one is stopped and resumed from its
 * page and still queues one email per member. Each page is checked with axe-core and at a phone's width.
 */
class BroadcastsBrowserTest extends IntegrationTest {

    @RegisterExtension
    static final Browser BROWSER = new Browser();

    private static final String PASSWORD = "Marketer-broadcasts-42";

    @Autowired
    Clock clock;

    @Autowired
    javax.sql.DataSource dataSource;

    @AfterAll
    static void closeBrowser() {
        BROWSER.close();
    }

    @Test
    void aMarketerSchedulesABroadcastAndFollowsItUntilEveryMemberHasTheirEmail() {
        String p = "bb" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        List<String> names = List.of("Ada" + p.substring(2, 6), "Grace" + p.substring(2, 6), "Hedy" + p.substring(2, 6));
        for (int i = 0; i < names.size(); i++) {
            client().putCustomer(p + "-" + i, """
                    {"email": "%s", "firstName": "%s", "traits": {"campaign": "%s"}}"""
                    .formatted(email(p, i), names.get(i), p)).expectStatus(201);
        }
        String segmentName = "Browser broadcast " + p;
        client().post("/api/v1/segments", """
                {"key": "%s", "name": "%s", "rule": {"field": "traits.campaign", "op": "eq", "value": "%s"}}"""
                .formatted(p, segmentName, p)).expectStatus(201);
        String marketer = newUser(Roles.MARKETER, PASSWORD);
        String broadcastName = "Winter news " + p;

        BROWSER.signIn(baseUrl(), "/broadcasts", marketer, PASSWORD);
        WebDriver browser = BROWSER.driver();
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Broadcasts");
        Select segment = new Select(browser.findElement(By.id("segment")));
        assertThat(segment.getOptions().stream().map(WebElement::getText)).contains(segmentName);
        segment.selectByValue(p);
        BROWSER.awaitText(By.id("segment-members"), "3 members now");
        new Select(browser.findElement(By.id("template"))).selectByValue("welcome");
        browser.findElement(By.cssSelector("input[name=category][value=transactional]")).click();
        browser.findElement(By.id("name")).sendKeys(broadcastName);

        // The preview, for the segment's first member, in a sandboxed frame.
        browser.findElement(By.xpath("//button[normalize-space()='Preview for a member']")).click();
        WebElement frame = BROWSER.await(By.cssSelector("#preview iframe.broadcast-preview"));
        assertThat(frame.getAttribute("sandbox")).isEmpty();
        assertThat(browser.findElement(By.cssSelector("#preview .subject")).getText()).contains(names.get(0));
        browser.switchTo().frame(frame);
        try {
            await().atMost(PATIENCE).until(() -> browser.findElement(By.tagName("body")).getText()
                    .contains("Hi " + names.get(0)));
        } finally {
            browser.switchTo().defaultContent();
        }

        // A test to the marketer's own address.
        String testTo = p + "-test@example.com";
        browser.findElement(By.id("testTo")).sendKeys(testTo);
        browser.findElement(By.xpath("//button[normalize-space()='Send test']")).click();
        assertThat(BROWSER.await(By.cssSelector("#test-result .notice")).getText()).contains("Test sent to " + testTo);
        assertThat(subjectsOf(awaitMail(testTo, 1))).singleElement().asString().startsWith("[TEST] Hi " + names.get(0));
        ((JavascriptExecutor) browser).executeScript("document.getElementById('name').scrollIntoView();");
        BROWSER.screenshot("broadcast-compose");

        // Scheduled a few minutes ahead, in the browser's own time zone.
        String zone = browser.findElement(By.id("zone")).getAttribute("value");
        assertThat(zone).isNotBlank();
        LocalDateTime at = LocalDateTime.ofInstant(clock.instant().plus(Duration.ofMinutes(3)), ZoneId.of(zone))
                .truncatedTo(ChronoUnit.MINUTES);
        browser.findElement(By.cssSelector("input[name=when][value=later]")).click();
        ((JavascriptExecutor) browser).executeScript("arguments[0].value = arguments[1];",
                browser.findElement(By.id("scheduleFor")), at.toString());
        browser.findElement(By.cssSelector("button.send")).click();
        assertThat(BROWSER.await(By.cssSelector(".notice")).getText()).contains("is scheduled");
        WebElement row = browser.findElement(By.xpath("//table[contains(@class,'scheduled')]//tr[th[normalize-space()='"
                + broadcastName + "']]"));
        assertThat(row.getText()).contains(p, "welcome", marketer);
        assertThat(row.findElement(By.cssSelector("button.danger")).getText()).isEqualTo("Cancel");
        String id = row.getAttribute("data-id");
        assertThat(jdbc.sql("select scheduled_at from sf_scheduled_broadcast where id = ?").param(id)
                .query(java.sql.Timestamp.class).single().toInstant()).isEqualTo(at.atZone(ZoneId.of(zone)).toInstant());
        assertThat(BROWSER.accessibilityProblems()).as("/broadcasts").isEmpty();
        assertFitsAPhone("/broadcasts");
        assertThat(status(id)).as("not before its time").isEqualTo("SCHEDULED");

        // Its time comes: the schedule starts it.
        advanceClock(Duration.ofMinutes(4));
        await().atMost(PATIENCE).until(() -> "STARTED".equals(status(id)) && jdbc.sql(
                "select job_execution_id from sf_scheduled_broadcast where id = ?").param(id).query(Long.class)
                .optional().isPresent());
        browser.get(baseUrl() + "/broadcasts");
        browser.findElement(By.xpath("//table[contains(@class,'recent')]//a[normalize-space()='" + broadcastName + "']"))
                .click();
        BROWSER.awaitText(By.cssSelector("h1"), broadcastName);
        BROWSER.awaitAttribute(By.id("progress"), "data-finished", "true");
        WebElement bar = browser.findElement(By.cssSelector("#progress progress"));
        assertThat(bar.getAttribute("value")).isEqualTo("3");
        assertThat(bar.getAttribute("max")).isEqualTo("3");
        assertThat(browser.findElement(By.cssSelector("#progress .bar-label")).getText()).startsWith("100%");
        assertThat(browser.findElement(By.cssSelector("#progress .queued")).getText()).isEqualTo("3");
        assertThat(browser.findElement(By.cssSelector("#progress .sent")).getText()).isEqualTo("3");
        assertThat(browser.findElement(By.cssSelector("#progress .waiting")).getText()).isEqualTo("0");
        assertThat(browser.findElements(By.xpath("//button[normalize-space()='Stop']"))).as("no Stop once done").isEmpty();
        for (int i = 0; i < names.size(); i++) {
            List<MimeMessage> mails = mailTo(email(p, i));
            assertThat(mails).as(email(p, i)).hasSize(1);
            assertThat(subjectsOf(mails)).singleElement().asString().startsWith("Hi " + names.get(i));
        }
        BROWSER.screenshot("broadcast");
        assertThat(BROWSER.accessibilityProblems()).as("/broadcasts/{id}").isEmpty();
        assertFitsAPhone(browser.getCurrentUrl().substring(baseUrl().length()));
    }

    @Test
    void badInputIsShownNextToItsFieldAndACancelledBroadcastLeavesTheList() {
        String p = "bc" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        client().putCustomer(p, """
                {"email": "%s@example.com", "firstName": "Lin", "traits": {"campaign": "%s"}}""".formatted(p, p))
                .expectStatus(201);
        client().post("/api/v1/segments", """
                {"key": "%1$s", "name": "Cancel %1$s", "rule": {"field": "traits.campaign", "op": "eq", "value": "%1$s"}}"""
                .formatted(p)).expectStatus(201);
        String marketer = newUser(Roles.MARKETER, PASSWORD);
        BROWSER.signIn(baseUrl(), "/broadcasts", marketer, PASSWORD);
        WebDriver browser = BROWSER.driver();

        // Nothing chosen: each field says what is missing.
        browser.findElement(By.cssSelector("input[name=when][value=now]")).click();
        browser.findElement(By.cssSelector("button.send")).click();
        assertThat(BROWSER.await(By.id("segment-error")).getText()).isEqualTo("Segment is required");
        assertThat(browser.findElement(By.id("segment")).getAttribute("aria-invalid")).isEqualTo("true");

        // A time in the past.
        new Select(browser.findElement(By.id("segment"))).selectByValue(p);
        new Select(browser.findElement(By.id("template"))).selectByValue("welcome");
        browser.findElement(By.cssSelector("input[name=when][value=later]")).click();
        String zone = browser.findElement(By.id("zone")).getAttribute("value");
        ((JavascriptExecutor) browser).executeScript("arguments[0].value = arguments[1];",
                browser.findElement(By.id("scheduleFor")), LocalDateTime.ofInstant(clock.instant()
                        .minus(Duration.ofHours(2)), ZoneId.of(zone)).truncatedTo(ChronoUnit.MINUTES).toString());
        browser.findElement(By.cssSelector("button.send")).click();
        assertThat(BROWSER.await(By.id("schedule-error")).getText()).isEqualTo("Schedule for is in the past");
        assertThat(new Select(browser.findElement(By.id("segment"))).getFirstSelectedOption().getAttribute("value"))
                .as("the form keeps what was chosen").isEqualTo(p);
        assertThat(BROWSER.accessibilityProblems()).as("/broadcasts with errors").isEmpty();

        // A right time, then cancelled.
        ((JavascriptExecutor) browser).executeScript("arguments[0].value = arguments[1];",
                browser.findElement(By.id("scheduleFor")), LocalDateTime.ofInstant(clock.instant()
                        .plus(Duration.ofDays(2)), ZoneId.of(zone)).truncatedTo(ChronoUnit.MINUTES).toString());
        browser.findElement(By.cssSelector("button.send")).click();
        BROWSER.await(By.cssSelector(".notice"));
        String id = browser.findElement(By.xpath("//table[contains(@class,'scheduled')]//tr[td[normalize-space()='"
                + p + "']]")).getAttribute("data-id");
        browser.findElement(By.cssSelector("tr[data-id='" + id + "'] button.danger")).click();
        assertThat(BROWSER.await(By.cssSelector(".notice")).getText()).contains("cancelled");
        assertThat(browser.findElements(By.cssSelector("tr[data-id='" + id + "']"))).isEmpty();
        assertThat(status(id)).isEqualTo("CANCELLED");
    }

    @Test
    void aRunningBroadcastIsStoppedAndResumedFromItsPageAndGoesThroughEveryMemberOnce() {
        // Customers without an email address: delivery skips them at once, so thousands cost no mail.
        String p = "bs" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        int n = 8_000; // 8 s at least at the tests' broadcast rate (1,000/s): time to press Stop on a slow machine
        java.sql.Timestamp now = java.sql.Timestamp.from(clock.instant());
        List<Object[]> rows = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(new Object[] {"%s-%05d".formatted(p, i), "{\"campaign\":\"" + p + "\"}", now, now});
        }
        new org.springframework.jdbc.core.JdbcTemplate(dataSource).batchUpdate("""
                insert into sf_customer (id, first_name, locale, time_zone, traits, created_at, updated_at,
                                         order_count, order_total)
                values (?, 'Batch', 'en', 'UTC', ?, ?, ?, 0, 0)""", rows);
        client().post("/api/v1/segments", """
                {"key": "%1$s", "name": "Stop %1$s", "rule": {"field": "traits.campaign", "op": "eq", "value": "%1$s"}}"""
                .formatted(p)).expectStatus(201);
        assertThat(client().get("/api/v1/segments/" + p + "/count").expectStatus(200).json().path("count").asLong())
                .isEqualTo(n);
        String marketer = newUser(Roles.MARKETER, PASSWORD);
        BROWSER.signIn(baseUrl(), "/broadcasts", marketer, PASSWORD);
        WebDriver browser = BROWSER.driver();

        long first = client().post("/api/v1/broadcasts", """
                {"id": "%1$s", "segment": "%1$s", "template": "welcome", "category": "transactional", "name": "Stopped %1$s"}"""
                .formatted(p)).expectStatus(202).json().path("id").asLong();
        browser.get(baseUrl() + "/broadcasts/" + first);
        browser.findElement(By.xpath("//button[normalize-space()='Stop']")).click();
        BROWSER.awaitAttribute(By.id("progress"), "data-finished", "true");
        assertThat(browser.findElement(By.cssSelector("#progress .status")).getText()).isEqualTo("stopped");
        long stoppedAt = Long.parseLong(browser.findElement(By.cssSelector("#progress progress")).getAttribute("value"));
        assertThat(stoppedAt).as("stopped before the end").isLessThan(n);

        browser.findElement(By.xpath("//button[normalize-space()='Resume']")).click();
        await().atMost(PATIENCE).until(() -> !browser.getCurrentUrl().endsWith("/broadcasts/" + first));
        // The rest of the 8,000: some 8 s at the tests' 1,000 per second, over 30 s where MariaDB queues 220 a second.
        BROWSER.awaitAttribute(By.id("progress"), "data-finished", "true", java.time.Duration.ofMinutes(3));
        assertThat(browser.findElement(By.cssSelector("#progress .status")).getText()).isEqualTo("completed");
        assertThat(browser.findElement(By.cssSelector("#progress progress")).getAttribute("value"))
                .isEqualTo(String.valueOf(n));
        assertThat(browser.findElement(By.cssSelector("#progress .bar-label")).getText()).startsWith("100%");
        assertThat(jdbc.sql("select count(*) from sf_outbox where step_id = ?").param("broadcast:" + p)
                .query(Long.class).single()).as("every member queued once").isEqualTo(n);
        assertThat(jdbc.sql("select count(distinct customer_id) from sf_outbox where step_id = ?")
                .param("broadcast:" + p).query(Long.class).single()).isEqualTo(n);

        // Thousands of queued rows would hold up the next test's emails (the outbox is first in, first out): this
        // test leaves only when delivery has been through all of them.
        await().atMost(java.time.Duration.ofMinutes(5)).until(() -> jdbc.sql(
                        "select count(*) from sf_outbox where step_id = ? and status in ('PENDING', 'SENDING')")
                .param("broadcast:" + p).query(Long.class).single() == 0);
    }

    private void assertFitsAPhone(String page) {
        WebDriver browser = BROWSER.driver();
        browser.manage().window().setSize(new Dimension(390, 844));
        try {
            browser.get(baseUrl() + page);
            BROWSER.await(By.tagName("h1"));
            Object overflow = ((JavascriptExecutor) browser).executeScript(
                    "return document.documentElement.scrollWidth - window.innerWidth;");
            Object wide = ((JavascriptExecutor) browser).executeScript("""
                    return Array.from(document.querySelectorAll('body *')).filter(function (e) {
                      return e.getBoundingClientRect().right > window.innerWidth + 1;
                    }).slice(0, 8).map(function (e) {
                      return e.tagName + '.' + e.className + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().right);
                    }).join(', ');""");
            assertThat(((Number) overflow).intValue()).as(page + ": wider than the screen by (" + wide + ")")
                    .isLessThanOrEqualTo(0);
        } finally {
            browser.manage().window().setSize(new Dimension(1280, 900));
        }
    }

    private String status(String id) {
        return jdbc.sql("select status from sf_scheduled_broadcast where id = ?").param(id).query(String.class).single();
    }

    private static String email(String p, int i) {
        return p + "-" + i + "@example.com";
    }

    private static List<String> subjectsOf(List<MimeMessage> mails) {
        return mails.stream().map(mail -> {
            try {
                return mail.getSubject();
            } catch (jakarta.mail.MessagingException e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }
}
