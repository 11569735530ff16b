package dev.ducklift.core.internal;

/**
 * Deterministic row ids: a 128-bit hash of a row's identity, as a UUID (version 8, custom).
 *
 * <p>Root rows with a primary key hash the table name and the key values; root rows without one
 * hash the load id and the row's position in the load; child rows hash their parent's id, the child
 * table name and the list index. Re-loading the same keyed record therefore produces the same ids
 * for it and its child rows, so a merge replaces them cleanly.
 */
public final class RowIds {

  private static final long C1 = 0x87c37b91114253d5L;
  private static final long C2 = 0x4cf5ad432745937fL;

  private long h1;
  private long h2;
  private long pending;
  private int pendingChars;
  private long length;

  /** Starts a new id. */
  public RowIds begin() {
    h1 = 0x9368e53c2f6af274L;
    h2 = 0x586dcd208f7cd3fdL;
    pending = 0;
    pendingChars = 0;
    length = 0;
    return this;
  }

  /** Adds a string and a separator (so {@code ("ab","c")} and {@code ("a","bc")} differ). */
  public RowIds add(CharSequence s) {
    int n = s.length();
    for (int i = 0; i < n; i++) {
      addChar(s.charAt(i));
    }
    addChar('\u0000');
    addChar((char) (n & 0xffff));
    return this;
  }

  /** Adds a number and a separator. */
  public RowIds add(long value) {
    addChar('\u0001');
    addChar((char) (value >>> 48));
    addChar((char) (value >>> 32));
    addChar((char) (value >>> 16));
    addChar((char) value);
    return this;
  }

  private void addChar(char c) {
    pending |= ((long) c) << (pendingChars * 16);
    length++;
    if (++pendingChars == 4) {
      mixBlock(pending);
      pending = 0;
      pendingChars = 0;
    }
  }

  private void mixBlock(long k) {
    // Alternate the lanes so both absorb every block, MurmurHash3-style.
    long k1 = k * C1;
    k1 = Long.rotateLeft(k1, 31) * C2;
    h1 ^= k1;
    h1 = Long.rotateLeft(h1, 27) + h2;
    h1 = h1 * 5 + 0x52dce729;
    long k2 = k * C2;
    k2 = Long.rotateLeft(k2, 33) * C1;
    h2 ^= k2;
    h2 = Long.rotateLeft(h2, 31) + h1;
    h2 = h2 * 5 + 0x38495ab5;
  }

  /**
   * Finishes the id: the 128-bit hash as a version-8 (custom) UUID, so ids are fixed-width values
   * rather than strings.
   */
  public java.util.UUID finish() {
    if (pendingChars > 0) {
      mixBlock(pending ^ 0xff51afd7ed558ccdL);
    }
    long a = h1 ^ length;
    long b = h2 ^ length;
    a += b;
    b += a;
    a = fmix(a);
    b = fmix(b);
    a += b;
    b += a;
    long msb = (a & ~0xf000L) | 0x8000L;
    long lsb = (b & 0x3fffffffffffffffL) | 0x8000000000000000L;
    return new java.util.UUID(msb, lsb);
  }

  /** Adds a previously finished id. */
  public RowIds add(java.util.UUID id) {
    return add(id.getMostSignificantBits()).add(id.getLeastSignificantBits());
  }

  private static long fmix(long k) {
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    k *= 0xc4ceb9fe1a85ec53L;
    k ^= k >>> 33;
    return k;
  }

  /** An 8-character hash of {@code s}, for shortened identifiers. */
  static String shortHash(String s) {
    long bits = new RowIds().begin().add(s).finish().getLeastSignificantBits();
    return String.format("%08x", (int) (bits >>> 16));
  }
}
