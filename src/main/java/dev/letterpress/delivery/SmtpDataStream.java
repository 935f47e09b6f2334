package dev.letterpress.delivery;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A message as SMTP DATA carries it (RFC 5321 §4.5.2, §2.3.8): every line ending as CRLF (a bare CR or LF
 * becomes one, as Jakarta Mail's SMTP stream does), a dot doubled at the start of a line, and {@link #finish}
 * ends the data with {@code CRLF . CRLF}. One pass over each array, copying runs between the bytes that need
 * changing, instead of a call per byte through stream layers.
 */
final class SmtpDataStream extends OutputStream {
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] END = {'.', '\r', '\n'};
    private static final byte[] DOT = {'.'};

    private final OutputStream out;
    private boolean atLineStart = true;
    private boolean afterCr;

    SmtpDataStream(OutputStream out) {
        this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        int end = off + len;
        int run = off; // start of the bytes not yet written
        for (int i = off; i < end; i++) {
            if (!atLineStart && !afterCr) {
                // inside a line only a CR or LF can change anything: skip to it without touching the state
                // (this loop was 16 % of a sending thread when every byte went through the whole body)
                while (i < end && b[i] != '\r' && b[i] != '\n') {
                    i++;
                }
                if (i == end) {
                    break;
                }
            }
            byte c = b[i];
            if (c == '\n') {
                if (!afterCr) { // a bare LF: write what came before, then CRLF for it
                    out.write(b, run, i - run);
                    out.write(CRLF);
                    run = i + 1;
                }
                afterCr = false;
                atLineStart = true;
                continue;
            }
            if (afterCr) { // the CR before this byte was bare: it became CRLF
                out.write(b, run, i - run);
                out.write('\n');
                run = i;
                atLineStart = true;
            }
            afterCr = c == '\r';
            if (c == '.' && atLineStart) {
                out.write(b, run, i - run);
                out.write(DOT);
                run = i; // the dot itself goes out with the run
            }
            atLineStart = false;
        }
        out.write(b, run, end - run);
    }

    /** Ends the message: closes an unfinished line, then the lone dot. Does not flush. */
    void finish() throws IOException {
        if (afterCr) {
            out.write('\n');
        } else if (!atLineStart) {
            out.write(CRLF);
        }
        out.write(END);
        atLineStart = true;
        afterCr = false;
    }
}
