package io.stageflow.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import java.text.NumberFormat;
import java.util.Locale;
import java.util.Set;

import io.stageflow.testing.Browser;
import io.stageflow.testing.IntegrationTest;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Stopping and restarting an import from the console, in a real browser: an import held mid-way ({@link ImportFaults})
 * shows its stop button, stops after its chunk, and its restart button runs it on to the end from where it stopped;
 * an import that failed is restarted the same way. Here rather than in {@code io.stageflow.console}, as holding and
 * failing an import are this package's test hooks.
 */
class ImportPagesBrowserTest extends IntegrationTest {

    @RegisterExtension
    static final Browser BROWSER = new Browser();

    @TempDir
    Path tmp;

    @Autowired
    ImportFaults faults;

    @AfterAll
    static void closeBrowser() {
        BROWSER.close();
    }

    @Test
    void anAdminStopsARunningImportAndRestartsItToTheEnd() {
        String p = CustomerImportTest.prefix();
        Path csv = tmp.resolve("stop.csv");
        Set<Long> bad = CustomerImportTest.generate(csv, p, 4_000);
        String held = CustomerImportTest.id(p, 1_500);
        faults.holdAtCustomer(held);
        long id;
        try {
            BROWSER.signIn(baseUrl(), "/imports", "admin", ADMIN_PASSWORD);
            BROWSER.await(By.id("file")).sendKeys(csv.toAbsolutePath().toString());
            BROWSER.driver().findElement(By.cssSelector(".upload-form button[type=submit]")).click();
            BROWSER.await(By.id("progress"));
            String url = BROWSER.driver().getCurrentUrl();
            id = Long.parseLong(url.substring(url.lastIndexOf('/') + 1));
            await().atMost(PATIENCE).until(() -> faults.isHolding(held));
            // The first chunk committed (1,000 rows, and the lines skipped as unreadable among them): the polled
            // progress shows it, with the stop button beside it.
            new WebDriverWait(BROWSER.driver(), Duration.ofSeconds(20)).ignoring(StaleElementReferenceException.class)
                    .until(ExpectedConditions.textMatches(
                    By.id("rows-done"), Pattern.compile("1,00\\d of 4,000 \\(25 %\\)")));
            assertThat(textOf("import-status")).isEqualTo("Running");
            assertThat(textOf("time-left")).startsWith("about ");
            assertThat(BROWSER.driver().findElements(By.id("restart"))).as("no restart while it runs").isEmpty();
            assertThat(BROWSER.accessibilityProblems()).as("a running import").isEmpty();

            BROWSER.driver().findElement(By.id("stop")).click();
            assertThat(BROWSER.await(By.cssSelector(".notice")).getText()).startsWith("Asked to stop");
        } finally {
            faults.release(held);
        }
        awaitStatus("STOPPED");
        assertThat(BROWSER.driver().findElement(By.id("import-status")).getText()).isEqualTo("Stopped");
        assertThat(BROWSER.driver().findElements(By.id("stop"))).as("the stop button gone once it stopped").isEmpty();
        String stoppedAt = BROWSER.driver().findElement(By.id("rows-done")).getText();
        assertThat(stoppedAt).as("stopped after the chunk it was on").matches("2,00\\d of 4,000 \\(50 %\\)");
        String position = stoppedAt.substring(0, stoppedAt.indexOf(' '));

        BROWSER.await(By.id("restart")).click();
        awaitStatus("COMPLETED");
        String url = BROWSER.driver().getCurrentUrl();
        long restarted = Long.parseLong(url.substring(url.lastIndexOf('/') + 1));
        assertThat(restarted).isNotEqualTo(id);
        assertThat(BROWSER.driver().findElement(By.cssSelector(".notice")).getText())
                .isEqualTo("Restarted: this run goes on from the last rows import " + id + " committed.");
        assertThat(BROWSER.driver().findElement(By.cssSelector(".facts")).getText())
                .contains("A restart of import " + id + ", going on after row " + position);
        assertThat(BROWSER.driver().findElement(By.id("rows-done")).getText()).isEqualTo("4,000 of 4,000 (100 %)");
        assertThat(BROWSER.driver().findElement(By.id("imported")).getText())
                .isEqualTo(NumberFormat.getIntegerInstance(Locale.US).format(4_000 - bad.size()));
        assertThat(BROWSER.driver().findElement(By.id("skipped")).getText()).isEqualTo(String.valueOf(bad.size()));
        assertThat(BROWSER.driver().findElements(By.cssSelector("#errors tbody tr")).stream()
                .map(row -> Long.parseLong(row.findElement(By.tagName("td")).getText().replace(",", "")))
                .toList()).as("the lines of the bad rows, once each").containsExactlyInAnyOrderElementsOf(bad);
        assertThat(jdbc.sql("select count(*) from sf_customer where id like ?").param(p + "-%").query(Long.class)
                .single()).isEqualTo(4_000L - bad.size());

        BROWSER.driver().get(baseUrl() + "/imports/" + id);
        assertThat(BROWSER.await(By.cssSelector("#import-actions a")).getText()).isEqualTo("import " + restarted);
        assertThat(BROWSER.driver().findElements(By.id("restart"))).as("restarted once already").isEmpty();
    }

    @Test
    void anImportThatFailedIsRestartedFromItsPage() {
        String p = CustomerImportTest.prefix();
        Path csv = tmp.resolve("fail.csv");
        Set<Long> bad = CustomerImportTest.generate(csv, p, 300);
        faults.failOnceAtCustomer(CustomerImportTest.id(p, 200));

        BROWSER.signIn(baseUrl(), "/imports", "admin", ADMIN_PASSWORD);
        BROWSER.await(By.id("file")).sendKeys(csv.toAbsolutePath().toString());
        BROWSER.driver().findElement(By.cssSelector(".upload-form button[type=submit]")).click();
        awaitStatus("FAILED");
        assertThat(BROWSER.driver().findElement(By.id("import-status")).getText()).isEqualTo("Failed");
        assertThat(BROWSER.driver().findElement(By.id("rows-done")).getText()).isEqualTo("0 of 300 (0 %)");
        assertThat(BROWSER.accessibilityProblems()).as("a failed import").isEmpty();

        BROWSER.await(By.id("restart")).click();
        awaitStatus("COMPLETED");
        assertThat(BROWSER.driver().findElement(By.id("imported")).getText())
                .isEqualTo(String.valueOf(300 - bad.size()));
        assertThat(jdbc.sql("select count(*) from sf_customer where id like ?").param(p + "-%").query(Long.class)
                .single()).isEqualTo(300L - bad.size());
    }

    /** The text of an element of the polled progress, read again if a swap replaced it meanwhile. */
    private static String textOf(String id) {
        return new WebDriverWait(BROWSER.driver(), Duration.ofSeconds(5)).ignoring(StaleElementReferenceException.class)
                .until(driver -> driver.findElement(By.id(id)).getText());
    }

    /** Waits until the polled progress says the import's status is this, across its swaps. */
    private static void awaitStatus(String status) {
        new WebDriverWait(BROWSER.driver(), Duration.ofSeconds(60)).ignoring(StaleElementReferenceException.class)
                .until(ExpectedConditions.attributeToBe(By.id("progress"), "data-status", status));
    }
}
