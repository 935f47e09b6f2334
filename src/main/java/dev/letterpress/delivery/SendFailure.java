package dev.letterpress.delivery;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A message the server did not accept. {@code code} is the SMTP reply code (0 for a network or protocol
 * failure, which counts as temporary); {@code enhanced} the RFC 3463 status when the server gave one.
 */
public final class SendFailure extends Exception {
    // RFC 3463 puts the status right after the reply code ("550 5.1.1 ..."); searching the whole text would
    // take an IP address in the reply ("[10.4.7.1]") for one.
    private static final Pattern ENHANCED = Pattern.compile("^\\s*(?:\\d{3}[ -])?([245])\\.(\\d{1,3})\\.(\\d{1,3})(?=\\s|$)");

    private final int code;
    private final String enhanced;
    private final boolean senderRefused;
    private final boolean poolBusy;

    public SendFailure(int code, String detail, Throwable cause) {
        this(code, detail, cause, false);
    }

    /** {@code senderRefused}: the reply to MAIL FROM, i.e. about our envelope sender, not about the recipient. */
    public SendFailure(int code, String detail, Throwable cause, boolean senderRefused) {
        this(code, detail, cause, senderRefused, false);
    }

    private SendFailure(int code, String detail, Throwable cause, boolean senderRefused, boolean poolBusy) {
        super(detail == null ? "no detail" : detail.strip(), cause);
        this.code = code;
        this.senderRefused = senderRefused;
        this.poolBusy = poolBusy;
        Matcher m = ENHANCED.matcher(getMessage());
        boolean found = m.find() && (code == 0 || m.group(1).charAt(0) - '0' == code / 100);
        this.enhanced = found ? m.group(1) + "." + m.group(2) + "." + m.group(3) : null;
    }

    /** Every connection slot of this node's pool stayed taken (other campaigns are sending): nobody failed. */
    static SendFailure poolBusy(String detail, Throwable cause) {
        return new SendFailure(0, detail, cause, false, true);
    }

    public boolean poolBusy() {
        return poolBusy;
    }

    public int code() {
        return code;
    }

    public String enhanced() {
        return enhanced;
    }

    /**
     * The server refused our sender, not the recipient: MAIL FROM was refused, or the status is 5.1.7/5.1.8 (bad
     * sender mailbox or domain syntax/status). A misconfigured bounce.address looks like this for every recipient:
     * it must never count as their bounce, let alone suppress them; it is an error of the campaign's send.
     */
    public boolean aboutSender() {
        return senderRefused || "5.1.7".equals(enhanced) || "5.1.8".equals(enhanced) || "4.1.7".equals(enhanced) || "4.1.8".equals(enhanced);
    }

    /** 5xx: retrying will not help. Everything else (4xx, dropped connections, timeouts) is retried. */
    public boolean permanent() {
        return code >= 500 && code < 600;
    }

    /**
     * A permanent failure that says the address itself is bad, so it must be suppressed: 5.1.x (addressing) and
     * 5.2.1 (mailbox disabled). Policy rejections (5.7.x: reputation, authentication) and message-level refusals
     * (5.3.x size, 5.6.x content) are the sender's or the message's problem: recorded as bounces, not suppressed.
     * Without an enhanced status, only the classic "no such user" replies 550, 551 and 553 count.
     */
    public boolean badAddress() {
        if (!permanent() || aboutSender()) {
            return false;
        }
        if (enhanced != null) {
            return enhanced.startsWith("5.1.") || enhanced.equals("5.2.1");
        }
        return code == 550 || code == 551 || code == 553;
    }
}
