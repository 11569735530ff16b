package dev.ducklift.core;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Resources and sources from plain Java: lists of pages, iterables of records, or a lambda that
 * pushes pages. Handy for user code and tests.
 */
public final class Resources {

  private Resources() {}

  /** The body of a lambda-based resource: {@link Resource#extract}. */
  @FunctionalInterface
  public interface Extraction {
    void extract(ExtractContext context, Resource.PageConsumer pages) throws Exception;
  }

  /**
   * A resource whose every run yields the pages of {@code pages} (iterated anew each run), stopping
   * early when the runtime asks.
   */
  public static Resource of(ResourceSpec spec, Iterable<Page> pages) {
    Objects.requireNonNull(pages, "pages");
    return fromFunction(
        spec,
        (context, consumer) -> {
          for (Page page : pages) {
            if (context.cancelled() || !consumer.accept(page)) {
              return;
            }
          }
        });
  }

  /**
   * A resource whose every run yields {@code records} in pages of {@code pageSize} records; page
   * descriptions are {@code "<resource> page <n>"}.
   */
  public static Resource ofRecords(
      ResourceSpec spec, Iterable<? extends Map<String, Object>> records, int pageSize) {
    Objects.requireNonNull(records, "records");
    if (pageSize < 1) {
      throw new IllegalArgumentException("Page size must be >= 1: " + pageSize);
    }
    return fromFunction(
        spec,
        (context, consumer) -> {
          Iterator<? extends Map<String, Object>> it = records.iterator();
          int pageNumber = 0;
          while (it.hasNext()) {
            List<Map<String, Object>> batch = new ArrayList<>(pageSize);
            while (it.hasNext() && batch.size() < pageSize) {
              batch.add(it.next());
            }
            pageNumber++;
            if (context.cancelled()
                || !consumer.accept(new Page(batch, spec.name() + " page " + pageNumber))) {
              return;
            }
          }
        });
  }

  /** A resource whose extraction is {@code extraction}. */
  public static Resource fromFunction(ResourceSpec spec, Extraction extraction) {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(extraction, "extraction");
    return new Resource() {
      @Override
      public ResourceSpec spec() {
        return spec;
      }

      @Override
      public void extract(ExtractContext context, PageConsumer pages) throws Exception {
        extraction.extract(context, pages);
      }

      @Override
      public String toString() {
        return "Resource[" + spec.name() + "]";
      }
    };
  }

  /** A source grouping {@code resources} under {@code name}; closing it does nothing. */
  public static Source source(String name, Resource... resources) {
    Objects.requireNonNull(name, "name");
    List<Resource> list = List.of(resources);
    return new Source() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public List<Resource> resources() {
        return list;
      }

      @Override
      public String toString() {
        return "Source[" + name + "]";
      }
    };
  }
}
