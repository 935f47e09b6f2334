package dev.letterpress.admin;

import dev.letterpress.api.SubscriberQueries;
import dev.letterpress.subscriber.CsvImporter;
import dev.letterpress.subscriber.DataRights;
import dev.letterpress.subscriber.MailingList;
import dev.letterpress.subscriber.NotFoundException;
import dev.letterpress.subscriber.Subscriber;
import dev.letterpress.subscriber.SubscriberStore;
import dev.letterpress.subscriber.Subscription;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Subscribers: search (keyset pages), one subscriber's history, and CSV import with progress and a per-row report. */
final class SubscriberRoutes {
    private static final int PAGE = 50;
    private static final List<String> STATUSES = List.of(Subscription.CONFIRMED, Subscription.UNCONFIRMED, Subscription.UNSUBSCRIBED);

    private final SubscriberStore subscribers;
    private final SubscriberQueries queries;
    private final DataRights rights;
    private final ImportJobs imports;
    private final AdminView view;
    private final long maxUploadBytes;

    SubscriberRoutes(SubscriberStore subscribers, SubscriberQueries queries, DataRights rights, CsvImporter importer, long maxUploadBytes,
                     AdminView view) {
        this.maxUploadBytes = maxUploadBytes;
        this.subscribers = subscribers;
        this.queries = queries;
        this.rights = rights;
        this.imports = new ImportJobs(importer);
        this.view = view;
    }

    long maxUploadBytes() {
        return maxUploadBytes;
    }

    void close() {
        imports.close();
    }

    void search(Context ctx, AdminSessions.Session s) {
        String email = param(ctx, "email");
        String attribute = param(ctx, "attribute");
        String status = param(ctx, "status");
        String list = param(ctx, "list");
        String attrName = null;
        String attrValue = null;
        if (attribute != null) {
            int eq = attribute.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("search an attribute as name=value, e.g. city=Berlin");
            }
            attrName = attribute.substring(0, eq).strip();
            attrValue = attribute.substring(eq + 1).strip();
        }
        if (status != null && !STATUSES.contains(status)) {
            throw new IllegalArgumentException("status is one of " + STATUSES);
        }
        Long listId = list == null ? null : subscribers.findList(list).map(MailingList::id)
                .orElseThrow(() -> new IllegalArgumentException("no list named '" + list + "'"));
        var page = queries.page(new SubscriberQueries.Filter(email, attrName, attrValue, listId, status), ctx.queryParam("after"), PAGE, true);
        var rows = page.rows();
        Map<String, Object> m = new HashMap<>();
        m.put("rows", rows.stream().map(r -> Map.of("id", r.id(), "email", r.email(), "name", r.name() == null ? "" : r.name(),
                "status", r.status(), "attributes", r.attributes().toString(),
                "lists", String.join(", ", r.subscriptions().stream().map(x -> x.list() + " (" + x.status() + ")").toList()))).toList());
        Map<String, String> q = new LinkedHashMap<>();
        q.put("email", email == null ? "" : email);
        q.put("attribute", attribute == null ? "" : attribute);
        q.put("status", status == null ? "" : status);
        q.put("list", list == null ? "" : list);
        m.put("q", q);
        if (page.next() != null) {
            StringBuilder next = new StringBuilder("/admin/subscribers?");
            q.forEach((k, v) -> next.append(k).append('=').append(java.net.URLEncoder.encode(v, java.nio.charset.StandardCharsets.UTF_8)).append('&'));
            m.put("next", next.append("after=").append(java.net.URLEncoder.encode(page.next(), java.nio.charset.StandardCharsets.UTF_8)).toString());
        }
        m.put("statuses", STATUSES);
        m.put("lists", subscribers.lists().stream().map(MailingList::name).toList());
        view.page(ctx, 200, "subscribers", s, m);
    }

    void show(Context ctx, AdminSessions.Session s) {
        long id = Long.parseLong(ctx.pathParam("id"));
        Subscriber sub = subscribers.findById(id).orElseThrow(() -> new NotFoundException("no subscriber #" + id));
        Map<String, Object> export = rights.export(id);
        List<Map<String, Object>> sections = new ArrayList<>();
        for (String key : List.of("subscriptions", "consentRecords", "deliveries", "events")) {
            Object v = export.get(key);
            if (v instanceof List<?> rows) {
                List<String> columns = rows.isEmpty() ? List.of() : ((Map<?, ?>) rows.get(0)).keySet().stream().map(String::valueOf).toList();
                List<List<String>> cells = rows.stream().map(r -> columns.stream().map(c -> String.valueOf(((Map<?, ?>) r).get(c)))
                        .map(x -> x.equals("null") ? "" : x).toList()).toList();
                sections.add(Map.of("title", key, "columns", columns, "rows", cells));
            }
        }
        view.page(ctx, 200, "subscriber", s, Map.of("sub", Map.of("id", sub.id(), "email", sub.email(), "name", sub.name() == null ? "" : sub.name(),
                "status", sub.status(), "attributes", sub.attributes().toString()), "sections", sections));
    }

    void startImport(Context ctx, AdminSessions.Session s) throws Exception {
        UploadedFile file = ctx.uploadedFile("file");
        String listName = param(ctx, "list", true);
        String status = param(ctx, "status", true);
        if (file == null || listName == null) {
            throw new IllegalArgumentException("choose a CSV file and the list to import into");
        }
        if (!Subscription.CONFIRMED.equals(status) && !Subscription.UNCONFIRMED.equals(status)) {
            throw new IllegalArgumentException("say whether the subscribers already confirmed (consent given) or not");
        }
        MailingList list = subscribers.findList(listName).orElseThrow(() -> new IllegalArgumentException("no list named '" + listName + "'"));
        Path tmp = Files.createTempFile("letterpress-import-", ".csv");
        try (InputStream in = file.content()) {
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        }
        var job = imports.start(tmp, file.filename(), list, status, s.adminName());
        ctx.status(303).header("Location", "/admin/imports/" + job.id);
    }

    void importPage(Context ctx, AdminSessions.Session s) {
        var job = job(ctx);
        Map<String, Object> m = new HashMap<>(progressOf(job));
        m.put("problems", new ArrayList<>(job.problems).stream().map(p -> Map.of("line", p.line(), "kind",
                p.kind().name().toLowerCase(java.util.Locale.ROOT), "reason", p.reason())).toList());
        view.page(ctx, 200, "import", s, m);
    }

    void importProgress(Context ctx, AdminSessions.Session s) {
        AdminView.json(ctx, 200, progressOf(job(ctx)));
    }

    private static Map<String, Object> progressOf(ImportJobs.Job job) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", job.id);
        m.put("file", job.file);
        m.put("list", job.list);
        m.put("done", job.done());
        m.put("percent", job.percent());
        m.put("rowsRead", job.rowsRead);
        m.put("rowsWritten", job.rowsWritten);
        m.put("rowsToWrite", job.rowsToWrite);
        m.put("totalRows", job.totalRows);
        m.put("error", job.error == null ? "" : job.error);
        var r = job.report;
        if (r != null) {
            m.put("report", Map.of("rows", r.rows(), "added", r.added(), "updated", r.updated(), "unchanged", r.unchanged(),
                    "duplicates", r.duplicates(), "invalid", r.invalid(), "subscribed", r.subscribed()));
        }
        return m;
    }

    private ImportJobs.Job job(Context ctx) {
        return imports.find(ctx.pathParam("job")).orElseThrow(() -> new NotFoundException(
                "no import with this id on this server (imports are forgotten on a restart; the rows already imported stay)"));
    }

    private static String param(Context ctx, String name) {
        return param(ctx, name, false);
    }

    private static String param(Context ctx, String name, boolean form) {
        String v = form ? ctx.formParam(name) : ctx.queryParam(name);
        return v == null || v.isBlank() ? null : v.strip();
    }
}
