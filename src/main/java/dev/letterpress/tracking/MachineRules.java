package dev.letterpress.tracking;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Whether an open or a click was a person's or a machine's, and why: every rule is here, in the order it is
 * applied (the first that fires decides). The evidence behind each rule is in docs/tracking-rules.md; each
 * rule has its own test in MachineRulesTest.
 */
final class MachineRules {
    /** A classification and the rule that made it (stored in events.reason). */
    record Verdict(boolean human, String reason) {}

    static final String TRAP_LINK = "trap-link";
    static final String HEAD_REQUEST = "head-request";
    static final String NO_USER_AGENT = "no-user-agent";
    static final String SCANNER_USER_AGENT = "scanner-user-agent";
    static final String APPLE_PRIVACY_PROXY = "apple-privacy-proxy";
    static final String OPENED_AT_DELIVERY = "opened-at-delivery";
    static final String CLICKED_AT_DELIVERY = "clicked-at-delivery";
    static final String ALL_LINKS_AT_ONCE = "all-links-at-once";
    static final String MAIL_IMAGE_PROXY = "mail-image-proxy";
    static final String NO_MACHINE_SIGNAL = "no-machine-signal";

    /** Opens this soon after the SMTP server accepted the message are prefetches: no one has read it yet. */
    static final Duration OPEN_PREFETCH_WINDOW = Duration.ofSeconds(3);
    /** Clicks this soon after delivery are link scanners: nobody opens, reads and clicks that fast. */
    static final Duration CLICK_SCAN_WINDOW = Duration.ofSeconds(10);
    /** This many different links of one message clicked within BURST_WINDOW: a scanner following every link. */
    static final int BURST_LINKS = 3;
    static final Duration BURST_WINDOW = Duration.ofSeconds(2);

    /**
     * Security gateways, link checkers, link-preview fetchers and HTTP libraries name themselves in the
     * user agent; browsers and mail clients do not contain any of these words.
     */
    private static final Pattern SCANNER_AGENT = Pattern.compile("(?i)bot\\b|bot/|spider|crawl|preview|scanner|python|curl/|wget"
            + "|go-http-client|java/|okhttp|httpclient|libwww|headless|phantomjs|facebookexternalhit|whatsapp|barracuda|mimecast"
            + "|proofpoint|urldefense|forcepoint|symantec|trend ?micro|sophos|ironport|fireeye|trustwave|zscaler|mcafee|avanan|checkpoint");
    /** Gmail and Yahoo fetch images through their proxies when the reader opens the mail (see the docs). */
    private static final Pattern MAIL_PROXY_AGENT = Pattern.compile("GoogleImageProxy|YahooMailProxy");
    /** Apple Mail Privacy Protection fetches with exactly this user agent, nothing after it. */
    private static final String APPLE_PROXY_AGENT = "Mozilla/5.0";

    private MachineRules() {}

    /** Classifies one hit; {@code sentAt} is when its message was accepted by SMTP (null if unknown). */
    static Verdict classify(Hit hit, Instant sentAt) {
        boolean open = hit.kind() == EventStore.Kind.OPEN;
        String agent = hit.userAgent() == null ? "" : hit.userAgent().strip();
        if (hit.trap()) {
            return machine(TRAP_LINK);
        }
        if (hit.head()) {
            return machine(HEAD_REQUEST);
        }
        if (agent.isEmpty()) {
            return machine(NO_USER_AGENT);
        }
        if (isScannerAgent(agent)) {
            return machine(SCANNER_USER_AGENT);
        }
        if (open && (agent.equals(APPLE_PROXY_AGENT) || isApple(hit.ip()))) {
            return machine(APPLE_PRIVACY_PROXY);
        }
        if (sentAt != null) {
            Duration after = Duration.between(sentAt, hit.at());
            if (open && after.compareTo(OPEN_PREFETCH_WINDOW) < 0) {
                return machine(OPENED_AT_DELIVERY);
            }
            if (!open && after.compareTo(CLICK_SCAN_WINDOW) < 0) {
                return machine(CLICKED_AT_DELIVERY);
            }
        }
        if (open && MAIL_PROXY_AGENT.matcher(agent).find()) {
            return new Verdict(true, MAIL_IMAGE_PROXY);
        }
        return new Verdict(true, NO_MACHINE_SIGNAL);
    }

    /**
     * The scanner pattern is a long alternation and user agents repeat a lot (a few browsers and mail clients),
     * so answers are remembered; the map is emptied when it gets big.
     */
    private static final Map<String, Boolean> SCANNER_AGENTS_SEEN = new java.util.concurrent.ConcurrentHashMap<>();

    private static boolean isScannerAgent(String agent) {
        Boolean known = SCANNER_AGENTS_SEEN.get(agent);
        if (known == null) {
            if (SCANNER_AGENTS_SEEN.size() >= 10_000) {
                SCANNER_AGENTS_SEEN.clear();
            }
            known = SCANNER_AGENT.matcher(agent).find();
            SCANNER_AGENTS_SEEN.put(agent, known);
        }
        return known;
    }

    /** Apple owns 17.0.0.0/8 (ARIN: "Apple Inc."); Mail Privacy Protection's image proxies fetch from it. */
    static boolean isApple(String ip) {
        return ip != null && ip.startsWith("17.") && ip.indexOf(':') < 0;
    }

    private static Verdict machine(String reason) {
        return new Verdict(false, reason);
    }

    /**
     * The "every link at once" rule, which needs memory: recent clicks per message (campaign and subscriber).
     * Bounded: the oldest messages are forgotten first. Not thread-safe; the event buffer's one flusher owns it.
     */
    static final class Bursts {
        private record Click(Instant at, long linkId) {}

        private final Map<String, Deque<Click>> recent;

        Bursts(int maxMessages) {
            this.recent = new LinkedHashMap<>(1024, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Deque<Click>> eldest) {
                    return size() > maxMessages;
                }
            };
        }

        /** Records a click; true when it makes BURST_LINKS different links of one message within BURST_WINDOW. */
        boolean isBurst(long campaign, long subscriber, long linkId, Instant at) {
            Deque<Click> clicks = recent.computeIfAbsent(campaign + ":" + subscriber, k -> new ArrayDeque<>());
            clicks.addLast(new Click(at, linkId));
            Instant from = at.minus(BURST_WINDOW);
            Set<Long> links = new HashSet<>();
            for (Iterator<Click> it = clicks.iterator(); it.hasNext(); ) {
                Click c = it.next();
                if (c.at().isBefore(from)) {
                    it.remove();
                } else {
                    links.add(c.linkId());
                }
            }
            return links.size() >= BURST_LINKS;
        }
    }
}
