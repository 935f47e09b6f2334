package dev.letterpress.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** SMTP DATA framing against a plain byte-at-a-time reference, on random data cut into random pieces. */
class SmtpDataStreamTest {
    @Test
    void randomDataInRandomPiecesIsFramedAsByteByByte() throws IOException {
        Random random = new Random(11);
        byte[] alphabet = {'a', 'b', '.', '.', '\r', '\n', '\r', '\n', (byte) 0x8d, (byte) 0x8a, 0x0c, 0x0e, (byte) 0xc3};
        for (int round = 0; round < 3_000; round++) {
            byte[] data = new byte[random.nextInt(400)];
            int runs = random.nextInt(3);
            for (int i = 0; i < data.length; i++) {
                // long runs without breaks (the skip-to-the-line-end path) as well as dense ones
                data[i] = runs > 0 && random.nextInt(20) > 0 ? (byte) ('a' + random.nextInt(26)) : alphabet[random.nextInt(alphabet.length)];
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            SmtpDataStream stream = new SmtpDataStream(out);
            for (int i = 0; i < data.length;) {
                int n = Math.min(data.length - i, 1 + random.nextInt(random.nextBoolean() ? 4 : 64));
                stream.write(data, i, n);
                i += n;
            }
            stream.finish();
            assertThat(out.toByteArray()).as("round %d: %s", round, Arrays.toString(data)).isEqualTo(reference(data));
        }
    }

    /** RFC 5321 DATA the plain way: each bare CR or LF becomes CRLF, a dot opening a line is doubled, then CRLF.CRLF. */
    private static byte[] reference(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean lineStart = true;
        for (int i = 0; i < data.length; i++) {
            byte c = data[i];
            if (c == '\r' || c == '\n') {
                if (c == '\r' && i + 1 < data.length && data[i + 1] == '\n') {
                    i++;
                }
                out.write('\r');
                out.write('\n');
                lineStart = true;
                continue;
            }
            if (c == '.' && lineStart) {
                out.write('.');
            }
            out.write(c);
            lineStart = false;
        }
        if (!lineStart) {
            out.write('\r');
            out.write('\n');
        }
        out.writeBytes(".\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        return out.toByteArray();
    }
}
