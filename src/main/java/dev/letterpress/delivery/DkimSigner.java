package dev.letterpress.delivery;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * RFC 6376 DKIM signer, rsa-sha256 with relaxed/relaxed canonicalization, over the exact bytes of a serialized
 * message: {@link #sign(byte[])} returns those bytes with a DKIM-Signature field in front, and nothing else may
 * change them on the way to SMTP ("sign what you send, byte for byte"). Thread-safe; one instance per key.
 *
 * <p>Header lines longer than 78 characters are folded first, only before whitespace already in them (RFC 5322
 * §2.2.3: unfolding gives back the same value), so relaxed canonicalization sees the same field either way.
 */
public final class DkimSigner {
    /** The fields signed, every instance present, and each once more ("over-signed", RFC 6376 §5.4.2): a
     *  second From or List-Unsubscribe added after signing then breaks the signature. */
    static final List<String> SIGNED = List.of("From", "To", "Cc", "Reply-To", "Sender", "Subject", "Date", "Message-ID",
            "List-Id", "List-Unsubscribe", "List-Unsubscribe-Post", "Feedback-ID", "MIME-Version", "Content-Type",
            "Content-Transfer-Encoding");
    private static final int FOLD_AT = 78;
    private static final byte[] CRLF = {'\r', '\n'};

    private final String domain;
    private final String selector;
    private final DkimKey key;
    private final Clock clock;

    public DkimSigner(String domain, String selector, PrivateKey key, Clock clock) {
        this.domain = domain;
        this.selector = selector;
        this.key = DkimKey.of(key);
        this.clock = clock;
    }

    /**
     * {@code message}: a whole RFC 5322 message (header, empty line, body). Returns the message as it must be sent:
     * the DKIM-Signature field, then the header (long lines folded) and the body, with every line ending in CRLF.
     */
    public byte[] sign(byte[] message) throws GeneralSecurityException {
        message = crlf(message);
        int split = headerEnd(message);
        List<byte[]> fields = fields(message, split);

        // body hash: relaxed body canonicalization, streamed into the digest
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        relaxedBody(message, Math.min(split + 2, message.length), message.length, sha256);
        String bh = Base64.getEncoder().encodeToString(sha256.digest());

        // the fields to sign, bottom-up per name (RFC 6376 §5.4.2), each name once more than it appears
        Signature rsa = key.newSignature();
        StringBuilder h = new StringBuilder();
        for (String name : SIGNED) {
            String lower = name.toLowerCase(Locale.ROOT);
            boolean any = false;
            for (int i = fields.size() - 1; i >= 0; i--) {
                if (lower.equals(fieldName(fields.get(i)))) {
                    rsa.update(relaxedHeader(fields.get(i)));
                    rsa.update(CRLF);
                    h.append(h.length() == 0 ? "" : ":").append(lower);
                    any = true;
                }
            }
            if (any) {
                h.append(':').append(lower); // over-signed: the verifier hashes nothing for it
            }
        }
        // break points: between tags, and before each ':' of h= (FWS is allowed there, RFC 6376 §3.5)
        List<String> pieces = new ArrayList<>(List.of("DKIM-Signature:", " v=1;", " a=rsa-sha256;", " c=relaxed/relaxed;",
                " d=" + domain + ";", " s=" + selector + ";", " t=" + clock.instant().getEpochSecond() + ";"));
        String[] names = h.toString().split(":");
        for (int i = 0; i < names.length; i++) {
            pieces.add((i == 0 ? " h=" : ":") + names[i] + (i == names.length - 1 ? ";" : ""));
        }
        pieces.add(" bh=" + bh + ";");
        pieces.add(" b=");
        String unsigned = fold(pieces);
        // the signature field itself, with an empty b=, canonicalized and without its CRLF (RFC 6376 §3.7)
        rsa.update(relaxedHeader(unsigned.getBytes(StandardCharsets.US_ASCII)));
        String b = Base64.getEncoder().encodeToString(rsa.sign());

        StringBuilder sig = new StringBuilder(unsigned.length() + b.length() + 16).append(unsigned);
        int col = unsigned.length() - unsigned.lastIndexOf('\n') - 1;
        for (int i = 0; i < b.length(); ) {
            int room = Math.max(FOLD_AT - col, 8);
            if (col > 1 && room <= 8) {
                sig.append("\r\n\t");
                col = 1;
                continue;
            }
            int n = Math.min(room, b.length() - i);
            sig.append(b, i, i + n);
            col += n;
            i += n;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(message.length + sig.length() + 64);
        out.writeBytes(sig.toString().getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(CRLF);
        for (byte[] f : fields) {
            out.writeBytes(f);
            out.writeBytes(CRLF);
        }
        out.write(message, split, message.length - split);
        return out.toByteArray();
    }

    /** Bare CR or LF become CRLF, as the SMTP transport would do after signing otherwise. */
    static byte[] crlf(byte[] m) {
        boolean clean = true;
        for (int i = 0; i < m.length && clean; i++) {
            if (m[i] == '\r') {
                clean = i + 1 < m.length && m[i + 1] == '\n';
                i++;
            } else if (m[i] == '\n') {
                clean = false;
            }
        }
        if (clean) {
            return m;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(m.length + 64);
        for (int i = 0; i < m.length; i++) {
            if (m[i] == '\r') {
                out.writeBytes(CRLF);
                if (i + 1 < m.length && m[i + 1] == '\n') {
                    i++;
                }
            } else if (m[i] == '\n') {
                out.writeBytes(CRLF);
            } else {
                out.write(m[i]);
            }
        }
        return out.toByteArray();
    }

    /** Index of the empty line's CRLF that ends the header (the body starts 2 bytes later), or the length. */
    private static int headerEnd(byte[] m) {
        if (m.length >= 2 && m[0] == '\r' && m[1] == '\n') {
            return 0;
        }
        for (int i = 0; i + 3 < m.length; i++) {
            if (m[i] == '\r' && m[i + 1] == '\n' && m[i + 2] == '\r' && m[i + 3] == '\n') {
                return i + 2;
            }
        }
        return m.length;
    }

    /** The header fields (continuation lines included, without the final CRLF), over-long lines folded. */
    private static List<byte[]> fields(byte[] m, int end) {
        List<byte[]> fields = new ArrayList<>();
        int start = 0;
        ByteArrayOutputStream field = new ByteArrayOutputStream();
        while (start < end) {
            int eol = start;
            while (eol + 1 < end && !(m[eol] == '\r' && m[eol + 1] == '\n')) {
                eol++;
            }
            if (eol + 1 >= end) {
                eol = end;
            }
            boolean continuation = m[start] == ' ' || m[start] == '\t';
            if (!continuation && field.size() > 0) {
                fields.add(field.toByteArray());
                field.reset();
            }
            if (continuation) {
                field.writeBytes(CRLF);
            }
            fold(m, start, eol, continuation ? 0 : nameLength(m, start, eol), field);
            start = eol + 2;
        }
        if (field.size() > 0) {
            fields.add(field.toByteArray());
        }
        return fields;
    }

    private static int nameLength(byte[] m, int from, int to) {
        for (int i = from; i < to; i++) {
            if (m[i] == ':') {
                return i - from + 1;
            }
        }
        return 0;
    }

    /** Writes line {@code m[from..to)}; if longer than 78, breaks it before whitespace it already has. */
    private static void fold(byte[] m, int from, int to, int keep, ByteArrayOutputStream out) {
        while (to - from > FOLD_AT) {
            int cut = -1;
            for (int i = from + FOLD_AT; i > from + keep + 1; i--) {
                if ((m[i] == ' ' || m[i] == '\t') && m[i - 1] != ' ' && m[i - 1] != '\t') {
                    cut = i;
                    break;
                }
            }
            if (cut < 0) { // no whitespace early enough: the first one after the limit, if any
                for (int i = from + FOLD_AT + 1; i < to; i++) {
                    if ((m[i] == ' ' || m[i] == '\t') && m[i - 1] != ' ' && m[i - 1] != '\t') {
                        cut = i;
                        break;
                    }
                }
            }
            if (cut < 0 || !hasText(m, cut, to)) {
                break;
            }
            out.write(m, from, cut - from);
            out.writeBytes(CRLF);
            from = cut;
            keep = 0;
        }
        out.write(m, from, to - from);
    }

    private static boolean hasText(byte[] m, int from, int to) {
        for (int i = from; i < to; i++) {
            if (m[i] != ' ' && m[i] != '\t') {
                return true;
            }
        }
        return false;
    }

    private static String fieldName(byte[] field) {
        int colon = 0;
        while (colon < field.length && field[colon] != ':') {
            colon++;
        }
        return new String(field, 0, colon, StandardCharsets.US_ASCII).strip().toLowerCase(Locale.ROOT);
    }

    /** RFC 6376 §3.4.2: lower-case name, unfolded value, runs of WSP as one SP, no WSP around the colon or at the end. */
    static byte[] relaxedHeader(byte[] field) {
        int colon = 0;
        while (colon < field.length && field[colon] != ':') {
            colon++;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(field.length);
        out.writeBytes(fieldName(field).getBytes(StandardCharsets.US_ASCII));
        out.write(':');
        boolean space = false;
        boolean started = false;
        for (int i = colon + 1; i < field.length; i++) {
            byte c = field[i];
            if (c == '\r' || c == '\n') {
                continue;
            }
            if (c == ' ' || c == '\t') {
                space = started;
                continue;
            }
            if (space) {
                out.write(' ');
                space = false;
            }
            out.write(c);
            started = true;
        }
        return out.toByteArray();
    }

    /** RFC 6376 §3.4.4: WSP runs as one SP, none at line ends, no empty lines at the end, a non-empty body ends in CRLF. */
    static void relaxedBody(byte[] m, int from, int to, MessageDigest digest) {
        byte[] line = new byte[1024];
        int pendingEmpty = 0;
        int i = from;
        while (i < to) {
            int eol = i;
            while (eol < to && !(m[eol] == '\r' && eol + 1 < to && m[eol + 1] == '\n')) {
                eol++;
            }
            int n = 0;
            boolean space = false;
            for (int j = i; j < eol; j++) {
                byte c = m[j];
                if (c == ' ' || c == '\t') {
                    space = true;
                    continue;
                }
                if (n + 2 > line.length) {
                    line = java.util.Arrays.copyOf(line, line.length * 2);
                }
                if (space) {
                    line[n++] = ' ';
                    space = false;
                }
                line[n++] = c;
            }
            if (n == 0) {
                pendingEmpty++;
            } else {
                for (; pendingEmpty > 0; pendingEmpty--) {
                    digest.update(CRLF);
                }
                digest.update(line, 0, n);
                digest.update(CRLF);
            }
            i = eol + 2;
        }
    }

    /** Joins the pieces, starting a continuation line ("\r\n\t") before a piece that would pass 78 characters. */
    private static String fold(List<String> pieces) {
        StringBuilder out = new StringBuilder(512);
        int col = 0;
        for (String piece : pieces) {
            if (col > 0 && col + piece.length() > FOLD_AT) {
                String p = piece.startsWith(" ") ? piece.substring(1) : piece;
                out.append("\r\n\t").append(p);
                col = 1 + p.length();
            } else {
                out.append(piece);
                col += piece.length();
            }
        }
        return out.toString();
    }
}
