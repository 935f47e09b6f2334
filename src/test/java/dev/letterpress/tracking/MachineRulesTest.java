package dev.letterpress.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Each rule of {@link MachineRules} on its own, and its precedence where two could fire. */
class MachineRulesTest {
    private static final Instant SENT = Instant.parse("2026-11-27T09:00:00Z");
    private static final Instant LATER = SENT.plus(Duration.ofMinutes(20));
    private static final String SAFARI = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15";
    private static final String APPLE_MAIL = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)";
    private static final String GMAIL_PROXY = "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)";
    private static final String YAHOO_PROXY = "YahooMailProxy; https://help.yahoo.com/kb/yahoo-mail-proxy-SLN28749.html";

    private static Hit open(String agent, String ip, Instant at) {
        return new Hit(EventStore.Kind.OPEN, 1, 2, null, false, false, agent, ip, at);
    }

    private static Hit click(String agent, Instant at) {
        return new Hit(EventStore.Kind.CLICK, 1, 2, 7L, false, false, agent, "203.0.113.9", at);
    }

    private static MachineRules.Verdict classify(Hit h) {
        return MachineRules.classify(h, SENT);
    }

    @Test
    void aBrowserLongAfterDeliveryIsAPerson() {
        assertThat(classify(click(SAFARI, LATER))).isEqualTo(new MachineRules.Verdict(true, MachineRules.NO_MACHINE_SIGNAL));
        assertThat(classify(open(APPLE_MAIL, "198.51.100.4", LATER))).isEqualTo(new MachineRules.Verdict(true, MachineRules.NO_MACHINE_SIGNAL));
    }

    @Test
    void theTrapLinkIsAlwaysAMachineWhateverItClaims() {
        Hit trap = new Hit(EventStore.Kind.CLICK, 1, 2, 9L, true, false, SAFARI, "203.0.113.9", LATER);
        assertThat(classify(trap)).isEqualTo(new MachineRules.Verdict(false, MachineRules.TRAP_LINK));
    }

    @Test
    void aHeadRequestIsAMachine() {
        Hit head = new Hit(EventStore.Kind.CLICK, 1, 2, 7L, false, true, SAFARI, "203.0.113.9", LATER);
        assertThat(classify(head)).isEqualTo(new MachineRules.Verdict(false, MachineRules.HEAD_REQUEST));
        Hit headOpen = new Hit(EventStore.Kind.OPEN, 1, 2, null, false, true, APPLE_MAIL, "203.0.113.9", LATER);
        assertThat(classify(headOpen).human()).isFalse();
    }

    @Test
    void noUserAgentIsAMachine() {
        assertThat(classify(click(null, LATER))).isEqualTo(new MachineRules.Verdict(false, MachineRules.NO_USER_AGENT));
        assertThat(classify(click("  ", LATER))).isEqualTo(new MachineRules.Verdict(false, MachineRules.NO_USER_AGENT));
    }

    @Test
    void scannersAndLinkCheckersNameThemselves() {
        for (String agent : new String[] {
                "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/534+ (KHTML, like Gecko) BingPreview/1.0b",
                "Barracuda Sentinel (EE)", "Mimecast URL Protect", "Proofpoint URL Defense", "python-requests/2.31.0",
                "curl/8.4.0", "Wget/1.21", "Go-http-client/1.1", "Java/17.0.9", "okhttp/4.12.0", "Apache-HttpClient/4.5.14 (Java/17)",
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36",
                "facebookexternalhit/1.1", "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", "WhatsApp/2.23.20.0"}) {
            assertThat(classify(click(agent, LATER))).as(agent).isEqualTo(new MachineRules.Verdict(false, MachineRules.SCANNER_USER_AGENT));
        }
        // ... and browsers do not trip it
        for (String agent : new String[] {SAFARI, APPLE_MAIL,
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0",
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
                "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0"}) {
            assertThat(classify(click(agent, LATER)).human()).as(agent).isTrue();
        }
    }

    @Test
    void applePrivacyProtectionOpensAreAMachineByAgentOrAddress() {
        // the proxy's bare user agent, from anywhere
        assertThat(classify(open("Mozilla/5.0", "198.51.100.4", LATER))).isEqualTo(new MachineRules.Verdict(false, MachineRules.APPLE_PRIVACY_PROXY));
        // any agent from Apple's 17.0.0.0/8
        assertThat(classify(open(APPLE_MAIL, "17.58.1.20", LATER))).isEqualTo(new MachineRules.Verdict(false, MachineRules.APPLE_PRIVACY_PROXY));
        // a person reading in Apple Mail without the proxy, from their own address
        assertThat(classify(open(APPLE_MAIL, "198.51.100.4", LATER)).human()).isTrue();
        // only opens: a click from Apple's network is a person browsing (clicks do not go through the proxy)
        assertThat(classify(new Hit(EventStore.Kind.CLICK, 1, 2, 7L, false, false, SAFARI, "17.58.1.20", LATER)).human()).isTrue();
        assertThat(MachineRules.isApple("170.1.2.3")).isFalse();
        assertThat(MachineRules.isApple(null)).isFalse();
    }

    @Test
    void anOpenAtDeliveryIsAPrefetch() {
        assertThat(classify(open(APPLE_MAIL, "198.51.100.4", SENT.plusSeconds(1))))
                .isEqualTo(new MachineRules.Verdict(false, MachineRules.OPENED_AT_DELIVERY));
        assertThat(classify(open(APPLE_MAIL, "198.51.100.4", SENT.plus(MachineRules.OPEN_PREFETCH_WINDOW))).human()).isTrue();
        // without a known delivery time the rule cannot fire
        assertThat(MachineRules.classify(open(APPLE_MAIL, "198.51.100.4", SENT.plusSeconds(1)), null).human()).isTrue();
    }

    @Test
    void aClickWithinSecondsOfDeliveryIsAScanner() {
        assertThat(classify(click(SAFARI, SENT.plusSeconds(9)))).isEqualTo(new MachineRules.Verdict(false, MachineRules.CLICKED_AT_DELIVERY));
        assertThat(classify(click(SAFARI, SENT.plus(MachineRules.CLICK_SCAN_WINDOW))).human()).isTrue();
    }

    @Test
    void gmailAndYahooImageProxiesMeanTheReaderOpenedIt() {
        assertThat(classify(open(GMAIL_PROXY, "66.249.84.1", LATER))).isEqualTo(new MachineRules.Verdict(true, MachineRules.MAIL_IMAGE_PROXY));
        assertThat(classify(open(YAHOO_PROXY, "98.136.1.1", LATER))).isEqualTo(new MachineRules.Verdict(true, MachineRules.MAIL_IMAGE_PROXY));
        // but not when it comes at delivery: then it is a prefetch like any other
        assertThat(classify(open(GMAIL_PROXY, "66.249.84.1", SENT.plusSeconds(1))).human()).isFalse();
    }

    @Test
    void everyLinkOfAMessageAtOnceIsABurst() {
        MachineRules.Bursts bursts = new MachineRules.Bursts(10);
        Instant t = LATER;
        assertThat(bursts.isBurst(1, 2, 10, t)).isFalse();
        assertThat(bursts.isBurst(1, 2, 10, t.plusMillis(100))).as("the same link twice is one link").isFalse();
        assertThat(bursts.isBurst(1, 2, 11, t.plusMillis(200))).isFalse();
        assertThat(bursts.isBurst(1, 2, 12, t.plusMillis(300))).as("third different link within the window").isTrue();
        // another reader's clicks are not mixed in, and slow clicking is a person
        assertThat(bursts.isBurst(1, 3, 10, t)).isFalse();
        assertThat(bursts.isBurst(1, 3, 11, t.plusSeconds(3))).isFalse();
        assertThat(bursts.isBurst(1, 3, 12, t.plusSeconds(6))).isFalse();
    }

    @Test
    void burstMemoryIsBounded() {
        MachineRules.Bursts bursts = new MachineRules.Bursts(2);
        bursts.isBurst(1, 1, 10, LATER);
        bursts.isBurst(1, 1, 11, LATER);
        bursts.isBurst(1, 2, 10, LATER);
        bursts.isBurst(1, 3, 10, LATER); // evicts subscriber 1, the least recently seen
        assertThat(bursts.isBurst(1, 1, 12, LATER)).as("forgotten: only one link known now").isFalse();
    }
}
