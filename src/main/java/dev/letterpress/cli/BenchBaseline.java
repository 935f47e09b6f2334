package dev.letterpress.cli;

import dev.letterpress.delivery.NoDelaySocketFactory;
import dev.letterpress.render.RenderedContent;
import jakarta.mail.Address;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** The baseline of {@code bench send}: the same message, built and sent with stock Jakarta Mail and nothing of ours. */
final class BenchBaseline {
    private BenchBaseline() {}

    /** N messages, pre-built once per thread with stock Jakarta Mail, over one reused Transport per thread. */
    static BenchSendCommand.Figures run(MimeMessage like, RenderedContent content, String host, int port, BenchSink sink, int messages,
                                        int connections) throws Exception {
        Properties p = new Properties();
        p.setProperty("mail.transport.protocol", "smtp");
        p.setProperty("mail.smtp.host", host);
        p.setProperty("mail.smtp.port", Integer.toString(port));
        p.setProperty("mail.smtp.quitwait", "false");
        // the same socket option letterpress uses (without it both sides would wait ~40 ms for delayed ACKs)
        p.put("mail.smtp.socketFactory", NoDelaySocketFactory.standard());
        Session session = Session.getInstance(p);
        long sinkBefore = sink == null ? 0 : sink.messages();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicLong sent = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        System.gc();
        BenchMeter.resetPeakHeap();
        long cpu0 = BenchMeter.processCpuNanos() - BenchSendCommand.sinkCpu(sink);
        double jit0 = BenchMeter.jitCpuSeconds();
        long t0 = System.nanoTime();
        for (int i = 0; i < connections; i++) {
            int share = messages / connections + (i < messages % connections ? 1 : 0);
            Thread t = new Thread(() -> {
                try {
                    MimeMessage m = stockMessage(session, like, content);
                    Address[] to = m.getAllRecipients();
                    try (Transport transport = session.getTransport()) {
                        transport.connect();
                        for (int k = 0; k < share; k++) {
                            transport.sendMessage(m, to);
                            sent.incrementAndGet();
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "baseline-" + i);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long cpu = BenchMeter.processCpuNanos() - BenchSendCommand.sinkCpu(sink) - cpu0;
        double jit = BenchMeter.jitCpuSeconds() - jit0;
        if (failure.get() != null) {
            System.out.println("WARNING: baseline failed after " + sent.get() + " messages: " + failure.get());
        }
        if (sink != null && sink.messages() - sinkBefore < sent.get()) {
            System.out.printf("WARNING: the sink saw %,d baseline messages, %,d sent%n", sink.messages() - sinkBefore, sent.get());
        }
        return new BenchSendCommand.Figures("stock Jakarta Mail", sent.get(), seconds, seconds, cpu / 1e9, jit, BenchMeter.peakHeap());
    }

    /** The same headers and parts as a letterpress message, built through the ordinary Jakarta Mail API. */
    private static MimeMessage stockMessage(Session session, MimeMessage like, RenderedContent content) throws Exception {
        MimeMessage m = new MimeMessage(session);
        m.setFrom(like.getFrom()[0]);
        m.setRecipients(MimeMessage.RecipientType.TO, like.getRecipients(MimeMessage.RecipientType.TO));
        m.setSubject(like.getSubject(), "UTF-8");
        m.setSentDate(new Date());
        for (String h : new String[] {"List-Unsubscribe", "List-Unsubscribe-Post", "List-Id", "Precedence", "Feedback-ID"}) {
            m.setHeader(h, like.getHeader(h, null));
        }
        MimeBodyPart text = new MimeBodyPart();
        text.setText(content.text(), "UTF-8", "plain");
        MimeBodyPart html = new MimeBodyPart();
        html.setText(content.html(), "UTF-8", "html");
        MimeMultipart alternative = new MimeMultipart("alternative");
        alternative.addBodyPart(text);
        alternative.addBodyPart(html);
        m.setContent(alternative);
        m.saveChanges();
        return m;
    }
}
