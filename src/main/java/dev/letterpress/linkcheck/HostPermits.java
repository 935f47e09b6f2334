package dev.letterpress.linkcheck;

import java.net.URI;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/** A fair semaphore per host:port, so no site gets more than {@code perHost} of our requests at once. */
final class HostPermits {
    private final int perHost;
    private final ConcurrentHashMap<String, Semaphore> permits = new ConcurrentHashMap<>();

    HostPermits(int perHost) {
        this.perHost = perHost;
    }

    Semaphore of(URI uri) {
        int port = uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        String key = uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
        return permits.computeIfAbsent(key, k -> new Semaphore(perHost, true));
    }
}
