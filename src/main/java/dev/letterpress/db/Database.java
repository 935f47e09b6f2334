package dev.letterpress.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.letterpress.config.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.IOException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/** The connection pool, migrated to the current schema before anyone uses it. */
public final class Database implements AutoCloseable {
    private final HikariDataSource pool;
    private final boolean postgres;

    private Database(HikariDataSource pool, boolean postgres) {
        this.pool = pool;
        this.postgres = postgres;
    }

    public static Database open(Config config) {
        Config.Db db = config.db();
        if (!db.isPostgres()) {
            try {
                Files.createDirectories(config.dataDir());
            } catch (IOException e) {
                throw new IllegalStateException("cannot create data.dir " + config.dataDir() + ": " + e.getMessage(), e);
            }
        }
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(db.url());
        hc.setUsername(db.user());
        hc.setPassword(db.password());
        hc.setMaximumPoolSize(db.poolSize());
        hc.setPoolName("letterpress-db");
        hc.setAutoCommit(true);
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(hc);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot connect to the database at " + db.url()
                    + ": " + rootMessage(e) + " (check db.url, db.user, db.password)", e);
        }
        String vendor = db.isPostgres() ? "postgresql" : "h2";
        Flyway.configure()
                .dataSource(pool)
                .locations("classpath:db/migration/common", "classpath:db/migration/" + vendor)
                .load()
                .migrate();
        return new Database(pool, db.isPostgres());
    }

    public DataSource dataSource() {
        return pool;
    }

    public Jdbc jdbc() {
        return new Jdbc(pool);
    }

    public boolean isPostgres() {
        return postgres;
    }

    @Override
    public void close() {
        pool.close();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
