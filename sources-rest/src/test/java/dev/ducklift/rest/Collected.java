package dev.ducklift.rest;

import dev.ducklift.core.Page;
import dev.ducklift.core.Resource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** A page consumer that keeps what it accepts and the threads that called it. */
final class Collected implements Resource.PageConsumer {
  final List<Page> pages = new CopyOnWriteArrayList<>();
  final List<Thread> threads = new CopyOnWriteArrayList<>();
  private final int acceptUpTo;

  Collected() {
    this(Integer.MAX_VALUE);
  }

  /** Accepts {@code acceptUpTo} pages, then asks for no more. */
  Collected(int acceptUpTo) {
    this.acceptUpTo = acceptUpTo;
  }

  @Override
  public boolean accept(Page page) {
    pages.add(page);
    threads.add(Thread.currentThread());
    return pages.size() < acceptUpTo;
  }

  List<Map<String, Object>> records() {
    List<Map<String, Object>> all = new ArrayList<>();
    pages.forEach(p -> all.addAll(p.records()));
    return all;
  }

  List<Object> field(String name) {
    return records().stream().map(r -> r.get(name)).toList();
  }

  static Collected extract(Resource resource, TestContext context) throws Exception {
    Collected c = new Collected();
    resource.extract(context, c);
    return c;
  }

  static Collected extract(Resource resource) throws Exception {
    return extract(resource, TestContext.of(resource));
  }
}
