package dev.letterpress.linkcheck;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The concurrency bounds, observed by a real Javalin server that counts requests in flight (overall and per Host
 * header) and records the maximum. The first requests wait on a latch until the bound is reached (so the checker
 * did run that many at once), and every request is then held 150 ms so that going above the bound would show in
 * the recorded maximum. A correct checker passes whatever the timing.
 */
class PolitenessTest {
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final Map<String, AtomicInteger> perHost = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> maxPerHost = new ConcurrentHashMap<>();
    private CountDownLatch reached;
    private Javalin server;

    private int start(int waitFor) {
        reached = new CountDownLatch(waitFor);
        server = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.jetty.host = "127.0.0.1";
            cfg.jetty.port = 0;
            cfg.routes.head("/page/{n}", ctx -> {
                String host = ctx.host();
                int now = inFlight.incrementAndGet();
                int hostNow = perHost.computeIfAbsent(host, h -> new AtomicInteger()).incrementAndGet();
                maxInFlight.accumulateAndGet(now, Math::max);
                maxPerHost.computeIfAbsent(host, h -> new AtomicInteger()).accumulateAndGet(hostNow, Math::max);
                try {
                    reached.countDown();
                    reached.await(10, TimeUnit.SECONDS);
                    // hold each request a little, so a checker that broke the bound would be caught with more in flight
                    Thread.sleep(150);
                } finally {
                    perHost.get(host).decrementAndGet();
                    inFlight.decrementAndGet();
                }
                ctx.status(200);
            });
        });
        server.start();
        return server.port();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void noMoreThanPerHostRequestsToOneHost() {
        int port = start(2);
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            urls.add("http://127.0.0.1:" + port + "/page/" + i);
        }
        List<LinkResult> results;
        try (LinkChecker checker = new LinkChecker(LinkCheckOptions.defaults().withTimeout(Duration.ofSeconds(20)).withConcurrency(8, 2))) {
            results = checker.check(urls);
        }
        assertThat(results).allMatch(r -> r.outcome() == LinkResult.Outcome.OK);
        assertThat(reached.getCount()).as("two requests were in flight together").isZero();
        assertThat(maxPerHost.get("127.0.0.1:" + port).get()).isEqualTo(2);
        assertThat(maxInFlight.get()).isEqualTo(2);
    }

    @Test
    void noMoreThanConcurrencyRequestsOverall() {
        int port = start(3);
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            urls.add("http://127.0.0.1:" + port + "/page/" + i);
            urls.add("http://localhost:" + port + "/page/" + i);
        }
        List<LinkResult> results;
        try (LinkChecker checker = new LinkChecker(LinkCheckOptions.defaults().withTimeout(Duration.ofSeconds(20)).withConcurrency(3, 3))) {
            results = checker.check(urls);
        }
        assertThat(results).hasSize(16).allMatch(r -> r.outcome() == LinkResult.Outcome.OK);
        assertThat(reached.getCount()).as("three requests were in flight together").isZero();
        assertThat(maxInFlight.get()).isEqualTo(3);
        assertThat(maxPerHost.keySet()).hasSize(2);
    }
}
