package dev.letterpress.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.icegreen.greenmail.util.GreenMail;
import dev.letterpress.App;
import dev.letterpress.TestSupport;
import dev.letterpress.subscriber.MailingList;
import dev.letterpress.subscriber.Subscription;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Every subscriber-facing page in headless Chromium, at a phone's width (375 px) and a desktop's (1280 px):
 * no horizontal scrolling, every field labelled, every button visible, and the whole path a reader takes
 * works with no JavaScript on our side: subscribe, the confirmation mail arrives, confirm, preferences, change,
 * unsubscribe, undo. Screenshots go to target/screenshots/. Needs Debian's chromium and chromium-driver; without
 * them the test is skipped, except under CI=true, where it fails (.ci/run installs them).
 */
class BrowserPagesTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final int[] WIDTHS = {375, 1280};
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    @TempDir
    static Path dir;
    static GreenMail smtp;
    static App app;
    static WebDriver browser;
    static String base;
    static MailingList weekly;

    @BeforeAll
    static void start() throws Exception {
        String missing = !Files.isExecutable(CHROMIUM) ? CHROMIUM + " (apt-get install chromium)"
                : !Files.isExecutable(CHROMEDRIVER) ? CHROMEDRIVER + " (apt-get install chromium-driver)" : null;
        if (missing != null) {
            String why = "browser tests need " + missing + "; .ci/run installs it";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail("CI=true: " + why);
            }
            Assumptions.abort(why);
        }
        smtp = TestSupport.greenMail();
        app = App.create(TestSupport.config(dir, smtp.getSmtp().getPort(), Map.of()), null, new Caught(), java.time.Clock.systemUTC()).start();
        base = app.config.http().publicBaseUrl().toString();
        weekly = app.subscribers.createList("Weekly", "The week in build tooling, every Monday morning.");
        app.subscribers.createList("Events", null);
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toString());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                "--user-data-dir=" + Files.createDirectories(dir.resolve("chromium-profile")));
        browser = new ChromeDriver(options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(20));
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (app != null) {
            app.close();
        }
        if (smtp != null) {
            smtp.stop();
        }
    }

    @Test
    void aReaderSubscribesConfirmsChangesPreferencesUnsubscribesUndoesAndErases() throws Exception {
        // the form, then a mistake, then the real thing
        browser.get(app.signup.formUrl(weekly));
        check("subscribe");
        browser.findElement(By.tagName("body")).sendKeys(Keys.TAB);
        assertThat(browser.switchTo().activeElement().getAttribute("id")).as("first Tab stop (the honeypot is skipped)").isEqualTo("email");
        browser.findElement(By.id("email")).sendKeys("not an address");
        navigate(By.id("subscribe-button"));
        check("subscribe-error");
        assertThat(browser.findElement(By.id("form-error")).getText()).contains("valid email address");

        WebElement email = browser.findElement(By.id("email"));
        email.clear();
        email.sendKeys("reader@example.com");
        browser.findElement(By.id("name")).sendKeys("Rea Der");
        navigate(By.id("subscribe-button"));
        check("subscribe-sent");
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Check your inbox");

        // the confirmation mail, really sent; the link's page asks, the button confirms
        var mail = WebClient.mailTo(smtp, "reader@example.com", 1);
        assertThat(mail).hasSize(1);
        String confirmLink = WebClient.first(WebClient.parts(mail.get(0))[0], "(http\\S+/confirm/\\S{36})");
        browser.get(confirmLink);
        check("confirm");
        long id = app.subscribers.findByEmail("reader@example.com").orElseThrow().id();
        assertThat(status(id, "Weekly")).isEqualTo(Subscription.UNCONFIRMED);
        navigate(By.id("confirm-button"));
        check("confirmed");
        assertThat(status(id, "Weekly")).isEqualTo(Subscription.CONFIRMED);

        // preferences: rename, opt out of tracking, save
        navigate(By.id("preferences-link"));
        check("preferences");
        WebElement name = browser.findElement(By.id("name"));
        name.clear();
        name.sendKeys("Rea");
        browser.findElement(By.cssSelector("label[for=dnt]")).click();
        navigate(By.id("save-button"));
        check("preferences-saved");
        assertThat(browser.findElement(By.cssSelector("[role=status]")).getText()).contains("saved");
        assertThat(app.subscribers.findById(id).orElseThrow().name()).isEqualTo("Rea");
        assertThat(app.dataRights.settings(id).doNotTrack()).isTrue();

        // an issue goes out; its unsubscribe link: the page asks, the POST acts, the undo is a POST too
        long campaign = app.campaigns.create("Issue 1", TestSupport.demoIssue(), List.of("Weekly"), null);
        TestSupport.await("campaign to finish", Duration.ofSeconds(20), () -> "finished".equals(app.campaignStore.require(campaign).status()));
        var issue = WebClient.mailTo(smtp, "reader@example.com", 2).get(1);
        String unsubscribe = issue.getHeader("List-Unsubscribe", null).replaceAll("^<([^>]+)>.*$", "$1");
        browser.get(unsubscribe);
        check("unsubscribe");
        assertThat(status(id, "Weekly")).isEqualTo(Subscription.CONFIRMED);
        browser.findElement(By.cssSelector("label[for=scope-all]")).click();
        navigate(By.id("unsubscribe-button"));
        check("unsubscribed");
        assertThat(status(id, "Weekly")).isEqualTo(Subscription.UNSUBSCRIBED);
        navigate(By.id("resubscribe-button"));
        check("resubscribed");
        assertThat(status(id, "Weekly")).isEqualTo(Subscription.CONFIRMED);

        // a download and an erasure are asked for on the preferences page and done from a link mailed to the reader
        browser.get(app.urls.preferences(campaign, id));
        navigate(By.id("export-button"));
        check("data-requested");
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Check your inbox");
        String exportLink = WebClient.first(WebClient.parts(WebClient.mailTo(smtp, "reader@example.com", 3).get(2))[0], "(http\\S+/d/\\S{36,})");
        browser.get(exportLink);
        check("data-request-export");
        assertThat(browser.findElement(By.id("export-button")).isDisplayed()).isTrue();
        browser.get(app.urls.preferences(campaign, id));
        browser.findElement(By.cssSelector("label[for=erase-confirm]")).click();
        navigate(By.id("erase-button"));
        String eraseLink = WebClient.first(WebClient.parts(WebClient.mailTo(smtp, "reader@example.com", 4).get(3))[0], "(http\\S+/d/\\S{36,})");
        browser.get(eraseLink);
        check("data-request-erase");
        assertThat(app.subscribers.findById(id).orElseThrow().status()).isNotEqualTo("erased");
        navigate(By.id("erase-button"));
        check("erased");
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Your data is erased");
        assertThat(app.subscribers.findById(id).orElseThrow().status()).isEqualTo("erased");

        // the demo's mail catcher (developer-facing, but a page all the same)
        browser.get(base + "/demo/mail");
        check("demo-mailbox");
        assertThat(browser.findElements(By.cssSelector("tbody tr"))).hasSizeGreaterThanOrEqualTo(3);

        // a broken link gets the notice page
        browser.get(base + "/u/" + "A".repeat(36));
        check("not-found");
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Link not recognised");
    }

    /**
     * Every visible element with text of its own, against the first opaque background behind it (white if none):
     * the WCAG 2.1 contrast ratio must be at least 4.5:1, or 3:1 for large text (24 px, or 18.66 px bold).
     */
    private static final String CONTRAST = """
            const rgba = c => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
              const p = m[1].split(',').map(parseFloat); return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; };
            const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
              return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
            const behind = e => { for (; e; e = e.parentElement) { const c = rgba(getComputedStyle(e).backgroundColor);
              if (c && c.a > 0.5) return c; } return {r: 255, g: 255, b: 255, a: 1}; };
            return Array.from(document.querySelectorAll('body *')).filter(e => {
                const r = e.getBoundingClientRect(), s = getComputedStyle(e);
                return r.width > 0 && r.height > 0 && r.right > 0 && r.left < window.innerWidth && s.visibility !== 'hidden'
                  && Array.from(e.childNodes).some(n => n.nodeType === 3 && n.textContent.trim()); })
              .map(e => { const s = getComputedStyle(e), a = lum(rgba(s.color)), b = lum(behind(e));
                const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05), size = parseFloat(s.fontSize);
                const large = size >= 24 || (parseInt(s.fontWeight) >= 700 && size >= 18.66);
                return {what: e.tagName + ' "' + e.textContent.trim().slice(0, 30) + '"', ratio: ratio, need: large ? 3 : 4.5}; })
              .filter(x => x.ratio < x.need).map(x => x.what + ' ' + x.ratio.toFixed(2) + ':1');
            """;

    /** The current page at each width: no sideways scrolling, fields labelled, buttons on screen; a screenshot each. */
    private static void check(String page) throws Exception {
        JavascriptExecutor js = (JavascriptExecutor) browser;
        assertThat(browser.findElements(By.tagName("h1"))).as(page + ": one h1 in " + browser.getCurrentUrl() + "\n" + browser.getPageSource()).hasSize(1);
        assertThat(js.executeScript("return document.documentElement.lang")).as(page + ": lang").isEqualTo("en");
        for (int width : WIDTHS) {
            browser.manage().window().setSize(new Dimension(width, 900));
            long inner = ((Number) js.executeScript("return window.innerWidth")).longValue();
            long scroll = ((Number) js.executeScript("return document.documentElement.scrollWidth")).longValue();
            Object wide = js.executeScript("return Array.from(document.querySelectorAll('body *'))"
                    + ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5).slice(0, 5)"
                    + ".map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).join(', ')");
            assertThat(scroll).as(page + " at " + width + " px: no horizontal overflow; too wide: " + wide).isLessThanOrEqualTo(inner);
            @SuppressWarnings("unchecked")
            List<String> unlabelled = (List<String>) js.executeScript(
                    "return Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea'))"
                            + ".filter(e => !e.labels || e.labels.length === 0 || !e.labels[0].textContent.trim()).map(e => e.name)");
            assertThat(unlabelled).as(page + ": every field has a label").isEmpty();
            @SuppressWarnings("unchecked")
            List<String> faint = (List<String>) js.executeScript(CONTRAST);
            assertThat(faint).as(page + " at " + width + " px: text contrast (WCAG 2.1 AA: 4.5:1, large text 3:1)").isEmpty();
            for (WebElement b : browser.findElements(By.tagName("button"))) {
                assertThat(b.isDisplayed()).as(page + ": button " + b.getText() + " visible").isTrue();
                assertThat(b.getText()).as(page + ": button has text").isNotBlank();
                int right = b.getRect().getX() + b.getRect().getWidth();
                assertThat(right).as(page + " at " + width + " px: button " + b.getText() + " fits").isLessThanOrEqualTo((int) inner);
                assertThat(b.getRect().getHeight()).as(page + ": button is a usable target").isGreaterThanOrEqualTo(44);
            }
            byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
            Files.write(SCREENSHOTS.resolve(page + "-" + width + ".png"), png);
        }
    }

    /** The demo mailbox page over what GreenMail caught. */
    static final class Caught implements MailboxView {
        @Override
        public int total() {
            return smtp.getReceivedMessages().length;
        }

        @Override
        public List<MailboxView.Caught> first(int n) {
            var all = smtp.getReceivedMessages();
            java.util.List<MailboxView.Caught> out = new java.util.ArrayList<>();
            for (int i = 0; i < Math.min(n, all.length); i++) {
                try {
                    out.add(new MailboxView.Caught(i, all[i].getAllRecipients()[0].toString(), all[i].getSubject(), "just now"));
                } catch (jakarta.mail.MessagingException e) {
                    throw new IllegalStateException(e);
                }
            }
            return out;
        }

        @Override
        public String body(int index, boolean html) {
            return null;
        }

        @Override
        public List<Map<String, Object>> campaigns() {
            return List.of(Map.of("id", 1, "name", "Issue 1", "status", "finished", "sent", 1, "failed", 0, "skipped", 0,
                    "opens", 0, "clicks", 0, "unsubscribes", 1));
        }
    }

    /** Clicks something that loads a new page, and waits until the new page is there. */
    private static void navigate(By what) {
        dev.letterpress.PageLoads.clickAndWait(browser, browser.findElement(what), Duration.ofSeconds(10));
    }

    private static String status(long subscriber, String list) {
        return app.subscribers.subscriptionsOf(subscriber).stream().filter(s -> s.listName().equals(list)).findFirst().orElseThrow().status();
    }
}
