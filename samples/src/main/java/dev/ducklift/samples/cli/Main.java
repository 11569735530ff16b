package dev.ducklift.samples.cli;

/** The {@code ducklift} command line. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.out.println("Ducklift");
  }
}
