package dev.letterpress.delivery;

import dev.letterpress.db.DataException;
import dev.letterpress.db.Sql;
import io.github.bucket4j.distributed.proxy.ClientSideConfig;
import io.github.bucket4j.distributed.proxy.generic.select_for_update.AbstractSelectForUpdateBasedProxyManager;
import io.github.bucket4j.distributed.proxy.generic.select_for_update.LockAndGetResult;
import io.github.bucket4j.distributed.proxy.generic.select_for_update.SelectForUpdateBasedTransaction;
import io.github.bucket4j.distributed.remote.RemoteBucketState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * bucket4j's token buckets kept in the {@code rate_buckets} table: each operation locks the bucket's row with
 * SELECT FOR UPDATE, lets bucket4j compute the new state, and writes it back in the same transaction. Standard
 * SQL only, so H2 and PostgreSQL share it; every node and every restart sees the same buckets.
 */
final class JdbcBuckets extends AbstractSelectForUpdateBasedProxyManager<String> {
    private static final String UNIQUE_VIOLATION = "23505";
    private final DataSource ds;
    private final Sql sql = Sql.load("ratelimits");

    JdbcBuckets(DataSource ds) {
        super(ClientSideConfig.getDefault());
        this.ds = ds;
    }

    @Override
    protected SelectForUpdateBasedTransaction allocateTransaction(String key, Optional<Long> timeoutNanos) {
        Connection c;
        try {
            c = ds.getConnection();
        } catch (SQLException e) {
            throw new DataException("rate limit " + key, e);
        }
        return new SelectForUpdateBasedTransaction() {
            @Override
            public void begin(Optional<Long> timeout) {
                run(() -> c.setAutoCommit(false));
            }

            @Override
            public LockAndGetResult tryLockAndGet(Optional<Long> timeout) {
                try (PreparedStatement ps = c.prepareStatement(sql.get("lock"))) {
                    ps.setString(1, key);
                    try (ResultSet rs = ps.executeQuery()) {
                        return rs.next() ? LockAndGetResult.locked(rs.getBytes(1)) : LockAndGetResult.notLocked();
                    }
                } catch (SQLException e) {
                    throw new DataException("rate limit " + key, e);
                }
            }

            @Override
            public boolean tryInsertEmptyData(Optional<Long> timeout) {
                // a savepoint, because on PostgreSQL a failed INSERT would otherwise spoil the whole transaction
                Savepoint sp = null;
                try (PreparedStatement ps = c.prepareStatement(sql.get("insert"))) {
                    sp = c.setSavepoint();
                    ps.setString(1, key);
                    ps.executeUpdate();
                    c.releaseSavepoint(sp);
                    return true;
                } catch (SQLException e) {
                    if (UNIQUE_VIOLATION.equals(e.getSQLState()) && sp != null) {
                        Savepoint back = sp;
                        run(() -> c.rollback(back)); // another node created it first: lock that one
                        return false;
                    }
                    throw new DataException("rate limit " + key, e);
                }
            }

            @Override
            public void update(byte[] data, RemoteBucketState state, Optional<Long> timeout) {
                try (PreparedStatement ps = c.prepareStatement(sql.get("update"))) {
                    ps.setBytes(1, data);
                    ps.setString(2, key);
                    ps.executeUpdate();
                } catch (SQLException e) {
                    throw new DataException("rate limit " + key, e);
                }
            }

            @Override
            public void commit(Optional<Long> timeout) {
                run(c::commit);
            }

            @Override
            public void rollback() {
                run(c::rollback);
            }

            @Override
            public void release() {
                run(() -> {
                    c.setAutoCommit(true);
                    c.close();
                });
            }
        };
    }

    @Override
    public void removeProxy(String key) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql.get("delete"))) {
            ps.setString(1, key);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new DataException("rate limit " + key, e);
        }
    }

    @Override
    public boolean isAsyncModeSupported() {
        return false;
    }

    private interface SqlAction {
        void run() throws SQLException;
    }

    private static void run(SqlAction action) {
        try {
            action.run();
        } catch (SQLException e) {
            throw new DataException("rate limit bucket", e);
        }
    }
}
