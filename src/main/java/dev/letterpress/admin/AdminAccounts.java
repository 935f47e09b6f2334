package dev.letterpress.admin;

import dev.letterpress.db.Jdbc;
import dev.letterpress.db.Sql;
import dev.letterpress.subscriber.NotFoundException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.security.crypto.bcrypt.BCrypt;

/**
 * Accounts of the web admin, made on the command line. Passwords are hashed with BCrypt (Spring Security's
 * implementation, cost {@value #COST}); the password itself is never stored or logged.
 */
public final class AdminAccounts {
    public static final int MIN_PASSWORD = 12;
    /** BCrypt reads at most 72 bytes; a longer password would be silently cut, so it is refused instead. */
    public static final int MAX_PASSWORD_BYTES = 72;
    static final int COST = 12;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,99}");
    /** Checked against when the name is unknown, so an unknown name takes as long as a wrong password. */
    private static final String DUMMY_HASH = BCrypt.hashpw("not a password of anyone", BCrypt.gensalt(COST));

    public record Account(long id, String name, Instant createdAt, Instant lastSignInAt) {}

    private final Jdbc jdbc;
    private final Sql sql = Sql.load("admin");
    private final Clock clock;

    public AdminAccounts(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Null when the password is acceptable, otherwise what is wrong with it. */
    public static String passwordProblem(String password) {
        if (password == null || password.codePointCount(0, password.length()) < MIN_PASSWORD) {
            return "the password is too short: use at least " + MIN_PASSWORD + " characters (a few words make a good one)";
        }
        if (password.getBytes(StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES) {
            return "the password is too long: BCrypt uses at most " + MAX_PASSWORD_BYTES + " bytes (UTF-8) of it";
        }
        return null;
    }

    public Account create(String name, String password) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("an admin name is 1 to 100 letters, digits, dots, dashes, underscores or @, "
                    + "starting with a letter or digit");
        }
        String problem = passwordProblem(password);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        if (find(name).isPresent()) {
            throw new IllegalArgumentException("an admin named '" + name + "' already exists; remove it first with: letterpress admins remove " + name);
        }
        jdbc.insert(sql.get("insert-account"), name, BCrypt.hashpw(password, BCrypt.gensalt(COST)), clock.instant());
        return find(name).orElseThrow();
    }

    public List<Account> all() {
        return jdbc.query(sql.get("all-accounts"), AdminAccounts::account);
    }

    public Optional<Account> find(String name) {
        return jdbc.one(sql.get("account-by-name"), AdminAccounts::account, name);
    }

    /** Removes the account and ends its sessions at once. */
    public void remove(String name) {
        if (find(name).isEmpty()) {
            throw new NotFoundException("no admin named '" + name + "'; see: letterpress admins list");
        }
        jdbc.inTransaction(c -> {
            Jdbc.update(c, sql.get("delete-sessions-of-account"), name);
            return Jdbc.update(c, sql.get("delete-account"), name);
        });
    }

    /** The account when name and password match; empty for an unknown name and a wrong password alike. */
    Optional<Account> authenticate(String name, String password) {
        if (name == null || password == null || password.getBytes(StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES) {
            return Optional.empty();
        }
        var row = jdbc.one(sql.get("account-by-name"), rs -> new Object[] {account(rs), rs.getString("password_hash")}, name);
        String hash = row.map(r -> (String) r[1]).orElse(DUMMY_HASH);
        boolean ok = BCrypt.checkpw(password, hash);
        if (row.isEmpty() || !ok) {
            return Optional.empty();
        }
        Account account = (Account) row.get()[0];
        jdbc.update(sql.get("signed-in"), clock.instant(), account.id());
        return Optional.of(account);
    }

    private static Account account(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Account(rs.getLong("id"), rs.getString("name"), Jdbc.instant(rs, "created_at"), Jdbc.instant(rs, "last_sign_in_at"));
    }
}
