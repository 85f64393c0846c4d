package io.stageflow.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.text.NumberFormat;
import java.util.Locale;
import java.util.UUID;

import io.stageflow.experiments.ExperimentAssignments;
import io.stageflow.experiments.ExperimentAssignments.Split;
import io.stageflow.experiments.ExperimentAssignments.Variant;
import io.stageflow.security.Roles;
import io.stageflow.testing.Browser;
import io.stageflow.testing.DemoJourneys;
import io.stageflow.testing.IntegrationTest;

import com.fasterxml.jackson.databind.JsonNode;
import org.camunda.bpm.engine.RepositoryService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The marketer's console in a real browser (docs/console.md): signing in and out with the API's users, CSRF
 * refusal, the journey page's numbers on the diagram matching the analytics API and its experiments panel, the home
 * page's figures and chart, and a user without a Stageflow role kept out. Writes the guide's screenshots with {@code -Dstageflow.docs.write=true}.
 */
class ConsoleBrowserTest extends IntegrationTest {

    @RegisterExtension
    static final Browser BROWSER = new Browser();

    @AfterAll
    static void closeBrowser() {
        BROWSER.close();
    }

    @Test
    void aPageAsksForSignInAndAWrongPasswordIsRefusedThenTheRightOneLandsOnIt() {
        WebDriver browser = BROWSER.driver();
        browser.manage().deleteAllCookies();
        browser.get(baseUrl() + "/journeys");
        assertThat(browser.getCurrentUrl()).endsWith("/login");
        BROWSER.screenshot("sign-in");
        signIn("admin", "not-the-password");
        assertThat(BROWSER.await(By.cssSelector(".problem")).getText()).contains("do not match");
        signIn("admin", ADMIN_PASSWORD);
        BROWSER.await(By.cssSelector("h1"));
        assertThat(browser.getCurrentUrl()).contains("/journeys");
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Journeys");
        assertThat(browser.findElement(By.cssSelector(".user")).getText()).isEqualTo("admin");

        browser.findElement(By.cssSelector(".sign-out button")).click();
        BROWSER.await(By.cssSelector(".notice"));
        assertThat(browser.getCurrentUrl()).contains("/login?signed-out");
        browser.get(baseUrl() + "/");
        assertThat(browser.getCurrentUrl()).endsWith("/login");
    }

    @Test
    void aPostWithoutTheCsrfTokenIsRefusedEvenWhenSignedIn() {
        signInAsAdmin();
        Object status = ((JavascriptExecutor) BROWSER.driver()).executeAsyncScript("""
                var done = arguments[arguments.length - 1];
                fetch('/logout', {method: 'POST', credentials: 'same-origin', redirect: 'manual'})
                  .then(function (r) { done(r.status); });""");
        assertThat(((Number) status).intValue()).isEqualTo(403);
        BROWSER.driver().get(baseUrl() + "/journeys");
        assertThat(BROWSER.driver().getCurrentUrl()).as("still signed in").endsWith("/journeys");
    }

    @Test
    void theJourneyPageDrawsTheDiagramWithEachStepsCountsAsTheAnalyticsApiReportsThem() {
        String id = "console-" + UUID.randomUUID().toString().substring(0, 8);
        client().signUp(id, id + "@example.com", "Ada");
        await().atMost(PATIENCE).until(() -> jdbc.sql("select count(*) from sf_outbox where customer_id = ?"
                + " and status = 'SENT'").param(id).query(Long.class).single() > 0);

        signInAsAdmin();
        BROWSER.driver().get(baseUrl() + "/journeys/welcome");
        BROWSER.awaitAttribute(By.id("diagram"), "data-ready", "true");
        String from = BROWSER.driver().findElement(By.name("from")).getAttribute("value");
        String to = BROWSER.driver().findElement(By.name("to")).getAttribute("value");
        JsonNode api = client().get("/api/v1/analytics/journeys/welcome?from=" + from + "&to=" + to)
                .expectStatus(200).json();
        NumberFormat number = NumberFormat.getIntegerInstance(Locale.US);
        assertThat(api.path("steps").size()).isPositive();
        for (JsonNode step : api.path("steps")) {
            String reached = ".step-figures[data-step='" + step.path("id").asText() + "'] .reached";
            assertThat(BROWSER.driver().findElement(By.cssSelector(reached)).getText())
                    .as(step.path("id").asText()).isEqualTo(number.format(step.path("reached").asLong()));
        }
        assertThat(BROWSER.driver().findElement(By.id("entered")).getText())
                .isEqualTo(number.format(api.path("entered").asLong()));
        java.util.Set<String> drawn = new java.util.HashSet<>();
        api.path("steps").forEach(step -> drawn.add(step.path("id").asText()));
        JsonNode send = null;
        for (JsonNode email : api.path("emails")) {
            if (send == null && drawn.contains(email.path("step").asText())) {
                send = email; // a step of the diagram drawn (an older version's steps are not on it)
            }
        }
        assertThat(send).as("the welcome email's send step").isNotNull();
        assertThat(BROWSER.driver().findElement(By.cssSelector(".step-figures[data-step='" + send.path("step").asText()
                + "'] .emails")).getText()).startsWith(number.format(send.path("figures").path("sent").asLong())
                + " sent");

        BROWSER.driver().findElement(By.cssSelector("#steps tbody tr[data-step='" + send.path("step").asText()
                + "'] button")).click();
        assertThat(BROWSER.await(By.cssSelector("#step dl")).getText()).contains("Emails sent");
        var preview = BROWSER.await(By.cssSelector("#step iframe.step-preview"));
        assertThat(preview.getAttribute("sandbox")).isEmpty();
        assertThat(preview.getAttribute("src")).endsWith("/templates/" + send.path("template").asText()
                + "/preview.html");
        BROWSER.driver().switchTo().frame(preview);
        try {
            assertThat(BROWSER.await(By.tagName("body")).getText()).isNotBlank();
        } finally {
            BROWSER.driver().switchTo().defaultContent();
        }
        BROWSER.driver().findElement(By.id("heat-map")).click();
        assertThat(BROWSER.driver().findElements(By.cssSelector(".djs-element[class*='heat-']"))).isNotEmpty();
        ((JavascriptExecutor) BROWSER.driver()).executeScript("document.getElementById('diagram').scrollIntoView()");
        BROWSER.screenshot("journey");
    }

    @Autowired
    ExperimentAssignments assignments;

    @Test
    void theJourneyPageShowsItsExperimentsArmsAndTheFormsToDecide() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String key = "subject-line-" + run;
        Split split = new Split(key, java.util.List.of(new Variant("Control", 50), new Variant("Short subject", 50)),
                "Holdout", 10);
        assignments.enter(split, "upsell", "browser-" + run, "browser-" + run);
        jdbc.sql("delete from sf_experiment_entry where experiment_key = ?").param(key).update();
        experimentEntries(key, run, "Control", false, 1_210, 61);
        experimentEntries(key, run, "Short subject", false, 1_185, 83);
        experimentEntries(key, run, "Holdout", true, 262, 9);
        jdbc.sql("""
                insert into sf_experiment_order (entry_id, order_key, experiment_key, currency, amount_cents, ordered_at)
                select id, concat('order-', id), experiment_key, 'USD', 4200, entered_at from sf_experiment_entry
                where experiment_key = ? and converted_at is not null""").param(key).update();

        signInAsAdmin();
        BROWSER.driver().get(baseUrl() + "/journeys/upsell");
        var card = BROWSER.await(By.cssSelector("article.experiment[data-experiment='" + key + "']"));
        assertThat(card.findElement(By.tagName("h3")).getText()).contains(key, "Running");
        assertThat(card.findElement(By.cssSelector("tr[data-arm='Short subject']")).getText())
                .startsWith("Short subject 1,185 83 7.0%").contains(" pts");
        assertThat(card.findElement(By.cssSelector("tr[data-arm='Holdout']")).getText())
                .startsWith("Holdout holdout 262 9 3.4%").endsWith("reference");
        assertThat(card.findElement(By.cssSelector(".reason")).getText()).isNotBlank();
        assertThat(card.findElements(By.cssSelector("form.decide select option")).stream()
                .map(option -> option.getText()).toList()).containsExactly("Control", "Short subject");
        assertThat(BROWSER.accessibilityProblems()).isEmpty();
        ((JavascriptExecutor) BROWSER.driver()).executeScript("arguments[0].scrollIntoView()",
                BROWSER.driver().findElement(By.cssSelector("section.experiments")));
        BROWSER.screenshot("journey-experiment");

        new org.openqa.selenium.support.ui.Select(card.findElement(By.cssSelector("form.decide select")))
                .selectByVisibleText("Short subject");
        card.findElement(By.cssSelector("form.decide button")).click();
        assertThat(BROWSER.await(By.cssSelector(".experiments .notice")).getText())
                .contains("Experiment " + key + ": Decided for Short subject");
        assertThat(BROWSER.driver().getCurrentUrl()).endsWith("/journeys/upsell");
        assertThat(assignments.experiment(key).orElseThrow().winner()).isEqualTo("Short subject");
    }

    @Autowired
    RepositoryService repositoryService;

    @Test
    void aMarketerPreviewsAWebhookStepsBodyForACustomerOnTheJourneyPage() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String key = "loyalty-points-" + run;
        String bpmn = DemoJourneys.copyAs("webhook-demo", key)
                .replace("name=\"webhook_demo\"", "name=\"loyalty_points_" + run + "\"");
        repositoryService.createDeployment().addString(key + ".bpmn", bpmn).deploy();
        String customer = "ada-" + run;
        client().putCustomer(customer, "{\"email\":\"ada@example.com\",\"firstName\":\"Ada\"}").expectStatus(201);

        signInAsAdmin();
        BROWSER.driver().get(baseUrl() + "/journeys/" + key);
        var step = BROWSER.await(By.cssSelector("article.channel-step[data-step='GrantPoints']"));
        step.findElement(By.name("previewCustomer")).sendKeys(customer);
        step.findElement(By.cssSelector("form.channel-preview-form button")).click();

        var preview = BROWSER.await(By.cssSelector("article.channel-step[data-step='GrantPoints'] .channel-preview"));
        assertThat(preview.findElement(By.cssSelector(".recipient")).getText()).isEqualTo("loyalty");
        assertThat(preview.findElement(By.cssSelector("pre.content")).getText())
                .contains("\"email\" : \"ada@example.com\"", "\"name\" : \"Ada\"", "\"points\" : 100");
        assertThat(preview.getText()).contains("may be sent now", "signatures");
        assertThat(jdbc.sql("select count(*) from sf_outbox where customer_id = ?").param(customer)
                .query(Long.class).single()).as("a preview sends nothing").isZero();
        assertThat(BROWSER.accessibilityProblems()).isEmpty();
        ((JavascriptExecutor) BROWSER.driver()).executeScript("arguments[0].scrollIntoView()",
                BROWSER.driver().findElement(By.cssSelector("section.channel-steps")));
        BROWSER.screenshot("journey-channel-preview");
    }

    private void experimentEntries(String key, String run, String variant, boolean holdout, int entered,
            int converted) {
        java.sql.Timestamp at = java.sql.Timestamp.from(java.time.Instant.now());
        for (int i = 0; i < entered; i++) {
            String id = "browser-" + run + "-" + variant.charAt(0) + i;
            jdbc.sql("""
                    insert into sf_experiment_entry (experiment_key, journey_key, journey_instance_id, customer_id,
                        variant, holdout, entered_at, converted_at) values (?, ?, ?, ?, ?, ?, ?, ?)""")
                    .params(key, "upsell", id, id, variant, holdout, at, i < converted ? at : null).update();
        }
    }

    @Test
    void aJourneysPageLinksToItsGuide() {
        BROWSER.signIn(baseUrl(), "/journeys/welcome", "admin", ADMIN_PASSWORD);
        BROWSER.driver().findElement(By.linkText("How this journey works")).click();
        BROWSER.awaitText(By.tagName("h1"), "Welcome journey");
        assertThat(BROWSER.driver().findElement(By.cssSelector(".guide table")).getText())
                .contains("Send welcome email");
        assertThat(BROWSER.driver().findElements(By.cssSelector(".guide a[href*='.bpmn']")))
                .as("links into the repository lose their address").isEmpty();
        assertThat(BROWSER.accessibilityProblems()).isEmpty();
        BROWSER.driver().get(baseUrl() + "/journeys/no-such-journey/guide");
        BROWSER.awaitText(By.tagName("h1"), "Not found");
    }

    @Test
    void aCustomersTimelineShowsTheirWelcomeEmailAndWhyItWasSent() {
        String id = "console-ada-" + UUID.randomUUID().toString().substring(0, 8);
        client().signUp(id, id + "@example.com", "Ada");
        await().atMost(PATIENCE).until(() -> jdbc.sql("select count(*) from sf_outbox where customer_id = ?"
                + " and status = 'SENT'").param(id).query(Long.class).single() > 0);

        signInAsAdmin();
        BROWSER.driver().get(baseUrl() + "/customers");
        BROWSER.await(By.name("q")).sendKeys(id + "@example.com");
        BROWSER.driver().findElement(By.cssSelector("form[role=search] button")).click();
        BROWSER.awaitText(By.tagName("h1"), "Ada (" + id + ")");
        assertThat(BROWSER.driver().findElements(By.cssSelector(".timeline > li")).stream()
                .map(entry -> entry.getAttribute("data-kind")).toList()).contains("event", "journey", "stage", "email");
        var email = BROWSER.driver().findElement(By.cssSelector(".timeline > li[data-kind=email]"));
        assertThat(email.getText()).contains("Email welcome sent");
        email.findElement(By.tagName("summary")).click();
        assertThat(email.findElement(By.cssSelector(".why")).getText())
                .contains("Sent by the journey Welcome series (version ").contains("step \"Send welcome email\".")
                .contains("The journey started on the event signed_up (signup-" + id + ")");
        assertThat(BROWSER.driver().findElements(By.cssSelector(".profile-section h2")).stream()
                .map(heading -> heading.getText()).toList())
                .containsExactly("Coupons", "Referrals", "Loyalty", "Predictions");
        BROWSER.screenshot("customer");

        // The email as she got it: its HTML in a frame that runs nothing and follows no link, its text as written.
        email.findElement(By.cssSelector("a.copy")).click();
        assertThat(BROWSER.await(By.tagName("h1")).getText()).isNotBlank();
        assertThat(BROWSER.driver().findElement(By.cssSelector(".email-text")).getText()).contains("Ada");
        var frame = BROWSER.driver().findElement(By.cssSelector("iframe.email-copy"));
        assertThat(frame.getAttribute("sandbox")).isEmpty();
        BROWSER.driver().switchTo().frame(frame);
        try {
            assertThat(BROWSER.await(By.tagName("body")).getText()).contains("Ada");
            assertThat(BROWSER.driver().findElements(By.cssSelector("a[href*='/c/']"))).as("no tracked link").isEmpty();
            assertThat(BROWSER.driver().findElements(By.cssSelector("img[src*='/o/']"))).as("no open pixel").isEmpty();
        } finally {
            BROWSER.driver().switchTo().defaultContent();
        }
        assertThat(BROWSER.accessibilityProblems()).isEmpty();
    }

    @Test
    void onlyAnAdminMayEraseACustomerAndOnlyOnceTheyTypedTheirId() {
        String id = "console-erase-" + UUID.randomUUID().toString().substring(0, 8);
        client().putCustomer(id, "{\"email\":\"" + id + "@example.com\",\"firstName\":\"Linus\"}").expectStatus(201);

        String marketer = newUser(Roles.MARKETER, "Password-for-marketer-1");
        BROWSER.driver().manage().deleteAllCookies();
        BROWSER.driver().get(baseUrl() + "/login");
        signIn(marketer, "Password-for-marketer-1");
        BROWSER.await(By.cssSelector(".user"));
        BROWSER.driver().get(baseUrl() + "/customers/" + id);
        BROWSER.await(By.cssSelector(".profile"));
        assertThat(BROWSER.driver().findElements(By.cssSelector(".personal-data"))).as("no erase for marketers").isEmpty();
        Object status = ((JavascriptExecutor) BROWSER.driver()).executeAsyncScript("""
                var done = arguments[arguments.length - 1];
                var headers = {'Content-Type': 'application/x-www-form-urlencoded'};
                headers[document.querySelector('meta[name=_csrf_header]').content] =
                    document.querySelector('meta[name=_csrf]').content;
                fetch(location.pathname + '/erase', {method: 'POST', credentials: 'same-origin', headers: headers,
                    body: 'confirm=' + encodeURIComponent(arguments[0]), redirect: 'manual'})
                  .then(function (r) { done(r.status); });""", id);
        assertThat(((Number) status).intValue()).as("a marketer's erase, with the CSRF token").isEqualTo(403);
        client().get("/api/v1/customers/" + id).expectStatus(200);

        signInAsAdmin();
        BROWSER.driver().get(baseUrl() + "/customers/" + id);
        BROWSER.await(By.id("confirm")).sendKeys("not-" + id);
        BROWSER.driver().findElement(By.cssSelector(".erase button")).click();
        assertThat(BROWSER.await(By.cssSelector(".erase .problem")).getText()).contains("Nothing was erased");
        client().get("/api/v1/customers/" + id).expectStatus(200);

        BROWSER.await(By.id("confirm")).sendKeys(id);
        BROWSER.driver().findElement(By.cssSelector(".erase button")).click();
        assertThat(BROWSER.await(By.cssSelector(".notice")).getText()).contains("The customer " + id + " was erased");
        client().get("/api/v1/customers/" + id).expectStatus(404);
    }

    @Test
    void everyPageHasNoSeriousAccessibilityProblem() {
        String id = "console-a11y-" + UUID.randomUUID().toString().substring(0, 8);
        client().signUp(id, id + "@example.com", "Ada");
        await().atMost(PATIENCE).until(() -> jdbc.sql("select count(*) from sf_outbox where customer_id = ?"
                + " and status = 'SENT'").param(id).query(Long.class).single() > 0);
        BROWSER.driver().manage().deleteAllCookies();
        BROWSER.driver().get(baseUrl() + "/login");
        BROWSER.await(By.id("username"));
        assertThat(BROWSER.accessibilityProblems()).as("/login").isEmpty();
        signInAsAdmin();
        for (String page : java.util.List.of("/", "/journeys", "/journeys/welcome", "/customers", "/customers/" + id,
                "/journeys/no-such-journey")) {
            BROWSER.driver().get(baseUrl() + page);
            BROWSER.await(By.tagName("h1"));
            if (page.equals("/journeys/welcome")) {
                BROWSER.awaitAttribute(By.id("diagram"), "data-ready", "true");
            }
            assertThat(BROWSER.accessibilityProblems()).as(page).isEmpty();
        }
        assertThat(BROWSER.driver().findElement(By.tagName("h1")).getText()).as("a friendly 404").isEqualTo("Not found");
    }

    @Test
    void everyPageFitsAPhonesWidth() {
        signInAsAdmin();
        BROWSER.driver().manage().window().setSize(new org.openqa.selenium.Dimension(390, 844));
        try {
            for (String page : java.util.List.of("/", "/journeys", "/journeys/welcome", "/customers")) {
                BROWSER.driver().get(baseUrl() + page);
                BROWSER.await(By.tagName("h1"));
                assertThat(((Number) ((JavascriptExecutor) BROWSER.driver()).executeScript(
                        "return window.innerWidth;")).intValue()).as("the phone's width").isLessThanOrEqualTo(390);
                Object overflow = ((JavascriptExecutor) BROWSER.driver()).executeScript(
                        "return document.documentElement.scrollWidth - window.innerWidth;");
                Object widest = ((JavascriptExecutor) BROWSER.driver()).executeScript("return Array.from("
                        + "document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right"
                        + " > window.innerWidth && !(function clipped(a) { return a && a !== document.body"
                        + " && (getComputedStyle(a).overflowX !== 'visible' || clipped(a.parentElement)); })"
                        + "(e.parentElement)).slice(0, 5).map(e => e.tagName + '.'"
                        + " + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).join(', ')");
                assertThat(((Number) overflow).intValue()).as(page + ": wider than the screen by (" + widest + ")")
                        .isLessThanOrEqualTo(0);
            }
        } finally {
            BROWSER.driver().manage().window().setSize(new org.openqa.selenium.Dimension(1280, 900));
        }
    }

    @Test
    void theHomePageShowsThePeriodsFiguresAndTheStageFlowChart() {
        String id = "console-home-" + UUID.randomUUID().toString().substring(0, 8);
        client().signUp(id, id + "@example.com", "Grace");
        await().atMost(PATIENCE).until(() -> "ENGAGEMENT".equals(jdbc.sql("select stage from sf_customer where id = ?")
                .param(id).query(String.class).single()));
        signInAsAdmin();
        BROWSER.driver().get(baseUrl() + "/");
        BROWSER.awaitAttribute(By.id("stage-flows"), "data-ready", "true");
        BROWSER.await(By.cssSelector(".cards .figure .label"));
        assertThat(BROWSER.driver().findElements(By.cssSelector(".cards .figure .label")).stream()
                .map(element -> element.getText()).toList())
                .contains("Emails sent", "Human open rate", "Click rate", "Conversions");
        assertThat(BROWSER.driver().findElement(By.cssSelector("table.stages")).getText()).contains("AWARENESS", "ENGAGEMENT");
        assertThat(BROWSER.driver().findElements(By.cssSelector("#stage-flows canvas"))).as("the Sankey chart").hasSize(1);
        BROWSER.screenshot("home");
    }

    @Test
    void aUserWithoutAStageflowRoleIsKeptOutAndAnOperatorGetsIn() {
        String nobody = newUser(null, "Password-for-nobody-1");
        BROWSER.driver().manage().deleteAllCookies();
        BROWSER.driver().get(baseUrl() + "/login");
        signIn(nobody, "Password-for-nobody-1");
        BROWSER.awaitText(By.tagName("h1"), "Not allowed");

        String operator = newUser(Roles.OPERATOR, "Password-for-operator-1");
        BROWSER.driver().manage().deleteAllCookies();
        BROWSER.driver().get(baseUrl() + "/journeys");
        signIn(operator, "Password-for-operator-1");
        BROWSER.awaitText(By.tagName("h1"), "Journeys");
    }

    private void signInAsAdmin() {
        BROWSER.signIn(baseUrl(), null, "admin", ADMIN_PASSWORD);
    }

    private void signIn(String user, String password) {
        BROWSER.fillSignInForm(user, password);
    }
}
