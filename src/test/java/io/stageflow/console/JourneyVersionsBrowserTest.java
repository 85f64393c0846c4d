package io.stageflow.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import io.stageflow.security.Roles;
import io.stageflow.testing.Browser;
import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.JourneyFiles;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * Journey versions in a real browser (docs/console.md): a marketer deploys a journey file from the journeys page;
 * a file with a faulty step is refused with the step marked on its diagram and nothing deployed; a changed version
 * is deployed from the journey's page, which lists both versions with who deployed them; "What changed" draws the
 * two versions with the changed wait marked. Writes the guide's screenshots with {@code -Dstageflow.docs.write=true}.
 */
class JourneyVersionsBrowserTest extends IntegrationTest {

    private static final String PASSWORD = "Journey-versions-42";

    @RegisterExtension
    static final Browser BROWSER = new Browser();

    @TempDir
    Path tmp;

    @AfterAll
    static void closeBrowser() {
        BROWSER.close();
    }

    @Test
    void aMarketerDeploysAJourneySeesARefusedFileMarkedAndComparesTwoVersions() throws IOException {
        String key = "browser-welcome-" + UUID.randomUUID().toString().substring(0, 8);
        String marketer = newUser(Roles.MARKETER, PASSWORD);
        String original = JourneyFiles.welcomeCopy(key);

        BROWSER.signIn(baseUrl(), "/journeys", marketer, PASSWORD);
        deploy(file(key + ".bpmn", original), "First copy");
        BROWSER.await(By.cssSelector("p.notice[role=status]"));
        assertThat(BROWSER.driver().getCurrentUrl()).contains("/journeys/" + key + "?deployed=1");

        // A step with a mistyped input: refused, the step marked on the drawn file.
        deploy(file(key + ".bpmn", original.replace("name=\"template\"", "name=\"templat\"")), null);
        BROWSER.awaitTextContaining(By.tagName("h1"), "Not deployed");
        assertThat(BROWSER.driver().findElement(By.cssSelector(".problems li")).getText())
                .contains("SendWelcomeEmail").contains("templat");
        BROWSER.await(By.cssSelector("#refused-diagram .djs-element.change-refused[data-element-id=SendWelcomeEmail]"));
        assertThat(BROWSER.accessibilityProblems()).as("refused").isEmpty();
        BROWSER.screenshot("journey-refused");

        // A changed wait, deployed from the journey's page.
        BROWSER.driver().get(baseUrl() + "/journeys/" + key);
        deploy(file(key + ".bpmn", original.replace(">P3D<", ">P5D<")), "Wait 5 days, not 3");
        BROWSER.await(By.cssSelector("p.notice[role=status]"));
        WebElement newest = BROWSER.await(By.cssSelector(".journey-versions tbody tr[data-version='2']"));
        assertThat(newest.getText()).contains(marketer).contains("Stageflow console").contains("Wait 5 days, not 3")
                .contains("live");
        assertThat(BROWSER.driver().findElements(By.cssSelector(".journey-versions tbody tr"))).hasSize(2);
        assertThat(BROWSER.accessibilityProblems()).as("journey").isEmpty();

        newest.findElement(By.cssSelector("a.what-changed")).click();
        BROWSER.awaitText(By.tagName("h1"), "What changed from version 1 to version 2");
        WebElement row = BROWSER.await(By.cssSelector("table.changes tr[data-element=ThreeDaysPassed]"));
        assertThat(row.getText()).contains("changed").contains("P3D").contains("P5D");
        BROWSER.awaitAttribute(By.id("diagram-after"), "data-marked", "1");
        assertThat(BROWSER.driver().findElements(By.cssSelector(
                "#diagram-after .djs-element.change-changed[data-element-id=ThreeDaysPassed]"))).hasSize(1);
        assertThat(BROWSER.driver().findElements(By.cssSelector(
                "#diagram-before .djs-element.change-changed[data-element-id=ThreeDaysPassed]"))).hasSize(1);
        assertThat(BROWSER.accessibilityProblems()).as("changes").isEmpty();
        BROWSER.screenshot("journey-changes");
    }

    private void deploy(Path file, String comment) {
        BROWSER.await(By.id("journey-file")).sendKeys(file.toAbsolutePath().toString());
        if (comment != null) {
            BROWSER.driver().findElement(By.id("journey-comment")).sendKeys(comment);
        }
        BROWSER.driver().findElement(By.cssSelector(".journey-upload button[type=submit]")).click();
    }

    private Path file(String name, String content) throws IOException {
        Path folder = Files.createDirectories(tmp.resolve(UUID.randomUUID().toString()));
        return Files.writeString(folder.resolve(name), content);
    }
}
