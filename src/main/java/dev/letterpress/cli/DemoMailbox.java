package dev.letterpress.cli;

import com.icegreen.greenmail.util.GreenMail;
import dev.letterpress.App;
import dev.letterpress.delivery.Campaign;
import dev.letterpress.tracking.EventStore;
import dev.letterpress.web.MailboxView;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** The demo's mail catcher (GreenMail) as the mailbox page sees it. */
final class DemoMailbox implements MailboxView {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    private final GreenMail greenMail;
    private final Supplier<App> app;

    DemoMailbox(GreenMail greenMail, Supplier<App> app) {
        this.greenMail = greenMail;
        this.app = app;
    }

    @Override
    public int total() {
        return greenMail.getReceivedMessages().length;
    }

    @Override
    public List<Caught> first(int n) {
        MimeMessage[] all = greenMail.getReceivedMessages();
        List<Caught> out = new ArrayList<>();
        for (int i = 0; i < Math.min(n, all.length); i++) {
            try {
                MimeMessage m = all[i];
                out.add(new Caught(i, m.getAllRecipients()[0].toString(), m.getSubject(),
                        m.getReceivedDate() == null ? "" : TIME.format(m.getReceivedDate().toInstant())));
            } catch (jakarta.mail.MessagingException e) {
                out.add(new Caught(i, "?", "(unreadable: " + e.getMessage() + ")", ""));
            }
        }
        return out;
    }

    @Override
    public String body(int index, boolean html) {
        MimeMessage[] all = greenMail.getReceivedMessages();
        if (index < 0 || index >= all.length) {
            return null;
        }
        try {
            Object content = all[index].getContent();
            if (content instanceof Multipart mp) {
                for (int i = 0; i < mp.getCount(); i++) {
                    BodyPart part = mp.getBodyPart(i);
                    if (part.isMimeType(html ? "text/html" : "text/plain")) {
                        return (String) part.getContent();
                    }
                }
                return null;
            }
            return String.valueOf(content);
        } catch (Exception e) {
            return "unreadable message: " + e.getMessage();
        }
    }

    @Override
    public List<Map<String, Object>> campaigns() {
        App a = app.get();
        List<Map<String, Object>> rows = new ArrayList<>();
        if (a == null) {
            return rows;
        }
        for (Campaign c : a.campaignStore.recent(10)) {
            Map<String, Long> ledger = a.campaignStore.stateCounts(c.id());
            Map<String, EventStore.Count> events = a.events.counts(c.id());
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", c.id());
            row.put("name", c.name());
            row.put("status", c.status());
            row.put("sent", ledger.get("sent"));
            row.put("failed", ledger.get("failed"));
            row.put("skipped", ledger.get("skipped"));
            row.put("opens", events.getOrDefault("open", new EventStore.Count(0, 0)).total());
            row.put("clicks", events.getOrDefault("click", new EventStore.Count(0, 0)).total());
            row.put("unsubscribes", events.getOrDefault("unsubscribe", new EventStore.Count(0, 0)).total());
            rows.add(row);
        }
        return rows;
    }
}
