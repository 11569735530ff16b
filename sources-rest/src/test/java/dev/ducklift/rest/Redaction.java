package dev.ducklift.rest;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Renders everything an exception would show: messages and stack traces of the whole chain. */
final class Redaction {
  private Redaction() {}

  static String chainText(Throwable e) {
    StringWriter out = new StringWriter();
    e.printStackTrace(new PrintWriter(out));
    return out.toString();
  }
}
