package dev.letterpress.tracking;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.letterpress.db.Jdbc;
import java.time.Duration;
import java.time.Instant;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/** A stop must finish even when the events cannot be written: the rest of App.close (the database's close) depends on it. */
class EventBufferStopTest {
    @Test
    void aDatabaseThatRefusesEveryWriteDoesNotHoldUpOrBreakTheStop() {
        JdbcDataSource broken = new JdbcDataSource();
        broken.setURL("jdbc:h2:mem:no-tables-" + System.nanoTime()); // every insert fails: there is no events table
        EventBuffer buffer = new EventBuffer(new Jdbc(broken), true);
        for (int i = 0; i < 10; i++) {
            buffer.add(new Hit(EventStore.Kind.OPEN, 1, i + 1, null, false, false, "agent", "192.0.2.1", Instant.now()));
        }
        // a hang guard, not a measurement: three attempts a second apart, then the loss is logged and the stop goes on
        assertTimeoutPreemptively(Duration.ofSeconds(20), buffer::close);
    }
}
