package io.stageflow.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.stageflow.security.Roles;
import io.stageflow.testing.Browser;
import io.stageflow.testing.IntegrationTest;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console's imports in a real browser (docs/console.md): an admin uploads a CSV file with a bad row, watches
 * its progress to the end, reads and downloads its error report, and finds the good rows' customers; a file that
 * cannot be imported is refused with the reason; a marketer is kept out. Stopping and restarting an import in the
 * browser is {@code io.stageflow.imports.ImportPagesBrowserTest}, which can hold an import mid-way.
 */
class ImportsBrowserTest extends IntegrationTest {

    @RegisterExtension
    static final Browser BROWSER = new Browser();

    @TempDir
    Path tmp;

    @AfterAll
    static void closeBrowser() {
        BROWSER.close();
    }

    @Test
    void anAdminUploadsACsvWatchesItEndAndReadsItsErrorReport() throws IOException {
        String p = "console-import-" + UUID.randomUUID().toString().substring(0, 8);
        Path csv = Files.writeString(tmp.resolve("customers.csv"), """
                id,email,firstName,plan
                %1$s-1,%1$s-1@example.com,Ada,gold
                %1$s-2,%1$s-2@example.com,Grace,silver
                %1$s-3,not-an-email,Linus,bronze
                %1$s-4,%1$s-4@example.com,Alan,
                """.formatted(p), StandardCharsets.UTF_8);

        BROWSER.signIn(baseUrl(), "/imports", "admin", ADMIN_PASSWORD);
        BROWSER.awaitText(By.tagName("h1"), "Imports");
        assertThat(BROWSER.driver().findElement(By.cssSelector("label[for=file]")).getText()).isEqualTo("CSV file");
        // Customers or products: customers unless the marketer picks products.
        assertThat(BROWSER.driver().findElement(By.cssSelector("input[name=kind][value=customers]")).isSelected())
                .isTrue();
        assertThat(BROWSER.driver().findElement(By.cssSelector("input[name=kind][value=products]")).isSelected())
                .isFalse();
        assertThat(BROWSER.driver().findElement(By.id("file-help")).getText())
                .contains("id,email,firstName,locale,timeZone,marketingConsent");
        assertThat(BROWSER.accessibilityProblems()).as("/imports").isEmpty();

        BROWSER.driver().findElement(By.id("file")).sendKeys(csv.toAbsolutePath().toString());
        BROWSER.driver().findElement(By.cssSelector(".upload-form button[type=submit]")).click();

        BROWSER.await(By.id("progress"));
        String url = BROWSER.driver().getCurrentUrl();
        assertThat(url).matches(".*/imports/\\d+");
        long id = Long.parseLong(url.substring(url.lastIndexOf('/') + 1));
        // The fragment polled every second reaches the end and stops polling.
        awaitStatus("COMPLETED");
        WebElement bar = BROWSER.driver().findElement(By.id("import-bar"));
        assertThat(bar.getAttribute("max")).isEqualTo("4");
        assertThat(bar.getAttribute("value")).isEqualTo("4");
        assertThat(BROWSER.driver().findElement(By.id("progress")).getAttribute("hx-trigger")).as("polling stopped")
                .isNull();
        assertThat(text("rows-done")).isEqualTo("4 of 4 (100 %)");
        assertThat(text("import-status")).isEqualTo("Done");
        assertThat(text("imported")).isEqualTo("3");
        assertThat(text("skipped")).isEqualTo("1");
        // A rate, or a dash when the import ran within one second of the job repository's clock: with the mysql
        // profile (sendFractionalSeconds: false) its start and end are stored to the second, so no rate is measured.
        assertThat(text("rate")).matches("[0-9][0-9,.\u00a0\u202f]* rows/s|–");
        assertThat(BROWSER.driver().findElements(By.id("stop"))).as("no stop button once it has ended").isEmpty();
        assertThat(BROWSER.driver().findElements(By.id("restart"))).as("nothing to restart").isEmpty();

        List<WebElement> errors = BROWSER.driver().findElements(By.cssSelector("#errors tbody tr"));
        assertThat(errors).hasSize(1);
        List<String> cells = errors.get(0).findElements(By.tagName("td")).stream().map(WebElement::getText).toList();
        assertThat(cells.get(0)).as("the bad row's line (the header is line 1)").isEqualTo("4");
        assertThat(cells.get(1)).isEqualTo("email");
        assertThat(cells.get(2)).contains("well-formed email");

        String href = BROWSER.driver().findElement(By.id("errors-download")).getAttribute("href");
        assertThat(href).endsWith("/imports/" + id + "/errors.csv");
        @SuppressWarnings("unchecked")
        Map<String, Object> download = (Map<String, Object>) ((JavascriptExecutor) BROWSER.driver()).executeAsyncScript("""
                var done = arguments[arguments.length - 1];
                fetch(arguments[0], {credentials: 'same-origin'}).then(function (r) {
                  return r.text().then(function (body) {
                    done({status: r.status, type: r.headers.get('Content-Type'), body: body});
                  });
                });""", href);
        assertThat(((Number) download.get("status")).intValue()).isEqualTo(200);
        assertThat((String) download.get("type")).startsWith("text/csv");
        assertThat(((String) download.get("body")).lines().toList()).hasSize(2)
                .first().isEqualTo("line,column,reason");
        assertThat(((String) download.get("body")).lines().toList().get(1)).startsWith("4,email,");

        assertThat(jdbc.sql("select id from sf_customer where id like ? order by id").param(p + "-%")
                .query(String.class).list()).containsExactly(p + "-1", p + "-2", p + "-4");
        assertThat(client().get("/api/v1/customers/" + p + "-1").expectStatus(200).json().path("traits")
                .path("plan").asText()).isEqualTo("gold");
        assertThat(BROWSER.accessibilityProblems()).as("/imports/" + id).isEmpty();
        BROWSER.screenshot("import");

        BROWSER.driver().findElement(By.cssSelector(".crumbs a")).click();
        WebElement listed = BROWSER.await(By.cssSelector("tr[data-import='" + id + "']"));
        assertThat(listed.getText()).contains("Import " + id).contains("Done");
        assertThat(listed.findElements(By.cssSelector("td.number")).stream().map(WebElement::getText).toList())
                .as("rows, read, written, skipped").containsExactly("4", "4", "3", "1");
        BROWSER.screenshot("imports");
    }

    @Test
    void aLongErrorReportShowsItsFirstHundredLinesAndSaysSo() throws IOException {
        String p = "console-import-long-" + UUID.randomUUID().toString().substring(0, 8);
        StringBuilder rows = new StringBuilder("id,email\n");
        for (int row = 1; row <= 150; row++) {
            rows.append(p).append('-').append(row).append(",not-an-email-").append(row).append('\n');
        }
        Path csv = Files.writeString(tmp.resolve("long.csv"), rows, StandardCharsets.UTF_8);
        BROWSER.signIn(baseUrl(), "/imports", "admin", ADMIN_PASSWORD);

        upload(csv);
        awaitStatus("COMPLETED");

        assertThat(text("imported")).isEqualTo("0");
        assertThat(text("skipped")).isEqualTo("150");
        List<WebElement> errors = BROWSER.driver().findElements(By.cssSelector("#errors tbody tr"));
        assertThat(errors).hasSize(100);
        assertThat(errors.get(99).findElement(By.tagName("td")).getText()).isEqualTo("101");
        assertThat(BROWSER.driver().findElement(By.cssSelector("#errors caption")).getText())
                .isEqualTo("The first 100 of 150 problems; download the report for all of them.");
    }

    @Test
    void aFileThatCannotBeImportedIsRefusedNamingTheProblem() throws IOException {
        Path noId = Files.writeString(tmp.resolve("no-id.csv"), "email,firstName\nx@example.com,X\n");
        Path empty = Files.writeString(tmp.resolve("empty.csv"), "");
        BROWSER.signIn(baseUrl(), "/imports", "admin", ADMIN_PASSWORD);
        long before = jdbc.sql("select count(*) from BATCH_JOB_EXECUTION").query(Long.class).single();

        upload(noId);
        assertThat(BROWSER.await(By.id("file-problem")).getText())
                .isEqualTo("The file no-id.csv was not imported: the header must have an id column, for example "
                        + "id,email,firstName.");
        assertThat(BROWSER.driver().findElement(By.id("file")).getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(BROWSER.accessibilityProblems()).as("the refused upload").isEmpty();

        upload(empty);
        assertThat(BROWSER.await(By.id("file-problem")).getText())
                .isEqualTo("The file empty.csv was not imported: it is empty.");
        assertThat(jdbc.sql("select count(*) from BATCH_JOB_EXECUTION").query(Long.class).single())
                .as("no import started").isEqualTo(before);

        BROWSER.driver().get(baseUrl() + "/imports/987654321");
        BROWSER.awaitText(By.tagName("h1"), "Not found");
    }

    @Test
    void aMarketerIsRefusedTheImportsAndDoesNotSeeThemInTheMenu() {
        String marketer = newUser(Roles.MARKETER, "Password-for-marketer-1");
        BROWSER.signIn(baseUrl(), "/customers", marketer, "Password-for-marketer-1");
        assertThat(BROWSER.driver().findElements(By.cssSelector(".top nav a[href='/imports']"))).isEmpty();
        BROWSER.driver().get(baseUrl() + "/imports");
        BROWSER.awaitText(By.tagName("h1"), "Not allowed");
    }

    @Test
    void theImportPagesFitAPhonesWidth() throws IOException {
        String p = "console-import-phone-" + UUID.randomUUID().toString().substring(0, 8);
        Path csv = Files.writeString(tmp.resolve("phone.csv"), """
                id,email,marketingConsent
                %1$s-1,%1$s-1@example.com,maybe
                """.formatted(p), StandardCharsets.UTF_8);
        BROWSER.signIn(baseUrl(), "/imports", "admin", ADMIN_PASSWORD);
        BROWSER.driver().manage().window().setSize(new Dimension(390, 844));
        try {
            upload(csv);
            awaitStatus("COMPLETED");
            assertThat(BROWSER.driver().findElements(By.cssSelector("#errors tbody tr"))).hasSize(1);
            assertFitsTheScreen("an import");
            BROWSER.driver().get(baseUrl() + "/imports");
            BROWSER.await(By.tagName("h1"));
            assertFitsTheScreen("/imports");
        } finally {
            BROWSER.driver().manage().window().setSize(new Dimension(1280, 900));
        }
    }

    private void upload(Path file) {
        BROWSER.driver().get(baseUrl() + "/imports");
        BROWSER.await(By.id("file")).sendKeys(file.toAbsolutePath().toString());
        BROWSER.driver().findElement(By.cssSelector(".upload-form button[type=submit]")).click();
        new WebDriverWait(BROWSER.driver(), Duration.ofSeconds(20)).until(ExpectedConditions.or(
                ExpectedConditions.presenceOfElementLocated(By.id("progress")),
                ExpectedConditions.presenceOfElementLocated(By.id("file-problem"))));
    }

    private static String text(String id) {
        return BROWSER.driver().findElement(By.id(id)).getText();
    }

    private static void assertFitsTheScreen(String page) {
        JavascriptExecutor script = (JavascriptExecutor) BROWSER.driver();
        assertThat(((Number) script.executeScript("return window.innerWidth;")).intValue()).as("the phone's width")
                .isLessThanOrEqualTo(390);
        assertThat(((Number) script.executeScript("return document.documentElement.scrollWidth - window.innerWidth;"))
                .intValue()).as(page + ": wider than the screen by").isLessThanOrEqualTo(0);
    }

    /** Waits until the polled progress says the import's status is this, across its swaps. */
    private static void awaitStatus(String status) {
        new WebDriverWait(BROWSER.driver(), Duration.ofSeconds(60)).ignoring(StaleElementReferenceException.class)
                .until(ExpectedConditions.attributeToBe(By.id("progress"), "data-status", status));
    }
}
