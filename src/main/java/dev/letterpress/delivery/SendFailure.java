package dev.letterpress.delivery;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A message the server did not accept. {@code code} is the SMTP reply code (0 for a network or protocol
 * failure, which counts as temporary); {@code enhanced} the RFC 3463 status when the server gave one.
 */
public final class SendFailure extends Exception {
    private static final Pattern ENHANCED = Pattern.compile("\\b([245])\\.(\\d{1,3})\\.(\\d{1,3})\\b");

    private final int code;
    private final String enhanced;

    public SendFailure(int code, String detail, Throwable cause) {
        super(detail == null ? "no detail" : detail.strip(), cause);
        this.code = code;
        Matcher m = ENHANCED.matcher(getMessage());
        this.enhanced = m.find() ? m.group() : null;
    }

    public int code() {
        return code;
    }

    public String enhanced() {
        return enhanced;
    }

    /** 5xx: retrying will not help. Everything else (4xx, dropped connections, timeouts) is retried. */
    public boolean permanent() {
        return code >= 500 && code < 600;
    }

    /**
     * A permanent failure that says the address itself is bad, so it must be suppressed. Policy rejections
     * (5.7.x: reputation, authentication) are the sender's problem, not the address's: recorded, not suppressed.
     */
    public boolean badAddress() {
        if (!permanent()) {
            return false;
        }
        if (enhanced != null) {
            return !enhanced.startsWith("5.7.");
        }
        return code == 550 || code == 551 || code == 553;
    }
}
