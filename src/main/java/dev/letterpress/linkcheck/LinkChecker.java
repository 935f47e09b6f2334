package dev.letterpress.linkcheck;

import dev.letterpress.linkcheck.LinkResult.Hop;
import dev.letterpress.linkcheck.LinkResult.Outcome;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;

/**
 * Checks links the way a reader's browser would reach them: HEAD first (no body), GET when HEAD is refused
 * (405, 501) or the connection fails on it; redirects followed here, one hop at a time, so each is reported
 * and loops are caught. Bounded: {@code concurrency} worker threads, {@code perHost} requests per host:port,
 * a timeout per request. Sends no cookies, no Referer, and a User-Agent that says what it is.
 */
public final class LinkChecker implements AutoCloseable {
    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

    private final LinkCheckOptions options;
    private final HttpClient client;
    private final HostPermits hosts;
    private final ExecutorService workers;

    public LinkChecker(LinkCheckOptions options) {
        this.options = options;
        this.client = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER) // followed here, so every hop is seen
                .connectTimeout(options.timeout())
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        this.hosts = new HostPermits(options.perHost());
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(options.concurrency(), r -> {
            Thread t = new Thread(r, "link-check-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Checks every URL (each once, even if listed twice); the results come in the order of the input. */
    public List<LinkResult> check(List<String> urls) {
        List<String> distinct = urls.stream().distinct().toList();
        List<Future<LinkResult>> futures = new ArrayList<>();
        for (String url : distinct) {
            futures.add(workers.submit(() -> checkOne(url)));
        }
        List<LinkResult> out = new ArrayList<>();
        for (int i = 0; i < futures.size(); i++) {
            try {
                out.add(futures.get(i).get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("link check interrupted", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("link check of " + distinct.get(i) + " failed: " + e.getCause(), e.getCause());
            }
        }
        return out;
    }

    LinkResult checkOne(String url) {
        long start = System.nanoTime();
        List<Hop> hops = new ArrayList<>();
        URI uri;
        try {
            uri = parse(url);
        } catch (IllegalArgumentException e) {
            return result(url, Outcome.BAD_URL, 0, hops, url, null, e.getMessage(), start);
        }
        Set<URI> seen = new HashSet<>(Set.of(uri));
        while (true) {
            Answer a;
            try {
                a = fetch(uri);
            } catch (Failure f) {
                return result(url, f.outcome, 0, hops, uri.toString(), f.method, f.getMessage(), start);
            }
            if (REDIRECTS.contains(a.status) && a.location != null) {
                hops.add(new Hop(uri.toString(), a.status, a.location));
                URI next;
                try {
                    next = parse(uri.resolve(new URI(a.location.strip().replace(" ", "%20"))).toString());
                } catch (URISyntaxException | IllegalArgumentException e) {
                    return result(url, Outcome.BAD_URL, a.status, hops, uri.toString(), a.method,
                            "redirect to an invalid URL: " + a.location, start);
                }
                if (!seen.add(next)) {
                    return result(url, Outcome.REDIRECT_LOOP, a.status, hops, next.toString(), a.method,
                            "redirect loop: " + next + " again after " + hops.size() + " redirect" + (hops.size() == 1 ? "" : "s"), start);
                }
                if (hops.size() > options.maxRedirects()) {
                    return result(url, Outcome.TOO_MANY_REDIRECTS, a.status, hops, next.toString(), a.method,
                            "more than " + options.maxRedirects() + " redirects", start);
                }
                uri = next;
                continue;
            }
            if (REDIRECTS.contains(a.status)) {
                return result(url, Outcome.HTTP_ERROR, a.status, hops, uri.toString(), a.method,
                        "HTTP " + a.status + " redirect without a Location header", start);
            }
            if (a.status >= 400) {
                return result(url, Outcome.HTTP_ERROR, a.status, hops, uri.toString(), a.method, "HTTP " + a.status, start);
            }
            return result(url, Outcome.OK, a.status, hops, uri.toString(), a.method, null, start);
        }
    }

    private record Answer(int status, String location, String method) {}

    /** A request that got no HTTP answer, classified. */
    private static final class Failure extends Exception {
        final Outcome outcome;
        final String method;

        Failure(Outcome outcome, String method, String message) {
            super(message, null, false, false);
            this.outcome = outcome;
            this.method = method;
        }
    }

    /** One hop: HEAD, then GET if HEAD was refused or its connection failed. Holds the host's permit throughout. */
    private Answer fetch(URI uri) throws Failure {
        Semaphore permit = hosts.of(uri);
        try {
            permit.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure(Outcome.CONNECTION_ERROR, "HEAD", "interrupted");
        }
        try {
            try {
                Answer head = send(uri, "HEAD");
                if (head.status != 405 && head.status != 501) {
                    return head;
                }
            } catch (Failure f) {
                // a timeout, TLS or DNS failure would only repeat; a server that drops HEAD may still answer GET
                if (f.outcome != Outcome.CONNECTION_ERROR || f.getMessage().startsWith("unknown host")
                        || f.getMessage().startsWith("connection refused")) {
                    throw f;
                }
            }
            return send(uri, "GET");
        } finally {
            permit.release();
        }
    }

    private Answer send(URI uri, String method) throws Failure {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .timeout(options.timeout())
                .header("User-Agent", options.userAgent())
                .header("Accept", "*/*");
        b = method.equals("HEAD") ? b.method("HEAD", HttpRequest.BodyPublishers.noBody()) : b.GET();
        try {
            // GET: headers are all we want; closing the body stream at once stops the download
            HttpResponse<InputStream> r = client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            r.body().close();
            return new Answer(r.statusCode(), r.headers().firstValue("Location").orElse(null), method);
        } catch (HttpTimeoutException e) {
            throw new Failure(Outcome.TIMEOUT, method, "no answer within " + human(options.timeout()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure(Outcome.CONNECTION_ERROR, method, "interrupted");
        } catch (IOException | RuntimeException e) {
            throw classify(e, method);
        }
    }

    private static Failure classify(Exception e, String method) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SSLException) {
                String m = String.valueOf(t.getMessage());
                String why = m.contains("PKIX") || m.contains("certification path") ? "certificate not trusted"
                        : m.contains("No subject alternative") || m.contains("doesn't match") ? "certificate is for another host"
                        : "TLS handshake failed";
                return new Failure(Outcome.TLS_ERROR, method, why + " (" + m + ")");
            }
            if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
                return new Failure(Outcome.CONNECTION_ERROR, method, "unknown host");
            }
            if (t instanceof ConnectException) {
                return new Failure(Outcome.CONNECTION_ERROR, method, "connection refused");
            }
            if (t instanceof HttpTimeoutException) {
                return new Failure(Outcome.TIMEOUT, method, "no answer in time");
            }
        }
        return new Failure(Outcome.CONNECTION_ERROR, method, e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
    }

    /** An absolute http(s) URL with a host, without its fragment (that is for the browser, never sent). */
    private static URI parse(String url) {
        String s = url.strip();
        int hash = s.indexOf('#');
        URI u;
        try {
            u = new URI(hash < 0 ? s : s.substring(0, hash));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a valid URL: " + e.getReason() + " at index " + e.getIndex());
        }
        if (u.getScheme() == null || !(u.getScheme().equalsIgnoreCase("http") || u.getScheme().equalsIgnoreCase("https"))) {
            throw new IllegalArgumentException("not an http or https URL");
        }
        if (u.getHost() == null || u.getHost().isEmpty()) {
            throw new IllegalArgumentException("the URL has no host");
        }
        return u;
    }

    private static LinkResult result(String url, Outcome outcome, int status, List<Hop> hops, String finalUrl, String method,
                                     String detail, long start) {
        return new LinkResult(url, outcome, status, hops, finalUrl, method, detail, Duration.ofNanos(System.nanoTime() - start));
    }

    static String human(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
