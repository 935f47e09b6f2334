package dev.letterpress.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Encoding only the lines with slots gives the bytes of encoding the whole spliced text. */
class QpSplicerTest {
    private static byte[] whole(String[] literals, String[] values) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            text.append(literals[i]).append(values[i]);
        }
        text.append(literals[values.length]);
        return new MimeBytes(1024).quotedPrintable(text.toString()).toByteArray();
    }

    private static byte[] spliced(String[] literals, String[] values) {
        MimeBytes out = new MimeBytes(16);
        new QpSplicer(literals).write(out, i -> values[i]);
        return out.toByteArray();
    }

    @Test
    void tricksAtTheEdgesOfSlotsEncodeAsTheWholeText() {
        String longLine = "x".repeat(200);
        List<String[][]> cases = List.of(
                new String[][] {{"a\n", "\n"}, {"v"}},
                new String[][] {{"", ""}, {"only"}},
                new String[][] {{"Hi ", ", here\n" + longLine + "\nend "}, {"Zoë 🙂"}},
                new String[][] {{"space before slot ", " and after \n"}, {""}},
                new String[][] {{"trailing ", ""}, {" "}},
                new String[][] {{"line\r", "rest\r\n"}, {"\nvalue starting with LF"}},
                new String[][] {{"\n\n", "=", "\n"}, {"a=b\r\nc", longLine + " "}},
                new String[][] {{longLine + "\n" + longLine, longLine + "\n"}, {"é".repeat(60)}},
                new String[][] {{"tab\t", "\tx\n"}, {"\u0001ctrl"}});
        for (String[][] c : cases) {
            assertThat(spliced(c[0], c[1])).as("%s / %s", String.join("|", c[0]), String.join("|", c[1]))
                    .isEqualTo(whole(c[0], c[1]));
        }
    }

    @Test
    void randomTextsWithSlotsEncodeAsTheWholeText() {
        Random r = new Random(42);
        String alphabet = "ab =\t\r\n.é🙂<&";
        for (int round = 0; round < 2000; round++) {
            int slots = r.nextInt(5);
            String[] literals = new String[slots + 1];
            String[] values = new String[slots];
            for (int i = 0; i <= slots; i++) {
                literals[i] = random(r, alphabet, r.nextInt(120));
                if (i < slots) {
                    values[i] = random(r, alphabet, r.nextInt(90));
                }
            }
            assertThat(spliced(literals, values)).as("round %d", round).isEqualTo(whole(literals, values));
        }
    }

    /**
     * One splicer writing message after message on one thread, as a campaign does: lines whose values have the length
     * and kind of the last ones (tokens) reuse that encoding with the characters swapped, soft line breaks inside the
     * values included; any other value encodes afresh. Every message must still be the whole text's encoding.
     */
    @Test
    void messageAfterMessageEncodesAsTheWholeText() {
        Random r = new Random(7);
        String plain = "ABCxyz019-_./:?&%~!";
        String mixed = plain + " =é\t";
        String[] literals = {"<a href=\"https://news.example.com/c/", "\" style=\"" + "color:#123456;".repeat(5) + "\">Read ",
                "</a> and <img src=\"https://news.example.com/o/", ".gif\" alt=\"\">\n" + "x".repeat(70) + " ", "\n"};
        QpSplicer splicer = new QpSplicer(literals);
        for (int round = 0; round < 3000; round++) {
            // mostly same-length plain tokens; now and then another length or a value that must be encoded
            String[] values = {
                    random(r, plain, round % 50 == 0 ? 20 + r.nextInt(30) : 36),
                    random(r, round % 7 == 0 ? mixed : plain, 5 + (round % 3)),
                    random(r, plain, 36),
                    random(r, round % 11 == 0 ? mixed : plain, 6)};
            MimeBytes out = new MimeBytes(16);
            splicer.write(out, i -> values[i]);
            assertThat(out.toByteArray()).as("round %d", round).isEqualTo(whole(literals, values));
        }
    }

    private static String random(Random r, String alphabet, int n) {
        StringBuilder s = new StringBuilder();
        int[] cps = alphabet.codePoints().toArray();
        for (int i = 0; i < n; i++) {
            s.appendCodePoint(cps[r.nextInt(cps.length)]);
        }
        return s.toString();
    }
}
