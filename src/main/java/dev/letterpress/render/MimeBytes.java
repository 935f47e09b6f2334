package dev.letterpress.render;

import java.util.Arrays;

/**
 * A growable byte buffer that writes MIME bodies directly: ASCII strings as they are, and text as UTF-8 in
 * quoted-printable, byte for byte what Jakarta Mail (Angus) writes for a {@code text/*; charset=UTF-8} part
 * with {@code Content-Transfer-Encoding: quoted-printable} (its QPEncoderStream behind an OutputStreamWriter:
 * 76-character lines with soft breaks, CR, LF and CRLF all become CRLF, a space before a line break or at
 * the end is encoded, unpaired surrogates become '?'). Angus does the same one byte and several stream
 * layers at a time; this is one pass over the characters.
 */
final class MimeBytes {
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    /** 75: Angus's line length (76) minus the '=' of a soft line break. */
    private static final int LINE = 75;

    private byte[] buf;
    private int len;

    MimeBytes(int capacity) {
        buf = new byte[Math.max(64, capacity)];
    }

    int length() {
        return len;
    }

    byte[] toByteArray() {
        return len == buf.length ? buf : Arrays.copyOf(buf, len);
    }

    /** A copy of the bytes, never the buffer itself: for a buffer that is {@link #reset} and written again. */
    byte[] copy() {
        return Arrays.copyOf(buf, len);
    }

    /** Empties the buffer, keeping its array. */
    MimeBytes reset() {
        len = 0;
        return this;
    }

    int capacity() {
        return buf.length;
    }

    void writeTo(java.io.OutputStream os) throws java.io.IOException {
        os.write(buf, 0, len);
    }

    private void ensure(int extra) {
        if (len + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
        }
    }

    /** Appends chars below 256 as single bytes (what Jakarta Mail's header and boundary lines do with ASCII). */
    MimeBytes ascii(String s) {
        int n = s.length();
        ensure(n);
        byte[] b = buf;
        int p = len;
        for (int i = 0; i < n; i++) {
            b[p++] = (byte) s.charAt(i);
        }
        len = p;
        return this;
    }

    MimeBytes crlf() {
        ensure(2);
        buf[len++] = '\r';
        buf[len++] = '\n';
        return this;
    }

    /** The bytes from {@code from} to the end. */
    byte[] tail(int from) {
        return Arrays.copyOfRange(buf, from, len);
    }

    /**
     * Appends {@code encoded} with the characters of {@code values} (all printable ASCII other than '=' and space,
     * one byte each) written over it at the offsets {@code at}, value after value.
     */
    MimeBytes patched(byte[] encoded, int[] at, String[] values) {
        int base = len;
        bytes(encoded);
        byte[] b = buf;
        int k = 0;
        for (String v : values) {
            for (int j = 0, n = v.length(); j < n; j++) {
                b[base + at[k++]] = (byte) v.charAt(j);
            }
        }
        return this;
    }

    MimeBytes bytes(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
        return this;
    }

    /** Appends {@code text} encoded as UTF-8, then quoted-printable. */
    MimeBytes quotedPrintable(String text) {
        char[] chars = text.toCharArray();
        return quotedPrintable(chars, 0, chars.length);
    }

    /**
     * Appends {@code text} as {@link #quotedPrintable(String)} does, copying the encoded form of every line that
     * equals the line at the same index of the text {@code lines} saw last time. The encoder's state starts
     * afresh after each LF, so a line's encoding depends on that line alone. Mail bodies of one campaign differ
     * from each other in a few lines (greeting, links), so most of the text is copied instead of encoded.
     */
    MimeBytes quotedPrintable(String text, LineCache lines) {
        char[] chars = text.toCharArray();
        int n = chars.length;
        int[] starts = new int[64];
        int[] encodedAt = new int[64];
        int count = 0;
        int s = 0;
        LineCache prev = lines.body == null ? null : lines;
        while (s < n) {
            int e = text.indexOf('\n', s);
            e = e < 0 ? n : e + 1;
            if (count + 1 >= starts.length) {
                starts = Arrays.copyOf(starts, starts.length * 2);
                encodedAt = Arrays.copyOf(encodedAt, encodedAt.length * 2);
            }
            starts[count] = s;
            encodedAt[count] = len;
            if (prev != null && count < prev.count) {
                int ps = prev.starts[count];
                int pe = prev.starts[count + 1];
                if (pe - ps == e - s && Arrays.equals(chars, s, e, prev.chars, ps, pe)) {
                    int from = prev.encodedAt[count];
                    int to = prev.encodedAt[count + 1];
                    ensure(to - from);
                    System.arraycopy(prev.body, from, buf, len, to - from);
                    len += to - from;
                    count++;
                    s = e;
                    continue;
                }
            }
            quotedPrintable(chars, s, e);
            count++;
            s = e;
        }
        starts[count] = n;
        encodedAt[count] = len;
        lines.pending(chars, starts, encodedAt, count);
        return this;
    }

    /**
     * The lines of the text last encoded through it, with where their encoding sits in that message's body.
     * One per thread and part; {@link #commit} (after the body is final) makes them the reference for the next.
     */
    static final class LineCache {
        private char[] chars;
        private int[] starts;
        private int[] encodedAt;
        private int count;
        private byte[] body;
        private char[] nextChars;
        private int[] nextStarts;
        private int[] nextEncodedAt;
        private int nextCount;

        void pending(char[] chars, int[] starts, int[] encodedAt, int count) {
            nextChars = chars;
            nextStarts = starts;
            nextEncodedAt = encodedAt;
            nextCount = count;
        }

        /** The finished body that the pending line offsets point into. */
        void commit(byte[] finishedBody) {
            chars = nextChars;
            starts = nextStarts;
            encodedAt = nextEncodedAt;
            count = nextCount;
            body = finishedBody;
        }
    }

    /**
     * Encodes {@code chars[from..n)} from a fresh encoder state: correct where a text starts or just after one
     * of its LFs, up to its end or just after an LF.
     */
    MimeBytes quotedPrintable(char[] chars, int from, int n) {
        return quotedPrintable(chars, from, n, null);
    }

    /**
     * {@link #quotedPrintable(char[], int, int)}, noting in {@code marks[i - from]} where in the buffer the byte of
     * each character {@code i} that is written as itself (printable ASCII other than '=' and space) landed.
     */
    MimeBytes quotedPrintable(char[] chars, int from, int n, int[] marks) {
        ensure(n - from + ((n - from) >> 3) + 64);
        byte[] b = buf;
        int p = len;
        int count = 0;          // bytes on the current output line
        boolean gotCR = false;
        int i = from;
        while (i < n) {
            if (p + 32 > b.length) { // one step writes at most 4 x (=XX + soft break) bytes
                len = p;
                ensure(32 + (n - i) * 2);
                b = buf;
            }
            char ch = chars[i++];
            if (ch < 0x80) {
                if (LITERAL[ch]) {
                    // the common case: printable ASCII, and a space that no line break or end follows
                    if (ch == ' ' && (i == n || chars[i] == '\r' || chars[i] == '\n')) {
                        // Angus holds a space back and encodes it when a line break or the end follows
                        if ((count += 3) > LINE) {
                            b[p++] = '=';
                            b[p++] = '\r';
                            b[p++] = '\n';
                            count = 3;
                        }
                        b[p++] = '=';
                        b[p++] = '2';
                        b[p++] = '0';
                    } else {
                        if (++count > LINE) {
                            b[p++] = '=';
                            b[p++] = '\r';
                            b[p++] = '\n';
                            count = 1;
                        }
                        if (marks != null) {
                            marks[i - 1 - from] = p;
                        }
                        b[p++] = (byte) ch;
                    }
                    gotCR = false;
                } else if (ch == '\r') {
                    gotCR = true;
                    b[p++] = '\r';
                    b[p++] = '\n';
                    count = 0;
                } else if (ch == '\n') {
                    if (!gotCR) {
                        b[p++] = '\r';
                        b[p++] = '\n';
                        count = 0;
                    }
                    gotCR = false;
                } else {
                    // controls, DEL and '='
                    this.count = count;
                    p = put(b, p, ch);
                    count = this.count;
                    gotCR = false;
                }
                continue;
            }
            gotCR = false;
            // non-ASCII: UTF-8 bytes, every one of them encoded
            int cp;
            if (Character.isHighSurrogate(ch) && i < n && Character.isLowSurrogate(chars[i])) {
                cp = Character.toCodePoint(ch, chars[i++]);
            } else if (Character.isSurrogate(ch)) {
                // what the UTF-8 encoder substitutes for malformed input
                if (++count > LINE) {
                    b[p++] = '=';
                    b[p++] = '\r';
                    b[p++] = '\n';
                    count = 1;
                }
                b[p++] = '?';
                continue;
            } else {
                cp = ch;
            }
            this.count = count;
            if (cp < 0x800) {
                p = put(b, p, 0xC0 | (cp >> 6));
                p = put(b, p, 0x80 | (cp & 0x3F));
            } else if (cp < 0x10000) {
                p = put(b, p, 0xE0 | (cp >> 12));
                p = put(b, p, 0x80 | ((cp >> 6) & 0x3F));
                p = put(b, p, 0x80 | (cp & 0x3F));
            } else {
                p = put(b, p, 0xF0 | (cp >> 18));
                p = put(b, p, 0x80 | ((cp >> 12) & 0x3F));
                p = put(b, p, 0x80 | ((cp >> 6) & 0x3F));
                p = put(b, p, 0x80 | (cp & 0x3F));
            }
            count = this.count;
        }
        len = p;
        return this;
    }

    /** Printable ASCII other than '=', and the space (whose encoding depends on what follows it). */
    private static final boolean[] LITERAL = new boolean[128];

    static {
        for (int c = 33; c < 127; c++) {
            LITERAL[c] = c != '=';
        }
        LITERAL[' '] = true;
    }

    /**
     * Whether every character of {@code s} is written as itself wherever it stands: one byte and one column (what
     * {@link #LITERAL} says, less the space, whose encoding depends on what follows it).
     */
    static boolean verbatim(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c >= 128 || c == ' ' || !LITERAL[c]) {
                return false;
            }
        }
        return true;
    }

    /** The output line length while {@link #put} runs (kept in a field: put returns the write position). */
    private int count;

    private int put(byte[] b, int p, int c) {
        if ((count += 3) > LINE) {
            b[p++] = '=';
            b[p++] = '\r';
            b[p++] = '\n';
            count = 3;
        }
        b[p++] = '=';
        b[p++] = HEX[c >> 4];
        b[p++] = HEX[c & 0xF];
        return p;
    }
}
