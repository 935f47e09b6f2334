package dev.letterpress.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Runs a long-lived command's stop (write the queued opens and clicks, record what SMTP accepted, close the
 * database) on SIGTERM or Ctrl-C before the JVM starts its shutdown hooks. A shutdown hook alone is not enough: the
 * hooks run concurrently, and H2 registers one that closes the embedded database (with AUTO_SERVER it cannot be
 * turned off), so it used to close the database under our stop and its last writes failed (GracefulStopTest).
 * Catching the signal puts our stop first; the main thread then returns and the JVM exits as usual. Any other exit
 * still runs the stop from a hook, once.
 */
final class GracefulStop {
    private final AtomicBoolean started = new AtomicBoolean();
    private final CountDownLatch done = new CountDownLatch(1);
    private final Runnable stop;

    private GracefulStop(Runnable stop) {
        this.stop = stop;
    }

    /** Blocks until SIGTERM, SIGINT or JVM shutdown, and returns once {@code stop} has run. */
    static void awaitThenRun(Runnable stop) throws InterruptedException {
        GracefulStop g = new GracefulStop(stop);
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                SignalHandler previous = Signal.handle(new Signal(name), sig -> g.onSignal());
                if (previous == SignalHandler.SIG_IGN) {
                    Signal.handle(new Signal(name), previous); // started with the signal ignored (nohup, `&`): keep it so
                }
            } catch (IllegalArgumentException notOnThisSystem) {
                // the signal does not exist here or the JVM reserves it (-Xrs): the hook below still stops us
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(g::runOnce, "shutdown"));
        g.done.await();
    }

    /** The first signal stops gracefully; a second one, while that runs, is someone who will not wait: exit now. */
    private void onSignal() {
        if (started.get() && done.getCount() > 0) {
            System.err.println("stopping now, without waiting for the graceful stop (messages in flight may be sent again after the next start)");
            Runtime.getRuntime().halt(130);
        }
        runOnce();
    }

    private void runOnce() {
        if (started.compareAndSet(false, true)) {
            try {
                stop.run();
            } finally {
                done.countDown();
            }
        } else {
            try {
                done.await(); // a hook that comes second waits for the stop, so the JVM does not exit under it
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
