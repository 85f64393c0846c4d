package io.stageflow.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.stageflow.security.Roles;
import io.stageflow.templates.SwitchableApprovalSetting;
import io.stageflow.testing.Browser;
import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.StageflowClient;
import io.stageflow.testing.TestTemplates;

import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.util.FileSystemUtils;

/**
 * The console's templates in a real browser (docs/console.md): the list with each template's locales, a template
 * previewed for a real customer in a sandboxed frame in each of its languages, at a desktop's and a phone's width,
 * a test send that arrives, a template with a mistake shown with its file and line, operators kept out, a new
 * template made from the list, and the approval step: a marketer asks, an approver rejects, then approves.
 * Writes the guide's screenshot with {@code -Dstageflow.docs.write=true}.
 */
class TemplatesBrowserTest extends IntegrationTest {

    @RegisterExtension
    static final Browser BROWSER = new Browser();

    private static final String PASSWORD = "Password-for-templates-1";

    @Autowired
    SwitchableApprovalSetting approval;

    @AfterAll
    static void closeBrowser() {
        BROWSER.close();
    }

    @Test
    void aMarketerPreviewsTheWelcomeTemplateForACustomerInEachLanguageAndSendsThemselvesATest() {
        String id = "templates-" + UUID.randomUUID().toString().substring(0, 8);
        client().signUp(id, id + "@example.com", "Grace");
        signInAsMarketer("/templates");
        WebDriver browser = BROWSER.driver();

        BROWSER.awaitText(By.tagName("h1"), "Templates");
        WebElement welcome = browser.findElement(By.xpath("//table[contains(@class,'templates')]//tr[th/a[.='welcome']]"));
        assertThat(welcome.findElements(By.cssSelector(".locale")).stream().map(WebElement::getText))
                .containsExactly("default", "de");
        assertThat(welcome.findElement(By.xpath("td[2]")).getText())
                .isEqualTo("Hi there, welcome to Stageflow Demo Shop!");
        assertThat(BROWSER.accessibilityProblems()).as("/templates").isEmpty();
        BROWSER.screenshot("templates");

        welcome.findElement(By.linkText("welcome")).click();
        BROWSER.await(By.name("customer")).sendKeys(id + "@example.com");
        browser.findElement(By.cssSelector(".preview-choice button[type=submit]")).click();
        BROWSER.awaitText(By.cssSelector(".subject"), "Hi Grace, welcome to Stageflow Demo Shop!");
        assertThat(browser.findElement(By.cssSelector(".rendered-locale")).getText())
                .isEqualTo("the template's own folder");
        assertThat(browser.findElement(By.cssSelector(".text-part pre")).getText()).contains("Hi Grace,");

        WebElement frame = browser.findElement(By.id("preview-frame"));
        assertThat(frame.getAttribute("sandbox")).as("sandboxed, and no script may run in it").isNotNull()
                .doesNotContain("allow-scripts");
        assertThat(frame.getSize().getWidth()).as("desktop width").isEqualTo(600);
        BROWSER.screenshot("template");
        browser.switchTo().frame(frame);
        try {
            new WebDriverWait(browser, PATIENCE).until(ExpectedConditions.textToBePresentInElementLocated(
                    By.tagName("body"), "Hi Grace,"));
            assertThat(browser.findElement(By.tagName("body")).getText()).contains("Start exploring");
        } finally {
            browser.switchTo().defaultContent();
        }

        browser.findElement(By.cssSelector("button[data-width=mobile]")).click();
        new WebDriverWait(browser, PATIENCE).until(driver -> frame.getSize().getWidth() == 375);
        assertThat(browser.findElement(By.cssSelector("button[data-width=mobile]")).getAttribute("aria-pressed"))
                .isEqualTo("true");
        assertThat(BROWSER.accessibilityProblems()).as("/templates/welcome").isEmpty();

        new Select(browser.findElement(By.name("locale"))).selectByValue("de");
        browser.findElement(By.cssSelector(".preview-choice button[type=submit]")).click();
        BROWSER.awaitText(By.cssSelector(".subject"), "Willkommen bei Stageflow Demo Shop, Grace!");
        assertThat(browser.findElement(By.cssSelector(".rendered-locale")).getText()).isEqualTo("the de folder");

        String tester = "tester-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        assertThat(browser.findElement(By.name("to")).getAttribute("value")).as("no address until typed").isEmpty();
        browser.findElement(By.name("to")).sendKeys(tester);
        ((JavascriptExecutor) browser).executeScript("window.stillThisPage = true;");
        browser.findElement(By.cssSelector(".test-send button[type=submit]")).click();
        assertThat(BROWSER.await(By.cssSelector(".test-send .notice")).getText())
                .startsWith("Sent to " + tester + ": “[TEST] Willkommen bei Stageflow Demo Shop, Grace!”");
        assertThat(((JavascriptExecutor) browser).executeScript("return window.stillThisPage === true;"))
                .as("htmx swapped the result in, the page stayed").isEqualTo(true);
        List<MimeMessage> mail = awaitMail(tester, 1);
        assertThat(mail).hasSize(1);
        assertThat(subjectOf(mail.get(0))).isEqualTo("[TEST] Willkommen bei Stageflow Demo Shop, Grace!");
        assertThat(browser.getCurrentUrl()).as("still on the customer's German preview").contains("locale=de")
                .contains("customer=");
    }

    @Test
    void thePreviewFrameHasAPolicyOfItsOwnThatLetsNothingRun() throws IOException, InterruptedException {
        String marketer = newUser(Roles.MARKETER, PASSWORD);
        HttpResponse<String> preview = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                client().uri("/templates/welcome/preview.html?locale=de&traits=%7B%22firstName%22%3A%22Ada%22%7D"))
                .header("Authorization", StageflowClient.basic(marketer, PASSWORD)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(preview.statusCode()).isEqualTo(200);
        assertThat(preview.body()).contains("Hallo Ada").doesNotContain("/o/").doesNotContain("/c/");
        String policy = preview.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(policy).contains("default-src 'none'", "frame-ancestors 'self'", "sandbox")
                .doesNotContain("script-src");
        assertThat(preview.headers().allValues("X-Frame-Options")).containsExactly("SAMEORIGIN");
        assertThat(preview.headers().allValues("Content-Security-Policy")).hasSize(1);

        HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                client().uri("/templates/welcome")).header("Authorization", StageflowClient.basic(marketer, PASSWORD))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.headers().allValues("X-Frame-Options")).as("the console's own pages").containsExactly("DENY");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
                .contains("frame-ancestors 'none'");
    }

    @Test
    void aTemplateWithAMistakeShowsTheFileAndLineAndBadInputNamesTheField() throws IOException {
        String key = "console-broken-" + UUID.randomUUID().toString().substring(0, 8);
        Path folder = TestTemplates.writeAndAwait(jdbc, key, Map.of("subject.vm", "Hello", "text.vm", "Hello",
                "html.vm", "<p>Hello</p>\n<p>#if($customer.firstName Hi#end</p>\n"));
        try {
            signInAsMarketer("/templates");
            WebElement row = BROWSER.driver().findElement(By.xpath("//tr[th/a[.='" + key + "']]"));
            assertThat(row.findElement(By.cssSelector(".problem")).getText())
                    .startsWith("Cannot be rendered: templates/" + key + "/html.vm does not parse (line 2");

            BROWSER.driver().get(baseUrl() + "/templates/" + key);
            WebElement problem = BROWSER.await(By.cssSelector(".template-problem"));
            assertThat(problem.getText()).contains("This template cannot be rendered", "templates/" + key + "/html.vm",
                    "Line\n2, column");
            assertThat(BROWSER.driver().findElements(By.id("preview-frame"))).isEmpty();
            assertThat(BROWSER.driver().findElements(By.name("to"))).as("no test send of a broken template").isEmpty();
            assertThat(BROWSER.accessibilityProblems()).as("a broken template's page").isEmpty();

            BROWSER.driver().get(baseUrl() + "/templates/welcome?customer=no-such-customer");
            assertThat(BROWSER.await(By.cssSelector(".preview-choice .problem")).getText())
                    .isEqualTo("Customer: no customer has the id or email address no-such-customer.");
            assertThat(BROWSER.driver().findElement(By.name("customer")).getAttribute("aria-invalid")).isEqualTo("true");

            BROWSER.driver().get(baseUrl() + "/templates/welcome?locale=de");
            WebElement to = BROWSER.await(By.name("to"));
            ((JavascriptExecutor) BROWSER.driver()).executeScript(
                    "arguments[0].type = 'text'; arguments[0].required = false;", to);
            to.sendKeys("not-an-address");
            BROWSER.driver().findElement(By.cssSelector(".test-send button[type=submit]")).click();
            assertThat(BROWSER.await(By.cssSelector(".test-send .problem")).getText())
                    .isEqualTo("Send to: must be a well-formed email address.");
            assertThat(BROWSER.driver().findElement(By.name("to")).getAttribute("value"))
                    .as("kept, to be corrected").isEqualTo("not-an-address");
            assertThat(BROWSER.driver().findElement(By.name("to")).getAttribute("aria-invalid")).isEqualTo("true");

            BROWSER.driver().get(baseUrl() + "/templates/welcome?traits=not-json");
            assertThat(BROWSER.await(By.cssSelector(".preview-choice .problem")).getText())
                    .startsWith("Sample traits: must be a JSON object");

            BROWSER.driver().get(baseUrl() + "/templates/no-such-template");
            BROWSER.awaitText(By.tagName("h1"), "Not found");
        } finally {
            FileSystemUtils.deleteRecursively(folder);
        }
    }

    @Test
    void aMarketerSeesATemplatesVersionsWhatChangedAndRollsBack() {
        String key = "console-versions-" + UUID.randomUUID().toString().substring(0, 8);
        for (String[] version : new String[][] {{"0", "Hello ${customer.firstName|'there'}", "first copy"},
                {"1", "Welcome, ${customer.firstName|'there'}!", "warmer subject line"}}) {
            client().post("/api/v1/templates/" + key + "/versions", ("{\"baseVersion\": %s, \"publish\": true,"
                    + " \"comment\": \"%s\", \"files\": {\"subject.vm\": \"%s\", \"html.vm\": \"<p>Hi</p>\","
                    + " \"text.vm\": \"Hi\"}}").formatted(version[0], version[2], version[1]))
                    .expectStatus(201);
        }
        signInAsMarketer("/templates/" + key);
        WebDriver browser = BROWSER.driver();
        WebElement versions = BROWSER.await(By.cssSelector(".template-versions table"));
        assertThat(versions.findElements(By.cssSelector("tbody th")).stream().map(WebElement::getText))
                .containsExactly("2 (published)", "1");
        assertThat(versions.findElement(By.cssSelector("tbody tr")).getText()).contains("in the console",
                "warmer subject line");
        assertThat(BROWSER.accessibilityProblems()).as("a template's versions").isEmpty();

        versions.findElement(By.linkText("2")).click();
        BROWSER.awaitText(By.cssSelector(".version-status"), "Published: emails are rendered from it");
        assertThat(browser.findElement(By.cssSelector(".diff-del")).getText())
                .isEqualTo("-Hello ${customer.firstName|'there'}");
        assertThat(browser.findElement(By.cssSelector(".diff-add")).getText())
                .isEqualTo("+Welcome, ${customer.firstName|'there'}!");
        assertThat(BROWSER.accessibilityProblems()).as("a version's page").isEmpty();
        BROWSER.screenshot("template-version");

        browser.get(baseUrl() + "/templates/" + key + "/versions/1");
        browser.findElement(By.xpath("//button[normalize-space()='Roll back to version 1']")).click();
        BROWSER.awaitText(By.cssSelector(".notice"),
                "Rolled back: version 3 has the files of version 1, and is published.");
        assertThat(browser.getCurrentUrl()).endsWith("/templates/" + key + "/versions/3");
        assertThat(browser.findElement(By.cssSelector(".version-facts")).getText()).contains("Rolled back to version 1");

        browser.get(baseUrl() + "/templates/" + key);
        BROWSER.awaitText(By.cssSelector(".subject"), "Hello there");
    }

    @Test
    void aMarketerEditsACopyLineSeesItLiveForACustomerIsShownAMistakeOnItsLineAndPublishes() {
        String customer = "editor-" + UUID.randomUUID().toString().substring(0, 8);
        client().signUp(customer, customer + "@example.com", "Grace");
        String key = "console-editor-" + UUID.randomUUID().toString().substring(0, 8);
        client().post("/api/v1/templates/" + key + "/versions", "{\"baseVersion\": 0, \"publish\": true, \"files\":"
                + " {\"subject.vm\": \"Hello ${customer.firstName|'there'}\", \"html.vm\": \"<p>Thanks for joining.</p>\","
                + " \"text.vm\": \"Thanks for joining.\"}}").expectStatus(201);
        signInAsMarketer("/templates/" + key);
        WebDriver browser = BROWSER.driver();
        BROWSER.await(By.linkText("Edit")).click();
        BROWSER.awaitText(By.cssSelector(".draft-subject"), "Hello there");

        BROWSER.await(By.name("customer")).sendKeys(customer + "@example.com");
        BROWSER.awaitText(By.cssSelector(".draft-subject"), "Hello Grace");

        type("subject.vm", "Welcome aboard, ${customer.firstName|'there'}!");
        BROWSER.awaitText(By.cssSelector(".draft-subject"), "Welcome aboard, Grace!");
        type("html.vm", "<p>Thanks for joining.</p>\n<p>#if($customer.firstName Hi#end</p>");
        BROWSER.await(By.cssSelector("#draft-preview .template-problem"));
        assertThat(browser.findElement(By.cssSelector("#draft-preview .problem-text")).getText())
                .startsWith("templates/" + key + "/html.vm does not parse (line 2");
        WebElement marked = BROWSER.await(By.cssSelector(".problem-line"));
        assertThat(marked.getText()).isEqualTo("<p>#if($customer.firstName Hi#end</p>");
        assertThat(browser.findElement(By.cssSelector(".problem-note")).getText()).contains("does not parse");
        assertThat(BROWSER.accessibilityProblems()).as("the editor, with a mistake marked").isEmpty();
        BROWSER.screenshot("template-edit");

        browser.findElement(By.xpath("//button[.='Publish']")).click();
        assertThat(BROWSER.await(By.cssSelector("main > .problem")).getText()).startsWith("Not published: templates/"
                + key + "/html.vm does not parse");
        BROWSER.await(By.cssSelector(".problem-line"));

        type("html.vm", "<p>Thanks for joining, ${customer.firstName|'friend'}.</p>");
        BROWSER.awaitText(By.cssSelector(".draft-subject"), "Welcome aboard, Grace!");
        String tester = "draft-tester-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        browser.findElement(By.id("test-to")).sendKeys(tester);
        browser.findElement(By.xpath("//button[.='Send test']")).click();
        assertThat(BROWSER.await(By.cssSelector(".test-sent")).getText())
                .startsWith("Sent to " + tester + ": “[TEST] Welcome aboard, Grace!”");
        assertThat(awaitMail(tester, 1)).singleElement().extracting(TemplatesBrowserTest::subjectOf)
                .isEqualTo("[TEST] Welcome aboard, Grace!");
        assertThat(jdbc.sql("select latest_version from sf_template where template_key = ?").param(key)
                .query(Integer.class).single()).as("a test send saves nothing").isEqualTo(1);
        browser.findElement(By.name("comment")).sendKeys("A warmer welcome");
        browser.findElement(By.xpath("//button[.='Publish']")).click();
        BROWSER.awaitText(By.cssSelector(".notice"),
                "Published version 2: every email from now on is rendered from it.");
        assertThat(browser.findElement(By.cssSelector(".version-facts")).getText()).contains("A warmer welcome");

        browser.get(baseUrl() + "/templates/" + key + "/edit");
        BROWSER.awaitText(By.cssSelector(".draft-subject"), "Welcome aboard, there!");
        client().post("/api/v1/templates/" + key + "/versions", "{\"baseVersion\": 2, \"publish\": false, \"files\":"
                + " {\"subject.vm\": \"Someone else's\", \"html.vm\": \"<p>Hi</p>\", \"text.vm\": \"Hi\"}}")
                .expectStatus(201);
        type("subject.vm", "Mine");
        browser.findElement(By.xpath("//button[.='Save draft']")).click();
        assertThat(BROWSER.await(By.cssSelector("main > .problem")).getText()).startsWith("Not saved: version 3 of "
                + key + " was saved by admin");
        assertThat(browser.findElement(By.cssSelector(".base-version")).getText()).isEqualTo("3");
        assertThat(((JavascriptExecutor) browser).executeScript(
                "return document.querySelector('textarea[data-file=\"subject.vm\"]').value")).isEqualTo("Mine");
    }

    @Test
    void aMarketerCreatesATemplateAsksForApprovalAndAnApproverRejectsThenApprovesIt() {
        approval.switchOn();
        try {
            String marketer = newUser(Roles.MARKETER, PASSWORD);
            String key = "console-new-" + UUID.randomUUID().toString().substring(0, 8);
            BROWSER.signIn(baseUrl(), "/templates", marketer, PASSWORD);
            WebDriver browser = BROWSER.driver();
            WebElement form = BROWSER.await(By.cssSelector(".new-template form"));
            form.findElement(By.name("key")).sendKeys("welcome");
            form.findElement(By.xpath(".//button[.='Create and edit']")).click();
            assertThat(BROWSER.await(By.cssSelector(".new-template .problem")).getText()).startsWith("Key: Template"
                    + " 'welcome' exists already");
            form = browser.findElement(By.cssSelector(".new-template form"));
            assertThat(form.findElement(By.name("key")).getAttribute("value")).as("kept").isEqualTo("welcome");
            form.findElement(By.name("key")).clear();
            form.findElement(By.name("key")).sendKeys(key);
            WebElement subject = form.findElement(By.name("subject"));
            subject.clear();
            subject.sendKeys("Spring is here, ${customer.firstName|'there'}");
            assertThat(BROWSER.accessibilityProblems()).as("/templates with the new-template form").isEmpty();
            BROWSER.screenshot("template-new");
            form.findElement(By.xpath(".//button[.='Create and edit']")).click();

            BROWSER.awaitText(By.cssSelector(".notice"), "Created " + key + " as draft version 1: change it,"
                    + " preview it, and publish it when it is ready.");
            assertThat(browser.getCurrentUrl()).endsWith("/templates/" + key + "/edit");
            BROWSER.awaitText(By.cssSelector(".draft-subject"), "Spring is here, there");
            WebElement ask = browser.findElement(By.cssSelector("button[name=action][value=publish]"));
            assertThat(ask.getText()).isEqualTo("Ask for approval");
            browser.findElement(By.name("comment")).sendKeys("Our spring email");
            ask.click();
            BROWSER.awaitText(By.cssSelector(".notice"), "Saved version 2 and asked for approval: it is published"
                    + " once an approver approves it.");
            assertThat(browser.findElement(By.cssSelector(".version-status")).getText())
                    .startsWith("Awaiting approval (asked by " + marketer + " at ");
            assertThat(browser.findElements(By.cssSelector(".approve-form"))).as("not for the one who asked").isEmpty();

            String approver = newUser(Roles.APPROVER, PASSWORD);
            BROWSER.signIn(baseUrl(), "/templates/approvals", approver, PASSWORD);
            assertThat(browser.findElements(By.linkText("Templates"))).as("in the top bar").isNotEmpty();
            WebElement row = BROWSER.await(By.xpath("//table[contains(@class,'approvals')]//tr[th/code[.='" + key
                    + "']]"));
            assertThat(row.getText()).contains("Version 2", marketer, "Our spring email");
            assertThat(BROWSER.accessibilityProblems()).as("/templates/approvals").isEmpty();
            BROWSER.screenshot("template-approvals");
            row.findElement(By.linkText("Version 2")).click();

            BROWSER.await(By.cssSelector(".reject-form input[name=reason]")).sendKeys("Name the sale's last day");
            assertThat(BROWSER.accessibilityProblems()).as("a version awaiting approval").isEmpty();
            BROWSER.screenshot("template-approve");
            browser.findElement(By.xpath("//button[.='Reject']")).click();
            BROWSER.awaitText(By.cssSelector(".notice"), "Rejected: version 2 stays unpublished.");
            assertThat(browser.findElement(By.cssSelector(".version-status")).getText()).isEqualTo("Not published");
            assertThat(browser.findElement(By.cssSelector(".approval-decision")).getText())
                    .contains("by " + approver, "Name the sale's last day");

            BROWSER.signIn(baseUrl(), "/templates/" + key + "/versions/2", marketer, PASSWORD);
            browser.findElement(By.xpath("//button[.='Ask for approval to publish version 2']")).click();
            BROWSER.awaitText(By.cssSelector(".notice"), "Asked for approval: version 2 is published once an approver"
                    + " approves it.");

            BROWSER.signIn(baseUrl(), "/templates/" + key + "/versions/2", approver, PASSWORD);
            assertThat(browser.findElements(By.linkText("Edit"))).as("approvers do not edit").isEmpty();
            BROWSER.await(By.xpath("//button[.='Approve and publish']")).click();
            BROWSER.awaitText(By.cssSelector(".notice"), "Approved: version 2 is published, every email from now on"
                    + " is rendered from it.");
            assertThat(browser.findElement(By.cssSelector(".version-status")).getText())
                    .isEqualTo("Published: emails are rendered from it");
            browser.get(baseUrl() + "/templates/" + key);
            BROWSER.awaitText(By.cssSelector(".subject"), "Spring is here, there");
            browser.get(baseUrl() + "/templates/" + key + "/edit");
            BROWSER.awaitText(By.tagName("h1"), "Not allowed");
        } finally {
            approval.switchOff();
        }
    }

    @Test
    void aLayoutsEditorSaysWhichTemplatesAPublishWouldChange() {
        signInAsMarketer("/templates/_layouts.default/edit");
        WebElement usedBy = BROWSER.await(By.cssSelector(".used-by"));
        assertThat(usedBy.getText()).startsWith("Publishing changes ").contains("welcome");
        assertThat(usedBy.findElements(By.linkText("welcome"))).hasSize(1);
        assertThat(BROWSER.driver().findElement(By.cssSelector("button[name=action][value=publish]")).getText())
                .isEqualTo("Publish");
    }

    /** Replaces the whole text of one file in the editor, typed as a person would. */
    private void type(String file, String text) {
        WebElement editor = BROWSER.driver().findElement(By.xpath(
                "//textarea[@data-file='" + file + "']/following-sibling::div[contains(@class,'CodeMirror')]"));
        editor.click();
        WebElement input = editor.findElement(By.cssSelector("textarea"));
        input.sendKeys(org.openqa.selenium.Keys.chord(org.openqa.selenium.Keys.CONTROL, "a"));
        input.sendKeys(org.openqa.selenium.Keys.DELETE);
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (i > 0) {
                input.sendKeys(org.openqa.selenium.Keys.ENTER);
            }
            input.sendKeys(lines[i]);
        }
    }

    @Test
    void anOperatorIsRefusedAndSeesNoLinkToTemplates() {
        String operator = newUser(Roles.OPERATOR, "Password-for-operator-1");
        BROWSER.signIn(baseUrl(), "/journeys", operator, "Password-for-operator-1");
        assertThat(BROWSER.driver().findElements(By.linkText("Templates"))).isEmpty();
        BROWSER.driver().get(baseUrl() + "/templates/welcome");
        BROWSER.awaitText(By.tagName("h1"), "Not allowed");
    }

    @Test
    void thePagesFitAPhonesWidth() {
        signInAsMarketer("/templates");
        BROWSER.driver().manage().window().setSize(new Dimension(390, 844));
        try {
            for (String page : List.of("/templates", "/templates/welcome?locale=de", "/templates/welcome/versions/1",
                    "/templates/welcome/edit")) {
                BROWSER.driver().get(baseUrl() + page);
                BROWSER.await(page.endsWith("/edit") ? By.cssSelector(".draft-subject") : By.tagName("h1"));
                Object overflow = ((JavascriptExecutor) BROWSER.driver()).executeScript(
                        "return document.documentElement.scrollWidth - window.innerWidth;");
                Object widest = ((JavascriptExecutor) BROWSER.driver()).executeScript("return Array.from("
                        + "document.querySelectorAll('main *')).filter(e => e.scrollWidth > e.clientWidth"
                        + " && getComputedStyle(e).overflowX === 'visible' && !e.closest('.CodeMirror')).slice(0, 5)"
                        + ".map(e => e.tagName + '.' + e.className).join(', ');");
                assertThat(((Number) overflow).intValue()).as(page + ": wider than the screen (overflowing: " + widest + ") by")
                        .isLessThanOrEqualTo(0);
            }
        } finally {
            BROWSER.driver().manage().window().setSize(new Dimension(1280, 900));
        }
    }

    private void signInAsMarketer(String landing) {
        BROWSER.signIn(baseUrl(), landing, newUser(Roles.MARKETER, PASSWORD), PASSWORD);
    }

    private static String subjectOf(MimeMessage message) {
        try {
            return message.getSubject();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
