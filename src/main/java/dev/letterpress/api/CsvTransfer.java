package dev.letterpress.api;

import de.siegmar.fastcsv.writer.CsvWriter;
import dev.letterpress.subscriber.CsvImporter;
import dev.letterpress.subscriber.MailingList;
import dev.letterpress.subscriber.Subscription;
import dev.letterpress.subscriber.SubscriberStore;
import io.javalin.http.Context;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * CSV in and out. Import streams the upload through the same importer as the CLI and answers with a per-row
 * report; export streams page by page (keyset), in the import's own format, so an export imports again.
 */
final class CsvTransfer {
    /** Problems listed in the answer; the counts always cover all of them. */
    static final int MAX_REPORTED = 1_000;
    private static final int PAGE = 1_000;

    record Problem(long line, String kind, String reason) {}

    private final SubscriberStore store;
    private final CsvImporter importer;
    private final SubscriberQueries queries;
    private final Api.Limits limits;

    CsvTransfer(SubscriberStore store, CsvImporter importer, SubscriberQueries queries, Api.Limits limits) {
        this.store = store;
        this.importer = importer;
        this.queries = queries;
        this.limits = limits;
    }

    /** POST /api/subscribers/import?list=NAME&status=confirmed|unconfirmed with a text/csv body. */
    void importCsv(Context ctx) {
        String listName = ctx.queryParam("list");
        if (listName == null || listName.isBlank()) {
            throw ApiError.badRequest("list", "required: the list to import into, e.g. ?list=Weekly&status=confirmed");
        }
        MailingList list = store.findList(listName).orElseThrow(() -> ApiError.badRequest("list", "no list named '" + Body.abbreviate(listName) + "'"));
        String status = ctx.queryParam("status");
        if (!Subscription.CONFIRMED.equals(status) && !Subscription.UNCONFIRMED.equals(status)) {
            throw ApiError.badRequest("status", "required: confirmed (consent already given) or unconfirmed");
        }
        Json.requireType(ctx, "text/csv");
        List<Problem> problems = new ArrayList<>();
        CsvImporter.Report report;
        try (Reader in = CsvImporter.utf8(Json.bounded(ctx, limits.maxUploadBytes()))) {
            report = importer.importCsv(in, "upload by " + Api.actor(ctx), list, status, p -> {
                if (problems.size() < MAX_REPORTED) {
                    problems.add(new Problem(p.line(), p.kind().name().toLowerCase(java.util.Locale.ROOT), p.reason()));
                }
            });
        } catch (CsvImporter.ImportException e) {
            throw ApiError.badRequest("body", e.getMessage());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("list", list.name());
        out.put("rows", report.rows());
        out.put("added", report.added());
        out.put("updated", report.updated());
        out.put("unchanged", report.unchanged());
        out.put("subscribed", report.subscribed());
        out.put("duplicates", report.duplicates());
        out.put("invalid", report.invalid());
        out.put("problems", problems);
        out.put("problemsTruncated", report.invalid() + report.duplicates() > problems.size());
        Json.send(ctx, 200, out);
    }

    /**
     * GET /api/subscribers/export with the search filters: {@code email,name,<attributes...>}. A first pass over
     * the matching rows collects the attribute names (the header must come first), the second writes them.
     */
    void export(Context ctx) throws java.io.IOException {
        var filter = SubscribersApi.filter(ctx, store);
        TreeSet<String> columns = new TreeSet<>();
        for (String after = null; ; ) {
            SubscriberQueries.Page page = queries.page(filter, after, PAGE, false);
            page.rows().forEach(r -> columns.addAll(r.attributes().keySet()));
            if ((after = page.next()) == null) {
                break;
            }
        }
        columns.remove("email");
        columns.remove("name");
        ctx.contentType("text/csv; charset=utf-8");
        ctx.header("Content-Disposition", "attachment; filename=\"subscribers.csv\"");
        // A value starting with = + - @ (or tab, CR) is data here, but a spreadsheet would run it as a formula (a
        // name from the public sign-up form, say =HYPERLINK(...)): it goes out with a leading apostrophe, which the
        // importer takes off again, so the file still imports unchanged.
        Writer out = new BufferedWriter(new OutputStreamWriter(ctx.outputStream(), StandardCharsets.UTF_8), 64 * 1024);
        CsvWriter csv = CsvWriter.builder().build(out);
        List<String> header = new ArrayList<>(List.of("email", "name"));
        header.addAll(columns);
        csv.writeRecord(header);
        String[] record = new String[header.size()];
        for (String after = null; ; ) {
            SubscriberQueries.Page page = queries.page(filter, after, PAGE, false);
            for (var r : page.rows()) {
                record[0] = CsvImporter.escapeFormula(r.email());
                record[1] = r.name() == null ? "" : CsvImporter.escapeFormula(r.name());
                int i = 2;
                for (String c : columns) {
                    record[i++] = CsvImporter.escapeFormula(r.attributes().getOrDefault(c, ""));
                }
                csv.writeRecord(record);
            }
            if ((after = page.next()) == null) {
                break;
            }
        }
        csv.flush();
        out.flush();
    }
}
