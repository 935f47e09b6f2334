package dev.letterpress.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.letterpress.api.SubscriberQueries.Filter;
import dev.letterpress.api.SubscriberQueries.Page;
import dev.letterpress.api.SubscriberQueries.Row;
import dev.letterpress.api.SubscriberQueries.Subscription;
import dev.letterpress.db.Jdbc;
import dev.letterpress.db.Sql;
import dev.letterpress.subscriber.EmailAddress;
import dev.letterpress.subscriber.SubscriberStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Subscriber search in keyset pages (never OFFSET), each answered from an index in its own order, so that a page
 * costs milliseconds at a million subscribers:
 * <ul>
 * <li>an address term: address order, the cursor is the last address. A term containing @ matches the addresses
 * starting with it (a whole address finds that subscriber), "@example.com" that domain, any other term the
 * addresses starting with it or the domain equal to it. Not "inside" addresses: that reads every row.
 * <li>otherwise a list: that list's subscriptions in subscriber id order; otherwise all subscribers in id order.
 * The cursor is the last id.
 * </ul>
 * An attribute (stored as JSON, which no index serves in both databases), or a status, is checked row by row.
 * So those searches read ids in windows and stop at a time budget: such a page may hold fewer rows than asked,
 * even none, and still have a next cursor (where the reading stopped). Without that, a value nobody has read the
 * whole table in one request (1.5 s at a million subscribers).
 */
final class SubscriberSearch {
    static final long WINDOW = 50_000;
    static final Duration BUDGET = Duration.ofMillis(250);

    private final Jdbc jdbc;
    private final Sql sql = Sql.load("api");
    private final long window;
    private final long budgetNanos;

    SubscriberSearch(Jdbc jdbc, long window, Duration budget) {
        this.jdbc = jdbc;
        this.window = window;
        this.budgetNanos = budget.toNanos();
    }

    Page page(Filter f, String after, int limit, boolean withSubscriptions) {
        Page page = f.email() != null ? byAddress(f, after, limit) : byId(f, after, limit);
        if (withSubscriptions && !page.rows().isEmpty()) {
            Map<Long, List<Subscription>> byId = new HashMap<>();
            page.rows().forEach(r -> byId.put(r.id(), r.subscriptions()));
            jdbc.query(sql.get("subscriptions-of-page"), rs -> byId.get(rs.getLong("subscriber_id")).add(new Subscription(
                    rs.getString("list_name"), rs.getString("status"), Jdbc.instant(rs, "consent_at"), rs.getString("consent_source"))),
                    (Object) page.rows().stream().map(Row::id).toArray(Long[]::new));
        }
        return page;
    }

    private Page byAddress(Filter f, String after, int limit) {
        String term = EmailAddress.key(f.email().strip());
        if (term.isEmpty()) {
            throw new IllegalArgumentException("the address to look for is empty");
        }
        String from = after == null ? "" : after;
        int at = term.indexOf('@');
        List<Row> rows;
        if (at > 0) {
            rows = select("search-by-prefix", f, false, prefixRange(term, from), limit + 1);
        } else {
            String domain = at == 0 ? term.substring(1) : term;
            rows = select("search-by-domain", f, false, List.of(domain, from), limit + 1);
            if (at < 0) {
                rows = merge(rows, select("search-by-prefix", f, false, prefixRange(term, from), limit + 1), limit + 1);
            }
        }
        if (rows.size() <= limit) {
            return new Page(rows, null);
        }
        rows = rows.subList(0, limit);
        return new Page(rows, EmailAddress.key(rows.get(limit - 1).email()));
    }

    private Page byId(Filter f, String after, int limit) {
        long from = cursorId(after);
        boolean list = f.listId() != null;
        String driver = list ? "search-by-list" : "search-by-id";
        // a status is rare as often as not (the unsubscribed of a big list): like an attribute, checked row by row
        boolean rowByRow = f.attributeName() != null || f.status() != null;
        if (!rowByRow) {
            return idPage(select(driver, f, list, bounds(f, from, Long.MAX_VALUE), limit + 1), limit, null);
        }
        long last = jdbc.count(sql.get("last-subscriber-id"));
        long deadline = System.nanoTime() + budgetNanos;
        List<Row> rows = new ArrayList<>();
        for (long lo = from; ; ) {
            long hi = lo > last - window ? last : lo + window;
            rows.addAll(select(driver, f, list, bounds(f, lo, hi), limit + 1 - rows.size()));
            if (rows.size() > limit || hi >= last) {
                return idPage(rows, limit, null);
            }
            lo = hi;
            if (System.nanoTime() - deadline > 0) {
                return idPage(rows, limit, Long.toString(hi));
            }
        }
    }

    /** Trims a look-ahead row: its presence means a next page, which starts after the last row kept. */
    private static Page idPage(List<Row> rows, int limit, String stoppedAt) {
        if (rows.size() <= limit) {
            return new Page(rows, stoppedAt);
        }
        List<Row> kept = rows.subList(0, limit);
        return new Page(kept, Long.toString(kept.get(limit - 1).id()));
    }

    private static List<Object> bounds(Filter f, long above, long atMost) {
        return f.listId() != null ? List.of(f.listId(), above, atMost) : List.of(above, atMost);
    }

    /** The bounds of the addresses starting with {@code term}, and the cursor. Keys are lower-case ASCII. */
    private static List<Object> prefixRange(String term, String after) {
        char last = term.charAt(term.length() - 1);
        String upper = last == Character.MAX_VALUE ? term + last : term.substring(0, term.length() - 1) + (char) (last + 1);
        return List.of(term, upper, after);
    }

    /** The cursor of an id-ordered search: a subscriber id, or a clear error naming what was expected. */
    private static long cursorId(String after) {
        if (after == null || after.isEmpty()) {
            return 0;
        }
        try {
            long id = Long.parseLong(after);
            if (id >= 0) {
                return id;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("after must be the 'next' value of the previous page of the same search");
    }

    /** The two address-ordered matches of a bare term, merged in address order without repeats. */
    private static List<Row> merge(List<Row> a, List<Row> b, int limit) {
        TreeMap<String, Row> byKey = new TreeMap<>();
        a.forEach(r -> byKey.put(EmailAddress.key(r.email()), r));
        b.forEach(r -> byKey.put(EmailAddress.key(r.email()), r));
        return new ArrayList<>(byKey.values()).subList(0, Math.min(limit, byKey.size()));
    }

    /**
     * The named driving query with "{filters}" replaced by the other filters' fragments, then its limit. A
     * list-driven query has the list in its driver and checks the status on the subscription it joined.
     */
    private List<Row> select(String driver, Filter f, boolean listDriven, List<Object> driverParams, int limit) {
        StringBuilder filters = new StringBuilder();
        List<Object> params = new ArrayList<>(driverParams);
        if (f.attributeName() != null) {
            filters.append('\n').append(sql.get("search-attribute"));
            params.add("%" + like(json(f.attributeName()) + ":" + json(f.attributeValue())) + "%");
        }
        if (listDriven) {
            if (f.status() != null) {
                filters.append('\n').append(sql.get("search-joined-status"));
                params.add(f.status());
            }
        } else if (f.listId() != null && f.status() != null) {
            filters.append('\n').append(sql.get("search-list-status"));
            params.add(f.listId());
            params.add(f.status());
        } else if (f.listId() != null) {
            filters.append('\n').append(sql.get("search-list"));
            params.add(f.listId());
        } else if (f.status() != null) {
            filters.append('\n').append(sql.get("search-status"));
            params.add(f.status());
        }
        params.add(limit);
        String q = sql.get(driver).replace("{filters}", filters.toString());
        return jdbc.query(q, rs -> new Row(rs.getLong("id"), rs.getString("email"), rs.getString("name"),
                SubscriberStore.attributes(rs.getString("attributes")), rs.getString("status"), Jdbc.instant(rs, "created_at"),
                new ArrayList<>()), params.toArray());
    }

    private static String json(String s) {
        try {
            return Json.MAPPER.writeValueAsString(s);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String like(String s) {
        return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
