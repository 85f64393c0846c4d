package io.stageflow.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Date;
import java.util.UUID;

import io.stageflow.security.Roles;
import io.stageflow.testing.Browser;
import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.ShippedJourneys;
import io.stageflow.testing.StageflowClient;

import jakarta.mail.internet.MimeMessage;

import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.Select;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The compass walkthrough of the change loop (docs/console.md#the-change-loop), in a real browser, with no restart
 * and no shell: a marketer changes the welcome journey's wait from 3 days to 5 (a file changed in Camunda Modeler)
 * and a line of the welcome copy (in the editor, previewed for a real customer), simulates the changed file over the
 * stored events, and deploys it in the console; a new
 * signup takes version 2 and gets the new copy, while a customer already waiting stays on version 1 until the
 * marketer moves her, and keeps her timer's due date. The shipped journey and copy are put back afterwards.
 */
class CompassWalkthroughBrowserTest extends IntegrationTest {

    private static final String PASSWORD = "Compass-walkthrough-42";
    private static final String NEW_SUBJECT = "Hi ${customer.firstName|'there'}, your compass is ready at $brand.name!";

    @RegisterExtension
    static final Browser BROWSER = new Browser();

    @Autowired
    RepositoryService repositoryService;

    @TempDir
    Path tmp;

    @AfterAll
    static void closeBrowser() {
        BROWSER.close();
    }

    @Test
    void aMarketerChangesTheWelcomeJourneyAndItsCopyPreviewsDeploysAndMovesAWaitingCustomer() throws IOException {
        String p = "compass-" + UUID.randomUUID().toString().substring(0, 8);
        String ada = p + "-ada";
        String bob = p + "-bob";
        int liveBefore = liveWelcome();
        int templateBefore = publishedTemplate();
        try {
            // Ada signed up before the change: she waits in the live version for her first order, up to 3 days.
            client().signUp(ada, ada + "@example.com", "Ada");
            awaitMail(ada + "@example.com", 1);
            Job adasTimer = awaitTimer(ada);
            Date adasDue = adasTimer.getDuedate();
            assertThat(versionOf(ada)).isEqualTo(liveBefore);

            String marketer = newUser(Roles.MARKETER, PASSWORD);
            StageflowClient asMarketer = client(marketer, PASSWORD);

            // 1. The wait from 3 days to 5: the live version downloaded, changed (as in Camunda Modeler), uploaded.
            String live = asMarketer.get("/api/v1/journeys/welcome/versions/" + liveBefore + "/bpmn")
                    .expectStatus(200).body();
            Path changed = Files.createDirectories(tmp.resolve("modeler")).resolve("welcome.bpmn");
            Files.writeString(changed, live.replace(">P3D<", ">P5D<").replace("name=\"3 days passed\"",
                    "name=\"5 days passed\""), StandardCharsets.UTF_8);

            // 2. A line of the welcome copy, in the editor, previewed for Ada, then published.
            BROWSER.signIn(baseUrl(), "/templates/welcome/edit", marketer, PASSWORD);
            BROWSER.await(By.name("customer")).sendKeys(ada + "@example.com");
            BROWSER.awaitText(By.cssSelector(".draft-subject"), "Hi Ada, welcome to Stageflow Demo Shop!");
            BROWSER.typeInEditor("subject.vm", NEW_SUBJECT);
            BROWSER.awaitText(By.cssSelector(".draft-subject"), "Hi Ada, your compass is ready at Stageflow Demo Shop!");
            BROWSER.driver().findElement(By.name("comment")).sendKeys("The compass copy");
            BROWSER.driver().findElement(By.xpath("//button[.='Publish']")).click();
            BROWSER.await(By.cssSelector(".notice"));
            assertThat(BROWSER.driver().findElement(By.cssSelector(".notice")).getText()).startsWith("Published version");

            // 3. The changed file simulated over the stored events of the last 30 days, before it goes live.
            BROWSER.driver().get(baseUrl() + "/journeys/welcome/simulate");
            BROWSER.await(By.id("simulate-file")).sendKeys(changed.toAbsolutePath().toString());
            BROWSER.driver().findElement(By.xpath("//button[.='Start the simulation']")).click();
            BROWSER.awaitAttribute(By.id("status"), "data-status", "DONE", java.time.Duration.ofMinutes(3));
            BROWSER.awaitAttribute(By.id("diagram"), "data-ready", "true");
            assertThat(Long.parseLong(BROWSER.driver().findElement(By.id("entered")).getText()))
                    .as("at least Ada, who signed up in the period").isPositive();
            assertThat(BROWSER.driver().findElement(By.cssSelector("#status h2")).getText()).contains("welcome.bpmn");
            assertThat(BROWSER.driver().findElements(By.cssSelector("#diagram .step-figures[data-step=SendWelcomeEmail]")))
                    .hasSize(1);
            assertThat(mailTo(ada + "@example.com")).as("a simulation sends nothing").hasSize(1);
            assertThat(liveWelcome()).as("nor deploys anything").isEqualTo(liveBefore);
            assertThat(BROWSER.accessibilityProblems()).as("the simulation's report").isEmpty();
            BROWSER.screenshot("journey-simulate");
            // And the live version tried on Ada, time running fast: her welcome now, the reminder after 3 days.
            BROWSER.driver().findElement(By.id("try-customer")).sendKeys(ada);
            BROWSER.driver().findElement(By.xpath("//button[.='Try it']")).click();
            assertThat(BROWSER.await(By.cssSelector("#tried .simulated-email")).getText()).contains("welcome");
            assertThat(BROWSER.driver().findElements(By.cssSelector("#tried .simulated-email")))
                    .as("the welcome and, with no order, the reminder").hasSize(2);
            assertThat(mailTo(ada + "@example.com")).as("trying sends nothing").hasSize(1);

            // 4. Deploy: version 2 of the journey, from the journey's page.
            BROWSER.driver().get(baseUrl() + "/journeys/welcome");
            BROWSER.await(By.id("journey-file")).sendKeys(changed.toAbsolutePath().toString());
            BROWSER.driver().findElement(By.id("journey-comment")).sendKeys("Wait 5 days for the first order");
            BROWSER.driver().findElement(By.cssSelector(".journey-upload button[type=submit]")).click();
            BROWSER.await(By.cssSelector("p.notice[role=status]"));
            int liveAfter = liveWelcome();
            assertThat(liveAfter).isEqualTo(liveBefore + 1);
            assertThat(BROWSER.driver().findElement(By.cssSelector(".journey-versions tbody tr[data-version='"
                    + liveAfter + "']")).getText()).contains(marketer).contains("Wait 5 days for the first order");

            // 5. A new signup takes the new version and gets the new copy; Ada stays where she is.
            client().signUp(bob, bob + "@example.com", "Bob");
            MimeMessage bobsEmail = awaitMail(bob + "@example.com", 1).get(0);
            assertThat(subjectOf(bobsEmail)).isEqualTo("Hi Bob, your compass is ready at Stageflow Demo Shop!");
            awaitTimer(bob);
            assertThat(versionOf(bob)).isEqualTo(liveAfter);
            assertThat(versionOf(ada)).isEqualTo(liveBefore);

            // 6. Ada moves to the new version in the console and keeps her timer.
            BROWSER.driver().get(baseUrl() + "/journeys/welcome/migrate?from=" + liveBefore + "&to=" + liveAfter);
            BROWSER.await(By.xpath("//button[.='Preview']")).click();
            BROWSER.await(By.cssSelector("#preview .can-move"));
            BROWSER.driver().findElement(By.xpath("//button[.='Migrate']")).click();
            BROWSER.await(By.cssSelector("p.notice[role=status]"));
            org.awaitility.Awaitility.await().atMost(PATIENCE).until(() -> versionOf(ada) == liveAfter);
            Job moved = awaitTimer(ada);
            assertThat(moved.getDuedate()).as("her 3-day wait keeps its due date").isEqualTo(adasDue);
            assertThat(BROWSER.accessibilityProblems()).as("the migrate page").isEmpty();
        } finally {
            putBack(liveBefore, templateBefore, ada, bob);
        }
    }

    private int liveWelcome() {
        return repositoryService.createProcessDefinitionQuery().processDefinitionKey("welcome").latestVersion()
                .singleResult().getVersion();
    }

    private int publishedTemplate() {
        return client().get("/api/v1/templates").expectStatus(200).json().findParents("key").stream()
                .filter(part -> part.path("key").asText().equals("welcome")).findFirst().orElseThrow()
                .path("publishedVersion").asInt();
    }

    private int versionOf(String customerId) {
        ProcessInstance instance = runtimeService.createProcessInstanceQuery().processDefinitionKey("welcome")
                .processInstanceBusinessKey(customerId).singleResult();
        return repositoryService.getProcessDefinition(instance.getProcessDefinitionId()).getVersion();
    }

    private Job awaitTimer(String customerId) {
        return org.awaitility.Awaitility.await().atMost(PATIENCE).until(() -> {
            ProcessInstance instance = runtimeService.createProcessInstanceQuery().processDefinitionKey("welcome")
                    .processInstanceBusinessKey(customerId).singleResult();
            return instance == null ? null : managementService.createJobQuery().processInstanceId(instance.getId())
                    .timers().singleResult();
        }, job -> job != null);
    }

    private static String subjectOf(MimeMessage message) {
        try {
            return message.getSubject();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The shipped journey and copy as the latest versions again, for the tests that follow; no one left in them. */
    private void putBack(int journeyVersion, int templateVersion, String... customers) throws IOException {
        for (String customer : customers) {
            runtimeService.createProcessInstanceQuery().processInstanceBusinessKey(customer).list()
                    .forEach(instance -> runtimeService.deleteProcessInstance(instance.getId(), "walkthrough done"));
        }
        if (liveWelcome() != journeyVersion) {
            ShippedJourneys.restore(repositoryService, "welcome");
        }
        if (publishedTemplate() != templateVersion) {
            client().post("/api/v1/templates/welcome/rollback", "{\"version\": " + templateVersion + "}")
                    .expectStatus(201);
        }
    }
}
