package dev.letterpress.linkcheck;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.request;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.letterpress.TestSupport;
import dev.letterpress.linkcheck.LinkResult.Hop;
import dev.letterpress.linkcheck.LinkResult.Outcome;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The checker against a real WireMock server (HTTP and, for the TLS case, HTTPS with WireMock's self-signed certificate). */
class LinkCheckerTest {
    static WireMockServer wm;
    static String base;

    @BeforeAll
    static void start() {
        wm = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort().dynamicHttpsPort());
        wm.start();
        base = "http://127.0.0.1:" + wm.port();
        wm.stubFor(any(urlEqualTo("/ok")).willReturn(aResponse().withStatus(200).withBody("fine")));
        wm.stubFor(any(urlEqualTo("/missing")).willReturn(aResponse().withStatus(404)));
        wm.stubFor(any(urlEqualTo("/crash")).willReturn(aResponse().withStatus(500)));
        wm.stubFor(any(urlEqualTo("/slow")).willReturn(aResponse().withStatus(200).withFixedDelay(6000)));
        wm.stubFor(any(urlEqualTo("/old")).willReturn(aResponse().withStatus(301).withHeader("Location", "/moved")));
        wm.stubFor(any(urlEqualTo("/moved")).willReturn(aResponse().withStatus(302).withHeader("Location", base + "/ok")));
        wm.stubFor(any(urlEqualTo("/loop-a")).willReturn(aResponse().withStatus(302).withHeader("Location", "/loop-b")));
        wm.stubFor(any(urlEqualTo("/loop-b")).willReturn(aResponse().withStatus(307).withHeader("Location", "loop-a")));
        for (int i = 1; i <= 5; i++) {
            wm.stubFor(any(urlEqualTo("/hop" + i)).willReturn(aResponse().withStatus(302).withHeader("Location", "/hop" + (i + 1))));
        }
        wm.stubFor(any(urlEqualTo("/hop6")).willReturn(aResponse().withStatus(200)));
        wm.stubFor(any(urlEqualTo("/no-location")).willReturn(aResponse().withStatus(301)));
        wm.stubFor(request("HEAD", urlEqualTo("/no-head")).willReturn(aResponse().withStatus(405)));
        wm.stubFor(get(urlEqualTo("/no-head")).willReturn(aResponse().withStatus(200).withBody("x".repeat(100_000))));
        wm.stubFor(request("HEAD", urlEqualTo("/head-drops")).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        wm.stubFor(get(urlEqualTo("/head-drops")).willReturn(aResponse().withStatus(200)));
        wm.stubFor(request("HEAD", urlEqualTo("/head-501")).willReturn(aResponse().withStatus(501)));
        wm.stubFor(get(urlEqualTo("/head-501")).willReturn(aResponse().withStatus(404)));
    }

    @AfterAll
    static void stop() {
        wm.stop();
    }

    /** Generous, so a busy machine (TLS set-up, JIT) never turns an expected answer into a timeout. */
    private static LinkResult check(String url) {
        return check(LinkCheckOptions.defaults().withTimeout(Duration.ofSeconds(5)), url).get(0);
    }

    private static List<LinkResult> check(LinkCheckOptions options, String... urls) {
        try (LinkChecker checker = new LinkChecker(options)) {
            return checker.check(List.of(urls));
        }
    }

    @Test
    void aHealthyLinkIsOkWithOneHeadRequestThatSaysWhoItIs() {
        LinkResult r = check(base + "/ok");
        assertThat(r.outcome()).isEqualTo(Outcome.OK);
        assertThat(r.broken()).isFalse();
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.method()).isEqualTo("HEAD");
        assertThat(r.hops()).isEmpty();
        wm.verify(anyRequestedFor(urlEqualTo("/ok")).withHeader("User-Agent", containing("Letterpress-LinkCheck")));
    }

    @Test
    void notFoundAndServerErrorsAreBroken() {
        LinkResult missing = check(base + "/missing");
        assertThat(missing.outcome()).isEqualTo(Outcome.HTTP_ERROR);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.broken()).isTrue();
        LinkResult crash = check(base + "/crash");
        assertThat(crash.outcome()).isEqualTo(Outcome.HTTP_ERROR);
        assertThat(crash.status()).isEqualTo(500);
    }

    @Test
    void aSlowLinkTimesOut() {
        LinkResult r = check(LinkCheckOptions.defaults().withTimeout(Duration.ofMillis(500)), base + "/slow").get(0);
        assertThat(r.outcome()).isEqualTo(Outcome.TIMEOUT);
        assertThat(r.broken()).isTrue();
        assertThat(r.detail()).isEqualTo("no answer within 500ms");
        assertThat(r.elapsed()).as("did not wait for the 6 s answer").isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aRedirectChainIsFollowedAndEveryHopReported() {
        LinkResult r = check(base + "/old#section");
        assertThat(r.outcome()).isEqualTo(Outcome.OK);
        assertThat(r.redirected()).isTrue();
        assertThat(r.hops()).containsExactly(new Hop(base + "/old", 301, "/moved"), new Hop(base + "/moved", 302, base + "/ok"));
        assertThat(r.finalUrl()).isEqualTo(base + "/ok");
        assertThat(r.status()).isEqualTo(200);
    }

    @Test
    void aRedirectLoopIsCaught() {
        LinkResult r = check(base + "/loop-a");
        assertThat(r.outcome()).isEqualTo(Outcome.REDIRECT_LOOP);
        assertThat(r.hops()).extracting(Hop::status).containsExactly(302, 307);
        assertThat(r.detail()).isEqualTo("redirect loop: " + base + "/loop-a again after 2 redirects");
    }

    @Test
    void tooManyRedirectsStopTheChain() {
        LinkCheckOptions three = LinkCheckOptions.defaults().withTimeout(Duration.ofSeconds(5)).withMaxRedirects(3);
        LinkResult r = check(three, base + "/hop1").get(0);
        assertThat(r.outcome()).isEqualTo(Outcome.TOO_MANY_REDIRECTS);
        assertThat(r.hops()).hasSize(4);
        assertThat(r.detail()).isEqualTo("more than 3 redirects");
        assertThat(check(LinkCheckOptions.defaults(), base + "/hop1").get(0).outcome()).isEqualTo(Outcome.OK);
        assertThat(check(base + "/no-location").outcome()).isEqualTo(Outcome.HTTP_ERROR);
    }

    @Test
    void headRefusedFallsBackToGet() {
        LinkResult r = check(base + "/no-head");
        assertThat(r.outcome()).isEqualTo(Outcome.OK);
        assertThat(r.method()).isEqualTo("GET");
        wm.verify(getRequestedFor(urlEqualTo("/no-head")));
        LinkResult dropped = check(base + "/head-drops");
        assertThat(dropped.outcome()).isEqualTo(Outcome.OK);
        assertThat(dropped.method()).isEqualTo("GET");
        LinkResult notImplemented = check(base + "/head-501");
        assertThat(notImplemented.outcome()).isEqualTo(Outcome.HTTP_ERROR);
        assertThat(notImplemented.status()).isEqualTo(404);
        assertThat(notImplemented.method()).isEqualTo("GET");
    }

    @Test
    void anUntrustedCertificateIsATlsError() {
        LinkResult r = check("https://127.0.0.1:" + wm.httpsPort() + "/ok");
        assertThat(r.outcome()).isEqualTo(Outcome.TLS_ERROR);
        assertThat(r.broken()).isTrue();
        assertThat(r.detail()).startsWith("certificate not trusted");
    }

    @Test
    void unreachableAndMalformedLinksAreBrokenToo() {
        LinkResult refused = check("http://127.0.0.1:" + TestSupport.freePort() + "/");
        assertThat(refused.outcome()).isEqualTo(Outcome.CONNECTION_ERROR);
        assertThat(refused.detail()).isEqualTo("connection refused");
        assertThat(check("http://exa mple.com/").outcome()).isEqualTo(Outcome.BAD_URL);
        assertThat(check("ftp://example.com/").detail()).isEqualTo("not an http or https URL");
    }

    @Test
    void resultsComeInInputOrderOncePerUrl() {
        List<LinkResult> results = check(LinkCheckOptions.defaults().withTimeout(Duration.ofSeconds(5)),
                base + "/missing", base + "/ok", base + "/missing", base + "/old");
        assertThat(results).extracting(LinkResult::url).containsExactly(base + "/missing", base + "/ok", base + "/old");
        assertThat(LinkReport.summary(results)).isEqualTo("3 links checked: 2 ok (1 redirected), 1 broken");
    }
}
