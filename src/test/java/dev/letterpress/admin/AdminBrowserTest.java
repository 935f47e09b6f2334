package dev.letterpress.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.icegreen.greenmail.util.GreenMail;
import dev.letterpress.App;
import dev.letterpress.TestSupport;
import dev.letterpress.subscriber.Subscription;
import jakarta.mail.Multipart;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The marketer's main path in headless Chromium against the real server, with GreenMail as SMTP: sign in, compose an
 * issue from a lead essay, short stories (two rows) and events, see the live preview at desktop and phone width and
 * as plain text, send a test (it arrives), schedule it to a list, watch the progress bar reach 100 %, follow a link
 * from the mail and see it in the report's chart. Screenshots of each step go to target/screenshots/admin-NN-step.png.
 * Needs Debian's chromium and chromium-driver: skipped without them, except under CI=true, where it fails.
 */
class AdminBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final String PASSWORD = "a long enough admin password";
    private static final String HEADLINE = "Proposals are back, says the browser";

    @TempDir
    static Path dir;
    static GreenMail smtp;
    static App app;
    static WebDriver browser;
    static String base;
    /** The same server under another name: links to the app's own base URL are not tracked, links here are, and they work. */
    static String elsewhere;

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
        app = App.create(TestSupport.config(dir, smtp.getSmtp().getPort(), Map.of()), null, null, java.time.Clock.systemUTC()).start();
        base = app.config.http().publicBaseUrl().toString();
        elsewhere = base.replace("127.0.0.1", "localhost");
        var weekly = app.subscribers.createList("Weekly", "Every Monday");
        app.subscribers.createList("Events", null);
        for (String who : List.of("ann", "ben", "cy")) {
            app.subscribers.addToList(weekly.id(), who + "@example.com", who, Map.of(), Subscription.CONFIRMED, "test");
        }
        app.admins.create("marketer", PASSWORD);
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toString());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage", "--window-size=1400,1000",
                "--user-data-dir=" + Files.createDirectories(dir.resolve("chromium-profile")));
        browser = new ChromeDriver(options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(20));
        Files.createDirectories(SCREENSHOTS);
        signIn();
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

    /** Through the form; Chrome keeps the Secure cookie on http://127.0.0.1 (a secure context), or nothing after works. */
    static void signIn() throws Exception {
        browser.get(base + "/admin");
        assertThat(browser.getCurrentUrl()).contains("/admin/signin");
        shot("01-signin");
        browser.findElement(By.id("name")).sendKeys("marketer");
        browser.findElement(By.id("password")).sendKeys(PASSWORD);
        navigate(By.id("signin-button"));
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Dashboard");
        Cookie session = browser.manage().getCookieNamed(Admin.COOKIE);
        assertThat(session).as("the session cookie is kept").isNotNull();
        assertThat(session.isSecure()).isTrue();
        assertThat(session.isHttpOnly()).isTrue();
        assertThat(session.getSameSite()).isEqualTo("Strict");
        assertThat(session.getPath()).isEqualTo("/admin");
        assertThat(((JavascriptExecutor) browser).executeScript("return document.cookie")).as("not readable by scripts").isEqualTo("");
        shot("02-dashboard");
    }

    @Test
    void aMarketerComposesPreviewsTestsSchedulesAndReadsTheReport() throws Exception {
        browser.get(base + "/admin");
        navigate(By.id("new-issue"));
        type("subject", "Build Notes #1: proposals");
        type("sender-email", "news@example.com");
        type("s-0-headline", HEADLINE);
        type("s-0-body", "Teams write things down again. **More** on that below.");

        // short stories with two rows
        new Select(browser.findElement(By.id("add-type"))).selectByValue("stories");
        navigate(By.id("add-section"));
        type("s-1-items-0-headline", "CI as a product");
        type("s-1-items-0-body", "Median pipeline time went from 23 to 9 minutes.");
        type("s-1-items-0-url", elsewhere + "/health?story=1");
        navigate(By.cssSelector("#section-1 .add-row"));
        assertThat(browser.findElement(By.id("s-1-items-0-headline")).getAttribute("value")).as("typed values survive a round trip").isEqualTo("CI as a product");
        type("s-1-items-1-headline", "Four-day weeks");
        type("s-1-items-1-body", "Six months in, fewer sick days.");

        // events: the start through the browser's own date-time field
        new Select(browser.findElement(By.id("add-type"))).selectByValue("events");
        navigate(By.id("add-section"));
        type("s-2-items-0-name", "Build Notes Live");
        setValue("s-2-items-0-start", "2026-12-03T18:30");
        type("s-2-items-0-timeZone", "Europe/Berlin");
        type("s-2-items-0-description", "An evening with three engineering leads.");
        type("s-2-items-0-signupUrl", elsewhere + "/health?event=1");
        assertThat(sectionTypes()).containsExactly("lead", "stories", "events");

        // reorder: drag the events to the top (the page's drag and drop, events dispatched as a mouse would), then
        // back down with the buttons; what was typed moves along
        dev.letterpress.PageLoads.doAndWait(browser, () -> ((JavascriptExecutor) browser).executeScript("""
                const dt = new DataTransfer(), src = document.getElementById('section-2'), dst = document.getElementById('section-0');
                src.dispatchEvent(new DragEvent('dragstart', {dataTransfer: dt, bubbles: true}));
                dst.dispatchEvent(new DragEvent('dragover', {dataTransfer: dt, bubbles: true, cancelable: true}));
                dst.dispatchEvent(new DragEvent('drop', {dataTransfer: dt, bubbles: true, cancelable: true}));"""), Duration.ofSeconds(10));
        assertThat(sectionTypes()).containsExactly("events", "lead", "stories");
        assertThat(browser.findElement(By.id("s-0-items-0-name")).getAttribute("value")).isEqualTo("Build Notes Live");
        navigate(By.cssSelector("#section-0 button[value='down:0']"));
        navigate(By.cssSelector("#section-1 button[value='down:1']"));
        assertThat(sectionTypes()).containsExactly("lead", "stories", "events");
        assertThat(browser.findElement(By.id("s-2-items-0-start")).getAttribute("value")).isEqualTo("2026-12-03T18:30");

        // the live preview follows the form (debounced fetch), at both widths and as text
        type("preheader", "Plus two stories and an event");
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(d -> "ready".equals(d.findElement(By.id("compose")).getAttribute("data-preview-state")));
        assertThat(browser.findElement(By.id("preview-desktop")).getSize().getWidth()).isEqualTo(1280);
        assertThat(frameText("preview-desktop")).contains(HEADLINE).contains("Four-day weeks").contains("Build Notes Live");
        shot("03-compose-desktop-preview");
        browser.findElement(By.id("tab-phone")).click();
        assertThat(browser.findElement(By.id("preview-phone")).getSize().getWidth()).isEqualTo(375);
        assertThat(frameText("preview-phone")).contains(HEADLINE);
        shot("04-preview-phone");
        browser.findElement(By.id("tab-text")).click();
        assertThat(browser.findElement(By.id("preview-text")).getText()).contains(HEADLINE).contains("Four-day weeks");
        assertThat(browser.findElement(By.id("preview-desktop")).isDisplayed()).as("one tab at a time").isFalse();
        shot("05-preview-text");

        // a test send arrives
        type("test-to", "tester@example.com");
        navigate(By.id("test-send-button"));
        assertThat(browser.findElement(By.id("test-results")).getText()).contains("tester@example.com: sent");
        MimeMessage test = mailTo("tester@example.com", 1).get(0);
        assertThat(test.getSubject()).isEqualTo("[Test] Build Notes #1: proposals");
        assertThat(html(test)).contains(HEADLINE);
        shot("06-test-sent");

        // the link check: every link of the rendered issue, all healthy here
        navigate(By.id("check-links-button"));
        assertThat(browser.findElement(By.id("link-results")).getText()).contains("0 broken").contains("/health?story=1");

        // schedule: the dialog's zone starts at the browser's; the links are all healthy, so it goes straight through
        navigate(By.id("schedule-button"));
        assertThat(browser.findElement(By.tagName("h1")).getText()).startsWith("Schedule");
        Object browserZone = ((JavascriptExecutor) browser).executeScript("return Intl.DateTimeFormat().resolvedOptions().timeZone");
        assertThat(new Select(browser.findElement(By.id("zone"))).getFirstSelectedOption().getAttribute("value")).isEqualTo(browserZone);
        browser.findElement(By.cssSelector("input[name=list][value=Weekly]")).click();
        shot("07-schedule");
        navigate(By.id("schedule-submit"));
        assertThat(browser.getCurrentUrl()).as(browser.getPageSource()).matches(".*/admin/campaigns/\\d+");
        long campaign = Long.parseLong(browser.getCurrentUrl().replaceAll(".*/", ""));

        // the progress bar, polled by the page, reaches 100 %
        new WebDriverWait(browser, Duration.ofSeconds(30)).until(d -> "100".equals(d.findElement(By.id("progress")).getAttribute("aria-valuenow")));
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(d -> d.findElement(By.id("campaign-status")).getText().equals("finished"));
        shot("08-campaign-finished");

        // a reader clicks a link in the mail; the report's chart then has a bar
        var anchors = org.jsoup.Jsoup.parse(html(mailTo("ann@example.com", 1).get(0))).select("a[href]");
        String click = anchors.stream().filter(a -> a.attr("href").startsWith(base + "/c/") && a.text().contains("Read more"))
                .findFirst().orElseThrow(() -> new AssertionError("no tracked Read more link in " + anchors)).attr("href");
        browser.get(click);
        TestSupport.await("the click to be stored", Duration.ofSeconds(10), () -> app.events.counts(campaign).containsKey("click"));
        browser.get(base + "/admin/campaigns/" + campaign);
        assertThat(browser.findElement(By.id("total-sent")).getText()).isEqualTo("3");
        WebElement chart = browser.findElement(By.cssSelector("#clicks-chart svg"));
        assertThat(chart.findElement(By.tagName("title")).getAttribute("textContent")).isEqualTo("Clicks per hour");
        List<Integer> heights = chart.findElements(By.cssSelector("rect")).stream().map(r -> Integer.parseInt(r.getAttribute("height"))).toList();
        assertThat(heights).as("one bar for the hour of the click").anyMatch(h -> h > 0);
        assertThat(browser.findElement(By.id("top-links")).getText()).contains("/health?");
        shot("09-report");
    }

    @Test
    void aMissingFieldIsShownWithItsPathNextToTheForm() throws Exception {
        browser.get(base + "/admin/compose");
        type("subject", "An issue with a hole");
        type("sender-email", "news@example.com");
        type("s-0-body", "The headline is missing.");
        new Select(browser.findElement(By.id("add-type"))).selectByValue("events");
        navigate(By.id("add-section"));
        type("s-1-items-0-name", "No start time");
        navigate(By.id("save-button"));
        String problems = browser.findElement(By.id("problems")).getText();
        assertThat(problems).contains("sections[0].headline: required").contains("sections[1].items[0].start: required");
        assertThat(browser.findElement(By.cssSelector("[data-path='sections[1].items[0].start']")).getText())
                .isEqualTo("sections[1].items[0].start: required");
        assertThat(browser.findElement(By.id("s-1-items-0-name")).getAttribute("value")).as("nothing typed is lost").isEqualTo("No start time");
        shot("10-validation-error");
    }

    @Test
    void everyPageFitsAPhoneAndLabelsItsFields() throws Exception {
        long issue = app.campaigns.saveIssue("Phone check", TestSupport.demoIssue());
        long campaign = app.campaigns.create("Phone check", TestSupport.demoIssue(), List.of("Events"), null);
        int n = 11;
        for (String page : List.of("/admin", "/admin/compose", "/admin/issues/" + issue, "/admin/issues/" + issue + "/schedule",
                "/admin/campaigns/" + campaign, "/admin/schedules", "/admin/subscribers")) {
            browser.get(base + page);
            browser.manage().window().setSize(new Dimension(375, 800));
            JavascriptExecutor js = (JavascriptExecutor) browser;
            long inner = ((Number) js.executeScript("return window.innerWidth")).longValue();
            long scroll = ((Number) js.executeScript("return document.documentElement.scrollWidth")).longValue();
            Object wide = js.executeScript("return Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right"
                    + " > window.innerWidth + 0.5 && !e.closest('.scroll, .frame-wrap')).slice(0, 5).map(e => e.tagName + '#' + e.id + '.' + e.className).join(', ')");
            assertThat(scroll).as(page + " at 375 px: no sideways scrolling; too wide: " + wide).isLessThanOrEqualTo(inner);
            Object unlabelled = js.executeScript("return Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea'))"
                    + ".filter(e => !e.labels || e.labels.length === 0 || !e.labels[0].textContent.trim()).map(e => e.name)");
            assertThat((List<?>) unlabelled).as(page + ": every field has a label").isEmpty();
            Files.write(SCREENSHOTS.resolve("admin-" + n++ + "-phone" + page.replaceAll("[^a-z0-9]+", "-") + ".png"),
                    ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        }
        browser.manage().window().setSize(new Dimension(1400, 1000));
    }

    private static List<String> sectionTypes() {
        return browser.findElements(By.cssSelector("fieldset.section")).stream().map(e -> e.getAttribute("data-type")).toList();
    }

    private static void type(String id, String text) {
        WebElement e = browser.findElement(By.id(id));
        e.clear();
        e.sendKeys(text);
    }

    /** For inputs whose typing is locale-dependent (datetime-local): set the value and tell the page, as typing would. */
    private static void setValue(String id, String value) {
        ((JavascriptExecutor) browser).executeScript("arguments[0].value = arguments[1];"
                + "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));", browser.findElement(By.id(id)), value);
    }

    private static String frameText(String id) {
        browser.switchTo().frame(browser.findElement(By.id(id)));
        try {
            return browser.findElement(By.tagName("body")).getText();
        } finally {
            browser.switchTo().defaultContent();
        }
    }

    private static void navigate(By what) {
        WebElement target = browser.findElement(what);
        ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView({block: 'center'})", target);
        dev.letterpress.PageLoads.clickAndWait(browser, target, Duration.ofSeconds(30));
    }

    private static void shot(String step) throws Exception {
        browser.manage().window().setSize(new Dimension(1400, 1000));
        Files.write(SCREENSHOTS.resolve("admin-" + step + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    private static List<MimeMessage> mailTo(String to, int atLeast) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (true) {
            List<MimeMessage> out = new ArrayList<>();
            for (MimeMessage m : smtp.getReceivedMessages()) {
                if (Arrays.stream(m.getAllRecipients()).anyMatch(a -> ((InternetAddress) a).getAddress().equalsIgnoreCase(to))) {
                    out.add(m);
                }
            }
            if (out.size() >= atLeast) {
                return out;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no mail to " + to + " arrived");
            }
            Thread.sleep(50);
        }
    }

    private static String html(MimeMessage m) throws Exception {
        Multipart mp = (Multipart) m.getContent();
        for (int i = 0; i < mp.getCount(); i++) {
            if (mp.getBodyPart(i).isMimeType("text/html")) {
                return (String) mp.getBodyPart(i).getContent();
            }
        }
        throw new AssertionError("no HTML part");
    }
}
