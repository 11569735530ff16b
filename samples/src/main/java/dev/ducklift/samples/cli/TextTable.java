package dev.ducklift.samples.cli;

import java.io.PrintStream;
import java.util.List;

/** Prints rows as an aligned plain-text table. */
final class TextTable {

  private static final int MAX_WIDTH = 60;

  private TextTable() {}

  static void print(PrintStream out, List<String> header, List<List<String>> rows) {
    int[] widths = new int[header.size()];
    for (int i = 0; i < header.size(); i++) {
      widths[i] = header.get(i).length();
    }
    for (List<String> row : rows) {
      for (int i = 0; i < row.size() && i < widths.length; i++) {
        widths[i] = Math.min(MAX_WIDTH, Math.max(widths[i], row.get(i).length()));
      }
    }
    line(out, header, widths);
    StringBuilder rule = new StringBuilder();
    for (int i = 0; i < widths.length; i++) {
      rule.append(i == 0 ? "" : "-+-").append("-".repeat(widths[i]));
    }
    out.println(rule);
    for (List<String> row : rows) {
      line(out, row, widths);
    }
    out.println("(" + rows.size() + (rows.size() == 1 ? " row)" : " rows)"));
  }

  private static void line(PrintStream out, List<String> cells, int[] widths) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < widths.length; i++) {
      String cell = i < cells.size() ? cells.get(i) : "";
      if (cell.length() > widths[i]) {
        cell = cell.substring(0, widths[i] - 1) + "…";
      }
      b.append(i == 0 ? "" : " | ").append(cell).append(" ".repeat(widths[i] - cell.length()));
    }
    out.println(b.toString().stripTrailing());
  }
}
