package dev.letterpress.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.letterpress.TestSupport;
import dev.letterpress.config.Config;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quartz interrupts its scheduler thread on shutdown, possibly inside H2's file I/O. A plain file channel closes on
 * an interrupt and takes the database down with it (the scheduler then retried forever: a hang at shutdown). The
 * default URL goes through H2's retry: file system, which reopens the channel.
 */
class InterruptedThreadTest {
    @TempDir
    Path dir;

    @Test
    void anInterruptedWriterDoesNotCloseTheEmbeddedDatabase() {
        Config config = TestSupport.config(dir, 25, Map.of());
        try (Database db = Database.open(config)) {
            Jdbc jdbc = db.jdbc();
            for (int i = 0; i < 50; i++) {
                Thread.currentThread().interrupt();
                try {
                    jdbc.update("INSERT INTO app_settings (name, setting_value) VALUES (?, ?)", "interrupt-" + i, "x".repeat(900));
                } finally {
                    Thread.interrupted();
                }
            }
            assertThat(jdbc.count("SELECT COUNT(*) FROM app_settings WHERE name LIKE 'interrupt-%'")).isEqualTo(50);
        }
    }
}
