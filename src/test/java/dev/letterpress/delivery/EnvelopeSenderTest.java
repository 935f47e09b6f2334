package dev.letterpress.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import dev.letterpress.TestSupport;
import dev.letterpress.config.Config;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bounce.address becomes MAIL FROM (the receiver's Return-Path) through both transports; the From header stays. */
class EnvelopeSenderTest {
    @TempDir
    Path dir;

    @Test
    void bothTransportsSendFromTheBounceAddressWhenOneIsSetAndFromTheFromAddressOtherwise() throws Exception {
        GreenMail smtp = TestSupport.greenMail();
        try {
            Config.Smtp server = TestSupport.config(dir, smtp.getSmtp().getPort(), Map.of()).smtp();
            send(new SmtpClient(server, "bounces@news.example.com"), "a@example.com");
            send(new SmtpMailer(server, "bounces@news.example.com"), "b@example.com");
            send(new SmtpClient(server), "c@example.com");
            send(new SmtpMailer(server), "d@example.com");

            Map<String, String> returnPaths = new java.util.HashMap<>();
            for (MimeMessage m : smtp.getReceivedMessages()) {
                returnPaths.put(TestSupport.recipient(m), m.getHeader("Return-Path", null));
                assertThat(m.getFrom()[0].toString()).isEqualTo("Build Notes <news@news.example.com>");
            }
            assertThat(returnPaths).containsExactlyInAnyOrderEntriesOf(Map.of(
                    "a@example.com", "<bounces@news.example.com>", "b@example.com", "<bounces@news.example.com>",
                    "c@example.com", "<news@news.example.com>", "d@example.com", "<news@news.example.com>"));
        } finally {
            smtp.stop();
        }
    }

    private static void send(Mailer mailer, String to) throws Exception {
        MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
        m.setFrom(new InternetAddress("news@news.example.com", "Build Notes"));
        m.setRecipients(MimeMessage.RecipientType.TO, to);
        m.setSubject("envelope");
        m.setText("hello");
        m.saveChanges();
        try (Mailer.Connection c = mailer.connect()) {
            c.send(m, to);
        }
    }
}
