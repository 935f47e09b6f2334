package dev.letterpress.cli;

import dev.letterpress.App;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "serve", description = "Run the scheduler, the sender and the public HTTP server until stopped.")
final class ServeCommand implements java.util.concurrent.Callable<Integer> {
    @ParentCommand
    Main main;

    @Override
    public Integer call() throws InterruptedException {
        App app = main.app().start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close();
            stopped.countDown();
        }, "shutdown"));
        System.out.println("Letterpress is serving on port " + app.httpPort() + " (public URL " + app.config.http().publicBaseUrl()
                + "); sending through " + app.config.smtp().host() + ":" + app.config.smtp().port() + ". Ctrl-C stops it.");
        stopped.await();
        return 0;
    }
}
