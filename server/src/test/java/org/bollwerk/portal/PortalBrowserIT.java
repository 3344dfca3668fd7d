package org.bollwerk.portal;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The portal in a real browser (Debian's headless Chromium through chromedriver): an admin signs in with
 * the password, enrols TOTP from the key the page shows, signs in again with a code, creates a user, locks
 * them and finds the action in the audit log. CI installs chromium and chromium-driver (.ci/run).
 */
class PortalBrowserIT extends PortalTestBase {
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    private WebDriver browser;
    private Path profile;

    @BeforeEach
    void startBrowser() throws IOException {
        assumeTrue(Files.isExecutable(CHROMEDRIVER) && Files.isExecutable(CHROMIUM),
                "Skipped: /usr/bin/chromedriver or /usr/bin/chromium is missing (apt-get install chromium chromium-driver)");
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        profile = Files.createTempDirectory("bollwerk-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile, "--lang=en-GB", "--window-size=1280,1000");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    }

    @AfterEach
    void stopBrowser() throws IOException {
        if (browser != null) browser.quit();
        if (profile != null) {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    @Test
    void adminSignsInWithTotpCreatesAndLocksAUserAndFindsItInTheAuditLog() {
        String admin = newUser("browseradmin", true);
        String base = "http://127.0.0.1:" + port;

        // first sign-in: password, then TOTP enrolment from the key shown on the page
        browser.get(base + "/admin");
        assertThat(browser.getCurrentUrl()).endsWith("/admin/login");
        signInWithPassword(admin);
        assertThat(browser.getCurrentUrl()).endsWith("/admin/second-factor/enrol");
        WebElement qr = browser.findElement(By.cssSelector("img.qr"));
        assertThat(((Number) ((org.openqa.selenium.JavascriptExecutor) browser)
                .executeScript("return arguments[0].naturalWidth", qr)).intValue()).as("QR code image loaded").isPositive();
        String secret = browser.findElement(By.id("secret")).getText().replace(" ", "");
        type("code", Totp.code(secret, Totp.stepAt(System.currentTimeMillis())));
        clickAndWait(By.id("confirm"));
        assertThat(browser.findElements(By.cssSelector("#recovery-codes li"))).hasSize(SecondFactor.RECOVERY_CODES);
        clickAndWait(By.id("continue"));
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Dashboard");
        // the stylesheet loaded under the CSP (style-src 'self')
        assertThat(browser.findElement(By.cssSelector("header.top")).getCssValue("background-color")).isEqualTo("rgba(29, 43, 69, 1)");
        clickAndWait(By.id("sign-out"));

        // second sign-in: password and a fresh code
        browser.get(base + "/admin");
        signInWithPassword(admin);
        assertThat(browser.getCurrentUrl()).endsWith("/admin/second-factor");
        type("code", Totp.code(secret, Totp.stepAt(System.currentTimeMillis()) + 1));
        clickAndWait(By.id("verify"));
        assertThat(browser.findElement(By.id("dashboard")).isDisplayed()).isTrue();

        // create a user, lock them
        clickAndWait(By.linkText("Users"));
        String localpart = "browser" + System.nanoTime();
        type("new-localpart", localpart);
        type("new-password", "initial-password-1");
        clickAndWait(By.id("create"));
        String userId = "@" + localpart + ":localhost";
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo(userId);
        clickAndWait(By.id("lock"));
        assertThat(browser.findElement(By.id("status")).getText()).contains("locked");
        assertThat(accounts.user(userId).orElseThrow().locked()).isTrue();
        screenshot("user");

        // the audit log shows it
        clickAndWait(By.linkText("Audit log"));
        String log = browser.findElement(By.id("audit")).getText();
        screenshot("audit");
        assertThat(log).contains("portal lock user").contains("portal create user").contains(userId).contains(admin);

        // an operator checks the hash chain from the page
        clickAndWait(By.id("verify"));
        assertThat(browser.findElement(By.id("verification")).getText()).contains("Chain intact");
    }

    private void signInWithPassword(String userId) {
        type("username", userId);
        type("password", PASSWORD);
        clickAndWait(By.id("sign-in"));
    }

    /** Keeps what the browser showed in target/ for a person to look at. */
    private void screenshot(String name) {
        try {
            Path shot = ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(org.openqa.selenium.OutputType.FILE).toPath();
            Files.createDirectories(Path.of("target", "portal-screenshots"));
            Files.copy(shot, Path.of("target", "portal-screenshots", name + ".png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Clicks and waits until the page it leads to has replaced the current one: the old document carries a
     * marker that a newly loaded document does not have. (Waiting for the old element to go stale is not
     * reliable: ChromeDriver sometimes answers "Node with given id does not belong to the document"
     * instead of a stale-element error while the old page is torn down.)
     */
    private void clickAndWait(By what) {
        org.openqa.selenium.JavascriptExecutor js = (org.openqa.selenium.JavascriptExecutor) browser;
        js.executeScript("window.bollwerkOldPage = true");
        browser.findElement(what).click();
        new WebDriverWait(browser, Duration.ofSeconds(30))
                .ignoring(org.openqa.selenium.WebDriverException.class)
                .until(b -> Boolean.TRUE.equals(js.executeScript(
                        "return window.bollwerkOldPage === undefined && document.readyState === 'complete'")));
    }

    private void type(String id, String text) {
        WebElement field = browser.findElement(By.id(id));
        field.clear();
        field.sendKeys(text);
    }
}
