package dev.letterpress.admin;

import dev.letterpress.tracking.CampaignStats;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The geometry of the report's bar charts; the template draws them as inline SVG, so no chart library and no script
 * is needed, and the numbers stay in a table beside each chart for screen readers and copy-paste.
 */
final class Charts {
    static final int WIDTH = 640;
    static final int HEIGHT = 200;
    private static final int LEFT = 40;
    private static final int BOTTOM = 24;
    private static final int TOP = 10;
    /** At most this many hours are drawn: a campaign's first three days, where nearly all opens and clicks land. */
    static final int MAX_HOURS = 72;
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("MM-dd HH:00").withZone(ZoneOffset.UTC);

    private Charts() {}

    /** Hour by hour from the first event, human and machine side by side; {@code clicks} picks clicks over opens. */
    static Map<String, Object> hourly(List<CampaignStats.Hour> hours, boolean clicks) {
        Map<Instant, CampaignStats.Hour> byHour = new HashMap<>();
        hours.forEach(h -> byHour.put(h.start(), h));
        List<Map<String, Object>> rows = new ArrayList<>();
        if (!hours.isEmpty()) {
            Instant first = hours.get(0).start().truncatedTo(ChronoUnit.HOURS);
            Instant last = hours.get(hours.size() - 1).start().truncatedTo(ChronoUnit.HOURS);
            for (Instant t = first; !t.isAfter(last) && rows.size() < MAX_HOURS; t = t.plus(1, ChronoUnit.HOURS)) {
                CampaignStats.Hour h = byHour.get(t);
                long human = h == null ? 0 : clicks ? h.humanClicks() : h.humanOpens();
                long machine = h == null ? 0 : clicks ? h.machineClicks() : h.machineOpens();
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("label", HOUR.format(t));
                row.put("human", human);
                row.put("machine", machine);
                rows.add(row);
            }
        }
        long max = Math.max(1, rows.stream().mapToLong(r -> Math.max((Long) r.get("human"), (Long) r.get("machine"))).max().orElse(1));
        int plotW = WIDTH - LEFT - 10;
        int plotH = HEIGHT - TOP - BOTTOM;
        double slot = rows.isEmpty() ? plotW : (double) plotW / rows.size();
        double bar = Math.max(1, slot * 0.4);
        int labelEvery = Math.max(1, (int) Math.ceil(rows.size() / 6.0));
        for (int i = 0; i < rows.size(); i++) {
            Map<String, Object> r = rows.get(i);
            double x = LEFT + i * slot + slot * 0.1;
            long human = (Long) r.get("human");
            long machine = (Long) r.get("machine");
            int hh = (int) Math.round((double) plotH * human / max);
            int mh = (int) Math.round((double) plotH * machine / max);
            r.put("hx", fmt(x));
            r.put("hy", TOP + plotH - hh);
            r.put("hh", hh);
            r.put("mx", fmt(x + bar));
            r.put("my", TOP + plotH - mh);
            r.put("mh", mh);
            r.put("w", fmt(bar));
            r.put("showLabel", i % labelEvery == 0);
            r.put("lx", fmt(x + bar));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rows", rows);
        m.put("max", max);
        m.put("width", WIDTH);
        m.put("height", HEIGHT);
        m.put("left", LEFT);
        m.put("top", TOP);
        m.put("baseline", TOP + plotH);
        m.put("labelY", HEIGHT - 6);
        m.put("right", WIDTH - 10);
        m.put("kind", clicks ? "clicks" : "opens");
        return m;
    }

    private static String fmt(double v) {
        return String.format(java.util.Locale.ROOT, "%.1f", v);
    }
}
