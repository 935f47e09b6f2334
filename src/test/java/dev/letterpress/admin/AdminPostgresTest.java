package dev.letterpress.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import dev.letterpress.App;
import dev.letterpress.PostgresSupport;
import dev.letterpress.TestSupport;
import dev.letterpress.subscriber.Subscription;
import jakarta.mail.Multipart;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin's migration, sessions and report queries (hourly buckets, top links) on a real PostgreSQL. */
class AdminPostgresTest {
    @TempDir
    Path dir;

    @Test
    void signInAndAReportWithAClickWorkOnPostgres() throws Exception {
        GreenMail smtp = TestSupport.greenMail();
        try (App app = App.create(TestSupport.config(dir, smtp.getSmtp().getPort(),
                Map.of("db.url", PostgresSupport.newDatabase(), "db.user", "postgres", "db.password", "postgres"))).start()) {
            assertThat(app.db.isPostgres()).isTrue();
            var list = app.subscribers.createList("Weekly", null);
            app.subscribers.addToList(list.id(), "ada@example.com", "Ada", Map.of(), Subscription.CONFIRMED, "test");
            app.admins.create("ada", "correct horse battery staple");
            AdminHttp http = new AdminHttp(app.config.http().publicBaseUrl().toString());
            var s = http.signIn("ada", "correct horse battery staple");
            assertThat(s).isNotNull();

            long campaign = app.campaigns.create("Issue 1", TestSupport.demoIssue(), List.of("Weekly"), null);
            TestSupport.await("campaign to finish", Duration.ofSeconds(30), () -> "finished".equals(app.campaignStore.require(campaign).status()));
            String html = null;
            Multipart mp = (Multipart) smtp.getReceivedMessages()[0].getContent();
            for (int i = 0; i < mp.getCount(); i++) {
                if (mp.getBodyPart(i).isMimeType("text/html")) {
                    html = (String) mp.getBodyPart(i).getContent();
                }
            }
            String click = org.jsoup.Jsoup.parse(html).select("a[href]").stream().map(a -> a.attr("href"))
                    .filter(h -> h.contains("/c/")).findFirst().orElseThrow();
            var redirect = AdminHttp.HTTP.send(HttpRequest.newBuilder(URI.create(click)).GET().build(), HttpResponse.BodyHandlers.discarding());
            assertThat(redirect.statusCode()).isEqualTo(302);
            TestSupport.await("the click to be stored", Duration.ofSeconds(10), () -> app.events.counts(campaign).containsKey("click"));

            var report = http.get("/admin/campaigns/" + campaign, s.cookie());
            assertThat(report.statusCode()).as(report.body()).isEqualTo(200);
            assertThat(report.body()).contains("Clicks per hour").contains(redirect.headers().firstValue("Location").orElseThrow());
            assertThat(new dev.letterpress.tracking.CampaignStats(app.db.jdbc()).timeline(campaign)).hasSize(1);
            assertThat(http.get("/admin", s.cookie()).body()).contains("Issue 1");
            assertThat(http.get("/admin/subscribers?email=ada", s.cookie()).body()).contains("ada@example.com");
            assertThat(http.post("/admin/signout", s.cookie(), Map.of("_csrf", s.csrf())).statusCode()).isEqualTo(303);
            assertThat(http.get("/admin", s.cookie()).statusCode()).isEqualTo(302);
        } finally {
            smtp.stop();
        }
    }
}
