package dev.ducklift.samples.schedule;

import dev.ducklift.core.DuckliftException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Leases kept as rows of a PostgreSQL table, for workers on several machines that share a
 * PostgreSQL catalog. Each operation is one atomic statement evaluated against the server's clock,
 * so workers with skewed clocks still agree on expiry.
 */
public final class PostgresLeaseStore implements LeaseStore {

  private static final Pattern TABLE =
      Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

  private final String jdbcUrl;
  private final String table;

  /**
   * A store in {@code table} of the database at {@code jdbcUrl}; the table is created when missing.
   */
  public PostgresLeaseStore(String jdbcUrl, String table) {
    if (!TABLE.matcher(table).matches()) {
      throw new IllegalArgumentException("Lease table must be a plain identifier: " + table);
    }
    this.jdbcUrl = jdbcUrl;
    this.table = table;
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE IF NOT EXISTS "
              + table
              + " (name text PRIMARY KEY, owner text NOT NULL, expires_at timestamptz NOT NULL)");
    } catch (SQLException e) {
      throw new DuckliftException("Cannot create the lease table " + table + ": " + e, e);
    }
  }

  @Override
  public boolean tryAcquire(String name, String owner, Duration ttl) {
    return update(
        "INSERT INTO "
            + table
            + " AS l (name, owner, expires_at)"
            + " VALUES (?, ?, clock_timestamp() + ? * interval '1 millisecond')"
            + " ON CONFLICT (name) DO UPDATE SET owner = excluded.owner,"
            + " expires_at = excluded.expires_at"
            + " WHERE l.expires_at <= clock_timestamp() OR l.owner = excluded.owner",
        name,
        owner,
        ttl.toMillis());
  }

  @Override
  public boolean renew(String name, String owner, Duration ttl) {
    return update(
        "UPDATE "
            + table
            + " SET expires_at = clock_timestamp() + ? * interval '1 millisecond'"
            + " WHERE name = ? AND owner = ? AND expires_at > clock_timestamp()",
        ttl.toMillis(),
        name,
        owner);
  }

  @Override
  public void release(String name, String owner) {
    update("DELETE FROM " + table + " WHERE name = ? AND owner = ?", name, owner);
  }

  @Override
  public Optional<Lease> current(String name) {
    try (Connection c = connect();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT owner, expires_at FROM "
                    + table
                    + " WHERE name = ? AND expires_at > clock_timestamp()")) {
      s.setString(1, name);
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(
            new Lease(
                name,
                rs.getString(1),
                rs.getObject(2, java.time.OffsetDateTime.class).toInstant()));
      }
    } catch (SQLException e) {
      throw new DuckliftException("Cannot read lease '" + name + "': " + e, e);
    }
  }

  private boolean update(String sql, Object... parameters) {
    try (Connection c = connect();
        PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        s.setObject(i + 1, parameters[i]);
      }
      return s.executeUpdate() > 0;
    } catch (SQLException e) {
      throw new DuckliftException("Cannot update a lease in " + table + ": " + e, e);
    }
  }

  private Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl);
  }
}
