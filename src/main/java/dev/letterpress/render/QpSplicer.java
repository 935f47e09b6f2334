package dev.letterpress.render;

import java.util.ArrayList;
import java.util.List;

/**
 * A skeleton's text (fixed literals with slots between them) made ready for quoted-printable: every line
 * without a slot is encoded once, here, and each message encodes only the lines its values land in. That is
 * the same output as encoding the whole spliced text, because the encoder starts afresh after every LF (see
 * {@link MimeBytes#quotedPrintable(char[], int, int)}).
 */
final class QpSplicer {
    /** The text for slot {@code i} of one message. */
    interface Values {
        String value(int slot);
    }

    /** A line holding slots: literals[0], slot[0], literals[1], ..., the last literal ending in its LF (or the text's end). */
    private record Line(String[] literals, int[] slots, int fixedChars) {}

    /**
     * A line's encoding as last written on this thread, when every value in it was {@link MimeBytes#verbatim}: its values'
     * lengths and where each value character's byte sits. Values of the same lengths that are plain again (link
     * tokens: same length for every reader) encode to the same bytes with only those characters changed, soft line
     * breaks included, since each plain character is one byte and one column.
     */
    private record Encoded(int[] lengths, byte[] bytes, int[] at) {
        boolean fits(String[] values) {
            for (int i = 0; i < values.length; i++) {
                if (values[i].length() != lengths[i] || !MimeBytes.verbatim(values[i])) {
                    return false;
                }
            }
            return true;
        }
    }

    /** byte[] (encoded lines without slots) or {@link Line}, in order. */
    private final Object[] pieces;
    /** Per sending thread: the last encoding of each line with slots, by its index among them (null: none reusable). */
    private final ThreadLocal<Encoded[]> lastEncoded;
    /** Per sending thread, shared by every splicer: the text of the line being encoded. */
    private static final ThreadLocal<char[][]> SCRATCH = ThreadLocal.withInitial(() -> new char[][] {new char[1024]});

    QpSplicer(String[] literals) {
        List<Object> out = new ArrayList<>();
        StringBuilder fixed = new StringBuilder();   // whole lines without slots, not yet encoded
        StringBuilder line = new StringBuilder();    // the current line's text since its start or last slot
        List<String> lineLiterals = new ArrayList<>();
        List<Integer> lineSlots = new ArrayList<>();
        for (int i = 0; i < literals.length; i++) {
            String lit = literals[i];
            int pos = 0;
            int lf;
            while ((lf = lit.indexOf('\n', pos)) >= 0) {
                line.append(lit, pos, lf + 1);
                if (lineSlots.isEmpty()) {
                    fixed.append(line);
                } else {
                    encodeFixed(fixed, out);
                    lineLiterals.add(line.toString());
                    out.add(line(lineLiterals, lineSlots));
                }
                line.setLength(0);
                pos = lf + 1;
            }
            line.append(lit, pos, lit.length());
            if (i < literals.length - 1) {
                lineLiterals.add(line.toString());
                lineSlots.add(i);
                line.setLength(0);
            }
        }
        if (lineSlots.isEmpty()) {
            fixed.append(line);
            encodeFixed(fixed, out);
        } else {
            encodeFixed(fixed, out);
            lineLiterals.add(line.toString());
            out.add(line(lineLiterals, lineSlots));
        }
        this.pieces = out.toArray();
        int lines = (int) out.stream().filter(p -> p instanceof Line).count();
        this.lastEncoded = ThreadLocal.withInitial(() -> new Encoded[lines]);
    }

    private static Line line(List<String> literals, List<Integer> slots) {
        int fixedChars = 0;
        for (String l : literals) {
            fixedChars += l.length();
        }
        Line line = new Line(literals.toArray(String[]::new), slots.stream().mapToInt(Integer::intValue).toArray(), fixedChars);
        literals.clear();
        slots.clear();
        return line;
    }

    private static void encodeFixed(StringBuilder fixed, List<Object> out) {
        if (fixed.length() > 0) {
            out.add(new MimeBytes(fixed.length() + fixed.length() / 4 + 64).quotedPrintable(fixed.toString()).toByteArray());
            fixed.setLength(0);
        }
    }

    /** Appends the spliced text, quoted-printable, to {@code out}. */
    void write(MimeBytes out, Values values) {
        char[][] buf = SCRATCH.get();
        Encoded[] encoded = lastEncoded.get();
        int lineIndex = -1;
        for (Object p : pieces) {
            if (p instanceof byte[] b) {
                out.bytes(b);
                continue;
            }
            lineIndex++;
            Line line = (Line) p;
            String[] vals = new String[line.slots().length];
            int n = line.fixedChars();
            for (int i = 0; i < vals.length; i++) {
                vals[i] = values.value(line.slots()[i]);
                n += vals[i].length();
            }
            Encoded last = encoded[lineIndex];
            if (last != null && last.fits(vals)) {
                out.patched(last.bytes(), last.at(), vals);
                continue;
            }
            encoded[lineIndex] = encode(line, vals, n, buf, out);
        }
    }

    /** Encodes one line with its values; returns what a later line with values like these can reuse, or null. */
    private static Encoded encode(Line line, String[] vals, int n, char[][] buf, MimeBytes out) {
        if (buf[0].length < n) {
            buf[0] = new char[Math.max(n, buf[0].length * 2)];
        }
        char[] chars = buf[0];
        int[] valueStarts = new int[vals.length];
        boolean plain = true;
        int at = 0;
        for (int i = 0; i < vals.length; i++) {
            String lit = line.literals()[i];
            lit.getChars(0, lit.length(), chars, at);
            at += lit.length();
            valueStarts[i] = at;
            vals[i].getChars(0, vals[i].length(), chars, at);
            at += vals[i].length();
            plain &= MimeBytes.verbatim(vals[i]);
        }
        String last = line.literals()[vals.length];
        last.getChars(0, last.length(), chars, at);
        at += last.length();
        int start = out.length();
        if (!plain) {
            out.quotedPrintable(chars, 0, at);
            return null;
        }
        int[] marks = new int[at];
        out.quotedPrintable(chars, 0, at, marks);
        int[] lengths = new int[vals.length];
        int valueChars = 0;
        for (int i = 0; i < vals.length; i++) {
            lengths[i] = vals[i].length();
            valueChars += lengths[i];
        }
        int[] offsets = new int[valueChars];
        int k = 0;
        for (int i = 0; i < vals.length; i++) {
            for (int j = 0; j < lengths[i]; j++) {
                offsets[k++] = marks[valueStarts[i] + j] - start;
            }
        }
        return new Encoded(lengths, out.tail(start), offsets);
    }
}
