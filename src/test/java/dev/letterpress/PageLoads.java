package dev.letterpress;

import java.time.Duration;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Clicking something that loads a new page, for the browser tests. The old page is marked with a property of its
 * window and the wait lasts until a window without it has finished loading. (Waiting for the old html element to
 * go stale broke with Chrome 156: asking a node of an unloaded document answers "Node with given id does not
 * belong to the document", an unknown error rather than a stale element.)
 */
public final class PageLoads {
    private PageLoads() {}

    public static void clickAndWait(WebDriver browser, WebElement target, Duration timeout) {
        doAndWait(browser, target::click, timeout);
    }

    /** Runs {@code action}, which makes the page load a new one (a click, a script that submits), and waits for it. */
    public static void doAndWait(WebDriver browser, Runnable action, Duration timeout) {
        JavascriptExecutor js = (JavascriptExecutor) browser;
        js.executeScript("window.__letterpressOldPage = true");
        action.run();
        new WebDriverWait(browser, timeout).ignoring(WebDriverException.class).until(d -> Boolean.TRUE.equals(js.executeScript(
                "return window.__letterpressOldPage === undefined && document.readyState === 'complete'")));
    }
}
