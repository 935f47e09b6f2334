package dev.letterpress.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.letterpress.FaultySmtpServer;
import dev.letterpress.config.Config;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The direct SMTP client: the bytes it puts on the wire, pipelining, refusals, authentication and timeouts. */
class SmtpClientTest {
    private static Config.Smtp server(int port, String user, String password, Duration timeout) {
        return new Config.Smtp("test", "127.0.0.1", port, Config.Security.NONE, user, password, timeout, 2, Duration.ofSeconds(30),
                Config.Limit.NONE, true);
    }

    private static MimeMessage message(String text) throws Exception {
        MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
        m.setFrom(new InternetAddress("news@example.com", "News"));
        m.setRecipients(MimeMessage.RecipientType.TO, "reader@example.org");
        m.setSubject("Dots and line ends");
        m.setText(text, "UTF-8");
        m.saveChanges();
        return m;
    }

    private static byte[] stuffed(String in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SmtpDataStream data = new SmtpDataStream(out);
        byte[] bytes = in.getBytes(StandardCharsets.US_ASCII);
        // written in pieces of one, two and three bytes, so a CR and its LF can arrive in different writes
        for (int i = 0, step = 1; i < bytes.length; i += step, step = step % 3 + 1) {
            data.write(bytes, i, Math.min(step, bytes.length - i));
        }
        data.finish();
        return out.toByteArray();
    }

    @Test
    void dataGetsCrlfLineEndsAndDotStuffing() throws IOException {
        assertThat(new String(stuffed(".a\r\nb\n.c\rd\r\n..e"), StandardCharsets.US_ASCII))
                .isEqualTo("..a\r\nb\r\n..c\r\nd\r\n...e\r\n.\r\n");
        assertThat(new String(stuffed("ends with CR\r"), StandardCharsets.US_ASCII)).isEqualTo("ends with CR\r\n.\r\n");
        assertThat(new String(stuffed("x\r\n"), StandardCharsets.US_ASCII)).isEqualTo("x\r\n.\r\n");
        assertThat(new String(stuffed(""), StandardCharsets.US_ASCII)).isEqualTo(".\r\n");
        assertThat(new String(stuffed("a.b\r\n\r\n.\r\n"), StandardCharsets.US_ASCII)).isEqualTo("a.b\r\n\r\n..\r\n.\r\n");
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void theServerReceivesTheMessageByteForByte(boolean pipelining) throws Exception {
        try (RawSmtpServer raw = new RawSmtpServer(pipelining)) {
            SmtpClient client = new SmtpClient(server(raw.port(), "", "", Duration.ofSeconds(5)));
            MimeMessage m = message(".leading dot\n..two\nlast line without end");
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            m.writeTo(expected, new String[] {"Bcc", "Content-Length"});
            try (Mailer.Connection c = client.connect()) {
                assertThat(c.send(m, "reader@example.org")).startsWith("250");
                assertThat(c.send(m, "second@example.org")).startsWith("250");
                assertThat(c.isUsable()).isTrue();
            }
            assertThat(raw.messages).hasSize(2);
            String body = new String(raw.messages.get(0), StandardCharsets.UTF_8);
            String sent = new String(expected.toByteArray(), StandardCharsets.UTF_8).replace("\r\n", "\n").replace("\n", "\r\n");
            assertThat(body).isEqualTo(sent + "\r\n"); // the last line, unfinished, is ended before the closing dot
            assertThat(body).contains("\r\n.leading dot").contains("\r\n..two");
            assertThat(raw.recipients).containsExactly("reader@example.org", "second@example.org");
            // with PIPELINING offered, RCPT and DATA were already on their way when MAIL was read; without, never
            assertThat(raw.pipelinedTransactions.get()).isEqualTo(pipelining ? 2 : 0);
        }
    }

    @Test
    void pipeliningCanBeTurnedOffForAServerThatOffersIt() throws Exception {
        try (RawSmtpServer raw = new RawSmtpServer(true)) {
            var settings = server(raw.port(), "", "", Duration.ofSeconds(5));
            var lockStep = new Config.Smtp(settings.name(), settings.host(), settings.port(), settings.security(), "", "", settings.timeout(),
                    settings.maxConnections(), settings.idleTimeout(), settings.rate(), false);
            try (Mailer.Connection c = new SmtpClient(lockStep).connect()) {
                c.send(message("one"), "reader@example.org");
                c.send(message("two"), "second@example.org");
            }
            assertThat(raw.messages).hasSize(2);
            assertThat(raw.pipelinedTransactions.get()).isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aRefusedRecipientKeepsItsReplyAndTheConnection(boolean pipelining) throws Exception {
        try (FaultySmtpServer smtp = new FaultySmtpServer((rcpt, before) -> rcpt.startsWith("gone")
                ? "550 5.1.1 <" + rcpt + ">: no such user" : rcpt.startsWith("later") ? "451 4.7.1 try again later" : "250 OK", pipelining)) {
            SmtpClient client = new SmtpClient(server(smtp.port(), "", "", Duration.ofSeconds(5)));
            try (Mailer.Connection c = client.connect()) {
                MimeMessage m = message("hello");
                assertThatThrownBy(() -> c.send(m, "gone@example.org")).isInstanceOfSatisfying(SendFailure.class, f -> {
                    assertThat(f.code()).isEqualTo(550);
                    assertThat(f.enhanced()).isEqualTo("5.1.1");
                    assertThat(f.badAddress()).isTrue();
                });
                assertThatThrownBy(() -> c.send(m, "later@example.org")).isInstanceOfSatisfying(SendFailure.class, f -> {
                    assertThat(f.code()).isEqualTo(451);
                    assertThat(f.permanent()).isFalse();
                });
                // an address that would smuggle a command in never reaches the wire
                assertThatThrownBy(() -> c.send(m, "x@example.org>\r\nRCPT TO:<victim@example.net")).isInstanceOfSatisfying(
                        SendFailure.class, f -> assertThat(f.code()).isEqualTo(553));
                assertThat(c.isUsable()).isTrue();
                assertThat(c.send(m, "ok@example.org")).startsWith("250");
            }
            assertThat(smtp.delivered).containsExactly("ok@example.org");
        }
    }

    @Test
    void aDroppedConnectionIsATemporaryFailureAndUnusable() throws Exception {
        try (FaultySmtpServer smtp = new FaultySmtpServer((rcpt, before) -> rcpt.startsWith("drop") ? FaultySmtpServer.DROP
                : rcpt.startsWith("closing") ? "421 4.3.2 shutting down" : "250 OK", true)) {
            SmtpClient client = new SmtpClient(server(smtp.port(), "", "", Duration.ofSeconds(5)));
            for (String rcpt : new String[] {"drop@example.org", "closing@example.org"}) {
                Mailer.Connection c = client.connect();
                assertThatThrownBy(() -> c.send(message("x"), rcpt)).isInstanceOfSatisfying(SendFailure.class, f -> {
                    assertThat(f.permanent()).isFalse();
                    assertThat(f.code()).isEqualTo(rcpt.startsWith("drop") ? 0 : 421);
                });
                assertThat(c.isUsable()).isFalse();
                c.close();
            }
        }
    }

    @Test
    void authenticatesWithPlainOrLoginAndReportsBadCredentials() throws Exception {
        GreenMail mail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        try {
            mail.setUser("sender@example.com", "sender", "s3cret");
            int port = mail.getSmtp().getPort();
            try (Mailer.Connection c = new SmtpClient(server(port, "sender", "s3cret", Duration.ofSeconds(5))).connect()) {
                c.send(message("authenticated"), "reader@example.org");
            }
            assertThat(mail.getReceivedMessages()).hasSize(1);
            assertThatThrownBy(() -> new SmtpClient(server(port, "sender", "wrong", Duration.ofSeconds(5))).connect())
                    .isInstanceOfSatisfying(SendFailure.class, f -> assertThat(f.code()).isEqualTo(535));
        } finally {
            mail.stop();
        }
    }

    @Test
    void aReceiverThatStopsReadingTimesTheWriteOut() throws Exception {
        try (ServerSocket listener = new ServerSocket()) {
            listener.setReceiveBufferSize(4096); // before bind, so the window stays small
            listener.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
            Thread server = new Thread(() -> {
                try (Socket s = listener.accept()) {
                    InputStream in = s.getInputStream();
                    OutputStream out = s.getOutputStream();
                    out.write("220 slow.test\r\n".getBytes(StandardCharsets.US_ASCII));
                    StringBuilder line = new StringBuilder();
                    int c;
                    while ((c = in.read()) >= 0) {
                        if (c != '\n') {
                            line.append((char) c);
                            continue;
                        }
                        String command = line.toString().strip();
                        line.setLength(0);
                        out.write((command.startsWith("EHLO") ? "250 slow.test\r\n" : command.equals("DATA") ? "354 go\r\n" : "250 OK\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
                        if (command.equals("DATA")) {
                            Thread.sleep(10_000); // and never reads the data
                        }
                    }
                } catch (IOException | InterruptedException ignored) {
                    // the test is over
                }
            });
            server.setDaemon(true);
            server.start();
            SmtpClient client = new SmtpClient(server(listener.getLocalPort(), "", "", Duration.ofMillis(800)));
            Mailer.Connection c = client.connect();
            // more than the kernel's largest send buffer (4 MB here) plus the receiver's small window
            MimeMessage big = message(("y".repeat(900) + "\n").repeat(10_000));
            long started = System.nanoTime();
            assertThatThrownBy(() -> c.send(big, "reader@example.org")).isInstanceOfSatisfying(SendFailure.class, f -> {
                assertThat(f.code()).isZero();
                assertThat(f.getMessage()).contains("timed out");
            });
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(8));
            assertThat(c.isUsable()).isFalse();
            c.close();
        }
    }

    /**
     * A scripted receiver for the paths the real ones do not take: it answers each command line with what
     * {@code script} returns for it (null: keep reading, e.g. data lines) and records every line it read.
     */
    private static final class Scripted implements AutoCloseable {
        final java.util.List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        final ServerSocket listener = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());

        Scripted(String greeting, java.util.function.Function<String, String> script) throws IOException {
            Thread t = new Thread(() -> {
                try (Socket s = listener.accept();
                     var in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                     OutputStream out = s.getOutputStream()) {
                    out.write((greeting + "\r\n").getBytes(StandardCharsets.UTF_8));
                    String line;
                    while ((line = in.readLine()) != null) {
                        lines.add(line);
                        String reply = script.apply(line);
                        if (reply != null) {
                            out.write((reply + "\r\n").getBytes(StandardCharsets.UTF_8));
                        }
                    }
                } catch (IOException ignored) {
                    // the test is over
                }
            });
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return listener.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            listener.close();
        }
    }

    /** A minimal transaction: MAIL, RCPT, DATA, the data up to its dot; everything else as {@code other} says. */
    private static java.util.function.Function<String, String> transaction(java.util.function.Function<String, String> other) {
        boolean[] inData = {false};
        return line -> {
            if (inData[0]) {
                inData[0] = !line.equals(".");
                return inData[0] ? null : "250 2.0.0 queued";
            }
            if (line.startsWith("MAIL") || line.startsWith("RCPT") || line.equals("RSET")) {
                return "250 OK";
            }
            if (line.equals("DATA")) {
                inData[0] = true;
                return "354 go ahead";
            }
            return line.equals("QUIT") ? "221 bye" : other.apply(line);
        };
    }

    @Test
    void aServerWithoutEhloGetsHeloAndOneCommandAtATime() throws Exception {
        try (Scripted server = new Scripted("220 old.test", transaction(line -> line.startsWith("EHLO") ? "502 5.5.1 what?"
                : line.startsWith("HELO") ? "250 old.test" : "500 no"))) {
            try (Mailer.Connection c = new SmtpClient(server(server.port(), "", "", Duration.ofSeconds(5))).connect()) {
                assertThat(c.send(message("hello"), "reader@example.org")).isEqualTo("250 2.0.0 queued");
            }
            assertThat(server.lines).startsWith("EHLO " + server.lines.get(0).substring(5), "HELO " + server.lines.get(0).substring(5))
                    .contains("MAIL FROM:<news@example.com>", "RCPT TO:<reader@example.org>", "DATA", ".");
        }
    }

    @Test
    void authLoginSendsTheUserNameAndPasswordInBase64WhenPlainIsNotOffered() throws Exception {
        var b64 = java.util.Base64.getEncoder();
        String user = b64.encodeToString("sender".getBytes(StandardCharsets.UTF_8));
        String password = b64.encodeToString("s3cret".getBytes(StandardCharsets.UTF_8));
        try (Scripted server = new Scripted("220 login.test", transaction(line -> line.startsWith("EHLO") ? "250-login.test\r\n250 AUTH LOGIN"
                : line.equals("AUTH LOGIN") ? "334 VXNlcm5hbWU6" : line.equals(user) ? "334 UGFzc3dvcmQ6"
                : line.equals(password) ? "235 2.7.0 authenticated" : "535 5.7.8 no"))) {
            try (Mailer.Connection c = new SmtpClient(server(server.port(), "sender", "s3cret", Duration.ofSeconds(5))).connect()) {
                c.send(message("hello"), "reader@example.org");
            }
            assertThat(server.lines).containsSubsequence("AUTH LOGIN", user, password, "MAIL FROM:<news@example.com>");
        }
    }

    @Test
    void aGreetingOf421IsATemporaryConnectionFailure() throws Exception {
        try (Scripted server = new Scripted("421 4.3.2 too busy, come back later", line -> "221 bye")) {
            assertThatThrownBy(() -> new SmtpClient(server(server.port(), "", "", Duration.ofSeconds(5))).connect())
                    .isInstanceOfSatisfying(SendFailure.class, f -> {
                        assertThat(f.code()).isEqualTo(421);
                        assertThat(f.permanent()).isFalse();
                    });
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aNonAsciiAddressNeedsSmtputf8(boolean offered) throws Exception {
        try (Scripted server = new Scripted("220 utf8.test", transaction(line -> line.startsWith("EHLO")
                ? "250-utf8.test\r\n" + (offered ? "250-SMTPUTF8\r\n" : "") + "250 8BITMIME" : "500 no"))) {
            try (Mailer.Connection c = new SmtpClient(server(server.port(), "", "", Duration.ofSeconds(5))).connect()) {
                if (offered) {
                    assertThat(c.send(message("hello"), "jürgen@example.org")).startsWith("250");
                    assertThat(server.lines).contains("MAIL FROM:<news@example.com> SMTPUTF8", "RCPT TO:<jürgen@example.org>");
                } else {
                    assertThatThrownBy(() -> c.send(message("hello"), "jürgen@example.org")).isInstanceOfSatisfying(SendFailure.class, f -> {
                        assertThat(f.code()).isEqualTo(553);
                        assertThat(f.badAddress()).isFalse(); // 5.6.7: this server's limit, not the address's fault
                    });
                    assertThat(server.lines).noneMatch(l -> l.startsWith("MAIL"));
                }
            }
        }
    }
}
