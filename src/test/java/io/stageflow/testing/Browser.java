package io.stageflow.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real, headless browser for the console's tests: Debian's {@code chromium} driven through its {@code chromedriver}
 * ({@code .ci/run} installs both), never a driver downloaded at test time. Where they are missing, the tests are
 * skipped on a developer's machine and fail under CI ({@code CI} set), so they never pass by not running.
 * <p>
 * As a JUnit extension, it saves a failed test's screenshot and page source under {@code target/browser-failures/}.
 * {@link #screenshot} writes the pictures {@code docs/console.md} shows, when {@code -Dstageflow.docs.write=true}.
 */
public final class Browser implements AfterTestExecutionCallback, AutoCloseable {

    private static final Path CHROMIUM = Path.of(System.getProperty("stageflow.test.chromium", "/usr/bin/chromium"));
    private static final Path DRIVER = Path.of(System.getProperty("stageflow.test.chromedriver", "/usr/bin/chromedriver"));
    private static final Duration PATIENCE = Duration.ofSeconds(20);
    /** axe-core's script in its WebJar; the build passes the path with the version it depends on. */
    private static final String AXE = System.getProperty("stageflow.test.axe",
            "/META-INF/resources/webjars/axe-core/4.6.3/axe.min.js");

    private WebDriver driver;

    /** The browser, started on first use at a desktop's width. */
    public WebDriver driver() {
        if (driver == null) {
            boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER);
            if (!installed && System.getenv("CI") != null) {
                throw new IllegalStateException("chromium and chromium-driver are not installed (" + CHROMIUM + ", "
                        + DRIVER + "): .ci/run installs them with apt-get");
            }
            Assumptions.assumeTrue(installed, "chromium and chromium-driver are not installed: apt-get install"
                    + " chromium chromium-driver");
            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM.toFile());
            options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                    "--window-size=1280,900", "--lang=en-US", "--force-device-scale-factor=1");
            driver = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                    .build(), options);
        }
        return driver;
    }

    /**
     * Signs in afresh through the console's form ({@code baseUrl} is the app's, e.g. {@code IntegrationTest.baseUrl()})
     * and waits for the page it lands on: {@code landing} (a console path such as {@code /segments}) or home.
     */
    public void signIn(String baseUrl, String landing, String user, String password) {
        driver().manage().deleteAllCookies();
        driver().get(baseUrl + (landing == null ? "/login" : landing));
        fillSignInForm(user, password);
        await(By.cssSelector(".user"));
    }

    /** Types the user and password into the sign-in form on screen and submits it. */
    public void fillSignInForm(String user, String password) {
        await(By.id("username")).clear();
        driver().findElement(By.id("username")).sendKeys(user);
        driver().findElement(By.id("password")).sendKeys(password);
        driver().findElement(By.cssSelector("form button[type=submit]")).click();
    }

    /**
     * A wait that looks again when the element it found was replaced meanwhile: polled parts of the console (htmx
     * swapping an import's or a broadcast's progress every second) replace their elements under the test's feet.
     */
    private WebDriverWait waiting() {
        return waiting(PATIENCE);
    }

    private WebDriverWait waiting(Duration patience) {
        WebDriverWait wait = new WebDriverWait(driver(), patience);
        wait.ignoring(StaleElementReferenceException.class);
        return wait;
    }

    /** Waits until the element is visible, then returns it. */
    public WebElement await(By locator) {
        return waiting().until(ExpectedConditions.visibilityOfElementLocated(locator));
    }

    /** Waits until the element's text is exactly {@code text}. */
    public void awaitText(By locator, String text) {
        awaitText(locator, text, PATIENCE);
    }

    /** Waits up to {@code patience} until the element's text is {@code text}: for work whose time grows with load. */
    public void awaitText(By locator, String text, Duration patience) {
        waiting(patience).until(ExpectedConditions.textToBe(locator, text));
    }

    /**
     * Waits until the element's text contains {@code text}, finding the element again on each try: after a form's
     * redirect, the element found first may be the old page's.
     */
    public void awaitTextContaining(By locator, String text) {
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(locator, text));
    }

    /** Waits until the element has the attribute with this value. */
    public void awaitAttribute(By locator, String attribute, String value) {
        awaitAttribute(locator, attribute, value, PATIENCE);
    }

    /** {@link #awaitAttribute(By, String, String)} for something that takes longer, such as a large broadcast. */
    public void awaitAttribute(By locator, String attribute, String value, Duration patience) {
        waiting(patience).until(ExpectedConditions.attributeToBe(locator, attribute, value));
    }

    /**
     * Replaces the whole text of one file in the console's template editor (a CodeMirror editor over the textarea
     * whose {@code data-file} names the file), typed as a person would.
     */
    public void typeInEditor(String file, String text) {
        WebElement editor = driver().findElement(By.xpath(
                "//textarea[@data-file='" + file + "']/following-sibling::div[contains(@class,'CodeMirror')]"));
        editor.click();
        WebElement input = editor.findElement(By.cssSelector("textarea"));
        input.sendKeys(Keys.chord(Keys.CONTROL, "a"));
        input.sendKeys(Keys.DELETE);
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (i > 0) {
                input.sendKeys(Keys.ENTER);
            }
            input.sendKeys(lines[i]);
        }
    }

    /**
     * The page's accessibility problems of serious or critical impact, as axe-core (the WebJar on the test class path)
     * finds them, one line each: the rule, its help text and the elements; empty when there are none.
     */
    @SuppressWarnings("unchecked")
    public List<String> accessibilityProblems() {
        String axe;
        try (InputStream source = Browser.class.getResourceAsStream(AXE)) {
            if (source == null) {
                throw new IllegalStateException("axe-core is not on the test class path: " + AXE);
            }
            axe = new String(source.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        JavascriptExecutor page = (JavascriptExecutor) driver();
        page.executeScript(axe);
        return (List<String>) page.executeAsyncScript(String.join("\n",
                "var done = arguments[arguments.length - 1];",
                "axe.run(document, {resultTypes: ['violations']}).then(function (results) {",
                "  done(results.violations.filter(function (v) {",
                "    return v.impact === 'serious' || v.impact === 'critical';",
                "  }).map(function (v) {",
                "    return v.id + ': ' + v.help + ' (' + v.nodes.map(function (n) { return n.target.join(' '); })",
                "      .slice(0, 5).join('; ') + ')';",
                "  }));",
                "});"));
    }

    /** Writes the page as it looks now to {@code docs/console/<name>.png}, when the docs are being written. */
    public void screenshot(String name) {
        if (Boolean.getBoolean("stageflow.docs.write")) {
            save(Path.of("docs", "console", name + ".png"));
        }
    }

    private void save(Path png) {
        try {
            Files.createDirectories(png.getParent());
            Files.write(png, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void afterTestExecution(ExtensionContext context) {
        if (driver != null && context.getExecutionException().isPresent()) {
            String name = context.getRequiredTestClass().getSimpleName() + "-" + context.getRequiredTestMethod().getName();
            Path folder = Path.of("target", "browser-failures");
            save(folder.resolve(name + ".png"));
            try {
                Files.writeString(folder.resolve(name + ".html"), driver.getPageSource());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    public void close() {
        if (driver != null) {
            driver.quit();
            driver = null;
        }
    }
}
