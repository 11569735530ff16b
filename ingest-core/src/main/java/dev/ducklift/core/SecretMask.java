package dev.ducklift.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes declared secret values from text shown to people (logs, error messages, results). A value
 * of at least {@link #MIN_CREDENTIAL_LENGTH} characters is masked wherever it appears; a shorter
 * one only where it stands as a whole token, not next to a letter or digit, so that a one-letter
 * user name {@code u} never turns {@code refused} into {@code ref***sed}. Such a short value is too
 * short to be a credential, and {@link #warnIfTooShort} says so when it is configured. Immutable
 * and thread-safe.
 */
public final class SecretMask {
  /** The shortest value masked inside other words; shorter ones only as whole tokens. */
  public static final int MIN_CREDENTIAL_LENGTH = 4;

  private static final Logger LOG = LoggerFactory.getLogger(SecretMask.class);

  private final String replacement;

  /** Values masked anywhere, longest first so that a secret containing another goes whole. */
  private final List<String> anywhere;

  /** Short values, masked only between non-alphanumeric characters. */
  private final List<Pattern> wholeTokens;

  private SecretMask(String replacement, Collection<String> values) {
    this.replacement = Objects.requireNonNull(replacement, "replacement");
    Set<String> distinct = new LinkedHashSet<>();
    for (String v : values) {
      if (v != null && !v.isEmpty()) {
        distinct.add(v);
      }
    }
    List<String> sorted = new ArrayList<>(distinct);
    sorted.sort((a, b) -> Integer.compare(b.length(), a.length()));
    List<String> longValues = new ArrayList<>();
    List<Pattern> shortValues = new ArrayList<>();
    for (String v : sorted) {
      if (v.length() >= MIN_CREDENTIAL_LENGTH) {
        longValues.add(v);
      } else {
        shortValues.add(
            Pattern.compile("(?<![\\p{L}\\p{N}])" + Pattern.quote(v) + "(?![\\p{L}\\p{N}])"));
      }
    }
    this.anywhere = List.copyOf(longValues);
    this.wholeTokens = List.copyOf(shortValues);
  }

  /** A mask replacing each of {@code values} (empty and null ones are ignored). */
  public static SecretMask of(String replacement, Collection<String> values) {
    return new SecretMask(replacement, values);
  }

  /** A mask replacing the revealed values of {@code secrets} (nulls are ignored). */
  public static SecretMask ofSecrets(String replacement, Collection<Secret> secrets) {
    List<String> values = new ArrayList<>();
    for (Secret s : secrets) {
      if (s != null) {
        values.add(s.reveal());
      }
    }
    return new SecretMask(replacement, values);
  }

  /** {@code text} with every secret value replaced; null stays null. */
  public String apply(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String result = text;
    for (String secret : anywhere) {
      if (result.contains(secret)) {
        result = result.replace(secret, replacement);
      }
    }
    for (Pattern token : wholeTokens) {
      Matcher m = token.matcher(result);
      if (m.find()) {
        result = m.replaceAll(Matcher.quoteReplacement(replacement));
      }
    }
    return result;
  }

  /** Whether {@code text} holds a secret value that {@link #apply} would mask. */
  public boolean appearsIn(String text) {
    if (text == null || text.isEmpty()) {
      return false;
    }
    for (String secret : anywhere) {
      if (text.contains(secret)) {
        return true;
      }
    }
    for (Pattern token : wholeTokens) {
      if (token.matcher(text).find()) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code value} is a non-empty value shorter than {@link #MIN_CREDENTIAL_LENGTH}. */
  public static boolean tooShort(String value) {
    return value != null && !value.isEmpty() && value.length() < MIN_CREDENTIAL_LENGTH;
  }

  /**
   * Logs a warning when {@code secret} is too short to be a credential; {@code what} names it (for
   * example {@code "Source 'shop': the password"}) and the value itself is never shown.
   *
   * @return whether it warned
   */
  public static boolean warnIfTooShort(String what, Secret secret) {
    if (secret == null || !tooShort(secret.reveal())) {
      return false;
    }
    int n = secret.reveal().length();
    LOG.warn(
        "{} is only {} character{} long, too short to be a credential; it is masked in messages only"
            + " where it stands alone as a word",
        what,
        n,
        n == 1 ? "" : "s");
    return true;
  }

  @Override
  public String toString() {
    return "SecretMask[" + (anywhere.size() + wholeTokens.size()) + " values]";
  }
}
