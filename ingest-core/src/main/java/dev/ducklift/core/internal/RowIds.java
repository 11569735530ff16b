package dev.ducklift.core.internal;

/**
 * Deterministic row ids: a 128-bit hash of a row's identity, as 22 URL-safe base64 characters.
 *
 * <p>Root rows with a primary key hash the table name and the key values; root rows without one
 * hash the load id and the row's position in the load; child rows hash their parent's id, the child
 * table name and the list index. Re-loading the same keyed record therefore produces the same ids
 * for it and its child rows, so a merge replaces them cleanly.
 */
public final class RowIds {

  private static final char[] ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".toCharArray();
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

  /** Finishes the id. */
  public String finish() {
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
    char[] out = new char[22];
    encode(a, b, out);
    return new String(out);
  }

  private static long fmix(long k) {
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    k *= 0xc4ceb9fe1a85ec53L;
    k ^= k >>> 33;
    return k;
  }

  private static void encode(long a, long b, char[] out) {
    // 128 bits as 21 groups of 6 bits plus 2 leftover bits.
    for (int i = 0; i < 10; i++) {
      out[i] = ALPHABET[(int) ((a >>> (58 - 6 * i)) & 63)];
    }
    int bridge = (int) (((a & 0xf) << 2) | (b >>> 62));
    out[10] = ALPHABET[bridge];
    for (int i = 0; i < 10; i++) {
      out[11 + i] = ALPHABET[(int) ((b >>> (56 - 6 * i)) & 63)];
    }
    out[21] = ALPHABET[(int) ((b & 3) << 4)];
  }

  /** An 8-character hash of {@code s}, for shortened identifiers. */
  static String shortHash(String s) {
    String id = new RowIds().begin().add(s).finish();
    return id.substring(0, 8)
        .replace('-', 'x')
        .replace('_', 'y')
        .toLowerCase(java.util.Locale.ROOT);
  }
}
