package dev.letterpress.subscriber;

import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvRecord;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/** Reads and validates rows into batches; stops early when the writer gives up ({@link #stopped}). */
final class CsvRowParser implements Runnable {
    final BlockingQueue<CsvImporter.Batch> queue = new ArrayBlockingQueue<>(CsvImporter.QUEUE);
    final Iterator<CsvRecord> it;
    final String[] header;
    volatile boolean stopped;

    CsvRowParser(Iterator<CsvRecord> it, String[] header) {
        this.it = it;
        this.header = header;
    }

    @Override
    public void run() {
        long rows = 0;
        List<CsvImporter.Row> chunk = new ArrayList<>(CsvImporter.CHUNK);
        List<CsvImporter.RowProblem> invalid = new ArrayList<>();
        try {
            while (!stopped) {
                CsvRecord record;
                try {
                    if (!it.hasNext()) {
                        break;
                    }
                    record = it.next();
                } catch (CsvParseException e) {
                    invalid.add(new CsvImporter.RowProblem(-1, CsvImporter.RowProblem.Kind.INVALID,
                            "unreadable CSV from here on (" + e.getMessage() + "); the rows after it were not imported"));
                    break;
                }
                rows++;
                CsvImporter.Row row = parse(record, header, invalid);
                if (row == null) {
                    if (invalid.size() >= CsvImporter.CHUNK) { // a file of nothing but bad rows: hand them over too, memory stays bounded
                        hand(new CsvImporter.Batch(chunk, invalid, rows, false, null));
                        chunk = new ArrayList<>(CsvImporter.CHUNK);
                        invalid = new ArrayList<>();
                    }
                    continue;
                }
                chunk.add(row);
                if (chunk.size() == CsvImporter.CHUNK) {
                    hand(new CsvImporter.Batch(chunk, invalid, rows, false, null));
                    chunk = new ArrayList<>(CsvImporter.CHUNK);
                    invalid = new ArrayList<>();
                }
            }
            hand(new CsvImporter.Batch(chunk, invalid, rows, true, null));
        } catch (InterruptedException e) {
            // the writer stopped: nobody reads the queue any more
        } catch (RuntimeException | Error e) {
            // an Error too (out of memory): the writer waits for a batch, and must hear of it rather than wait forever
            RuntimeException failure = e instanceof RuntimeException r ? r : new IllegalStateException("the CSV parser failed: " + e, e);
            try {
                hand(new CsvImporter.Batch(List.of(), List.of(), rows, true, failure));
            } catch (InterruptedException ignored) {
                // the writer stopped
            }
        }
    }

    private void hand(CsvImporter.Batch batch) throws InterruptedException {
        while (!stopped) {
            if (queue.offer(batch, 100, TimeUnit.MILLISECONDS)) {
                return;
            }
        }
    }

    static String[] header(CsvRecord first, String sourceName) {
        String[] names = new String[first.getFieldCount()];
        boolean hasEmail = false;
        for (int i = 0; i < names.length; i++) {
            String n = first.getField(i).strip();
            if (i == 0 && n.startsWith("\uFEFF")) {
                n = n.substring(1);
            }
            if (n.isEmpty()) {
                throw new CsvImporter.ImportException(sourceName + " line 1: column " + (i + 1) + " of the header has no name");
            }
            String lower = n.toLowerCase(Locale.ROOT);
            for (int j = 0; j < i; j++) {
                if (names[j].equalsIgnoreCase(n)) {
                    throw new CsvImporter.ImportException(sourceName + " line 1: column '" + n + "' appears twice in the header");
                }
            }
            hasEmail |= lower.equals("email");
            names[i] = lower.equals("email") || lower.equals("name") ? lower : n;
        }
        if (Arrays.stream(names).anyMatch(n -> n.indexOf(CsvImporter.NOT_UTF8) >= 0)) {
            throw new CsvImporter.ImportException(sourceName + " line 1: the header has bytes that are not UTF-8: " + CsvImporter.NOT_UTF8_HINT);
        }
        if (!hasEmail) {
            throw new CsvImporter.ImportException(sourceName + " line 1: the header has no 'email' column; expected a header such as email,name,city");
        }
        return names;
    }

    private static CsvImporter.Row parse(CsvRecord record, String[] header, List<CsvImporter.RowProblem> invalid) {
        long line = record.getStartingLineNumber();
        // first, whatever the field count: a stray quote in a middle column also leaves too few fields, and reporting
        // only the count would hide the lines it swallowed
        for (String field : record.getFields()) {
            if (field.indexOf('\n') >= 0 || field.indexOf('\r') >= 0) {
                // FastCSV closes an unterminated quote at the end of the file (its issue #173), so such a quote
                // swallows the following lines into one value. Values are single-line here: report the span.
                long lines = field.stripTrailing().chars().filter(ch -> ch == '\n').count();
                invalid.add(new CsvImporter.RowProblem(line, CsvImporter.RowProblem.Kind.INVALID, "a quoted value runs from line " + line + " over "
                        + lines + " more line" + (lines == 1 ? "" : "s") + " (to line " + (line + lines)
                        + "): is a closing quote missing? Those lines were not imported; values must be on one line"));
                return null;
            }
        }
        for (String field : record.getFields()) {
            if (field.indexOf(CsvImporter.NOT_UTF8) >= 0) {
                invalid.add(new CsvImporter.RowProblem(line, CsvImporter.RowProblem.Kind.INVALID, "bytes that are not UTF-8: "
                        + CsvImporter.NOT_UTF8_HINT));
                return null;
            }
        }
        if (record.getFieldCount() != header.length) {
            invalid.add(new CsvImporter.RowProblem(line, CsvImporter.RowProblem.Kind.INVALID,
                    record.getFieldCount() + " fields, but the header has " + header.length + " (" + String.join(",", header) + ")"));
            return null;
        }
        String email = null;
        String name = null;
        Map<String, String> attributes = new LinkedHashMap<>();
        for (int i = 0; i < header.length; i++) {
            String value = unescapeFormula(record.getField(i).strip());
            switch (header[i]) {
                case "email" -> email = value;
                case "name" -> name = value.isEmpty() ? null : value;
                default -> {
                    if (!value.isEmpty()) {
                        attributes.put(header[i], value);
                    }
                }
            }
        }
        String problem = EmailAddress.problem(email);
        if (problem == null && name != null && (name.length() > CsvImporter.MAX_NAME || name.chars().anyMatch(Character::isISOControl))) {
            problem = "name must be at most " + CsvImporter.MAX_NAME + " printable characters";
        }
        if (problem == null) {
            for (var e : attributes.entrySet()) {
                if (e.getValue().length() > CsvImporter.MAX_VALUE) {
                    problem = "attribute '" + e.getKey() + "' is longer than " + CsvImporter.MAX_VALUE + " characters";
                }
            }
        }
        String json = problem == null ? SubscriberStore.toJson(attributes) : null;
        if (problem == null && json.length() > CsvImporter.MAX_ATTRIBUTES_JSON) {
            problem = "the attributes take " + json.length() + " characters; at most " + CsvImporter.MAX_ATTRIBUTES_JSON;
        }
        if (problem != null) {
            invalid.add(new CsvImporter.RowProblem(line, CsvImporter.RowProblem.Kind.INVALID, problem));
            return null;
        }
        return new CsvImporter.Row(line, email, EmailAddress.key(email), name, json);
    }

    /**
     * Undoes the export's guard against spreadsheet formulas: a value written as {@code '=...} (or +, -, @, tab, CR
     * after the apostrophe) was {@code =...} in the data, so export and import round-trip.
     */
    static String unescapeFormula(String value) {
        return value.length() > 1 && value.charAt(0) == '\'' && "=+-@\t\r".indexOf(value.charAt(1)) >= 0 ? value.substring(1) : value;
    }
}
