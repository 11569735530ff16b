/** The {@code ducklift} command line: one executable with a sub-command per task. */
package dev.ducklift.samples.cli;
