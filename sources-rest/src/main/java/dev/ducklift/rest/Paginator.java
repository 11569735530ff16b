package dev.ducklift.rest;

import dev.ducklift.core.DuckliftException;
import dev.ducklift.rest.internal.JsonPath;
import dev.ducklift.rest.internal.LinkHeader;
import dev.ducklift.rest.internal.PagingStops;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import okhttp3.HttpUrl;

/**
 * Finds the next page of a request sequence. An extension point: implement it for APIs the built-in
 * paginators do not cover.
 *
 * <p>Paginators are immutable values and keep no state between calls: whatever a paginator needs
 * (the current offset, page number or cursor) it reads back from the request it produced, so one
 * instance serves many concurrent sequences (for example the children of many parents).
 * Implementations must be thread-safe and should implement {@code equals} (records do) so that
 * declarations compare equal.
 */
public interface Paginator {

  /** Prepares the first request of a sequence (for example adds {@code offset=0}). */
  default PageRequest first(PageRequest request) {
    return request;
  }

  /**
   * The request for the page after {@code response}, or empty when {@code response} was the last
   * page.
   *
   * @param request the request that produced {@code response}
   */
  Optional<PageRequest> next(PageRequest request, PageResponse response);

  // ---- built-in paginators ----

  /** Follows a next-page URL found in the JSON body at {@code nextUrlPath}. */
  static JsonLink jsonLink(String nextUrlPath) {
    return new JsonLink(nextUrlPath);
  }

  /** Follows the RFC 8288 {@code Link} header with {@code rel="next"}. */
  static HeaderLink headerLink() {
    return new HeaderLink("next");
  }

  /** Sends the cursor found in the body at {@code cursorPath} as query parameter {@code param}. */
  static JsonCursor cursorParam(String cursorPath, String param) {
    return new JsonCursor(cursorPath, param, null);
  }

  /** Sends the cursor found in the body at {@code cursorPath} as JSON body field {@code field}. */
  static JsonCursor cursorBodyField(String cursorPath, String field) {
    return new JsonCursor(cursorPath, null, field);
  }

  /** Sends the cursor found in response header {@code header} as query parameter {@code param}. */
  static HeaderCursor headerCursor(String header, String param) {
    return new HeaderCursor(header, param);
  }

  /** Offset/limit paging with {@code limit} records a page, stopping at the first empty page. */
  static Offset offset(long limit) {
    return new Offset(limit, 0, "offset", "limit", null, null, null, true);
  }

  /** Page-number paging from page 1, stopping at the first empty page. */
  static PageNumber pageNumber() {
    return new PageNumber(1, "page", null, null, null, true, null, null);
  }

  /** Exactly one request. */
  static SinglePage singlePage() {
    return new SinglePage();
  }

  /** Detects the common shapes (Link header, next URL or cursor in the body), else one page. */
  static Auto auto() {
    return new Auto();
  }

  /** A next-page URL in the JSON body (absolute, or relative to the current URL). */
  record JsonLink(String nextUrlPath) implements Paginator {
    public JsonLink {
      JsonPath.compile(Objects.requireNonNull(nextUrlPath, "nextUrlPath"));
    }

    @Override
    public Optional<PageRequest> next(PageRequest request, PageResponse response) {
      Object next = response.value(nextUrlPath);
      return follow(
          request, next instanceof String || next instanceof Number ? next.toString() : null);
    }
  }

  /** The RFC 8288 {@code Link} response header whose relation is {@code rel}. */
  record HeaderLink(String rel) implements Paginator {
    public HeaderLink {
      rel = rel == null || rel.isBlank() ? "next" : rel;
    }

    @Override
    public Optional<PageRequest> next(PageRequest request, PageResponse response) {
      return follow(request, LinkHeader.find(response.headers().values("Link"), rel));
    }
  }

  /**
   * A cursor in the JSON body, sent back either as query parameter {@code param} or as JSON body
   * field {@code bodyField} (dotted path). Stops when the cursor is missing, null or empty.
   */
  record JsonCursor(String cursorPath, String param, String bodyField) implements Paginator {
    public JsonCursor {
      JsonPath.compile(Objects.requireNonNull(cursorPath, "cursorPath"));
      if ((param == null) == (bodyField == null)) {
        throw new DuckliftException(
            "A cursor paginator needs exactly one of a query parameter or a body field");
      }
    }

    @Override
    public Optional<PageRequest> next(PageRequest request, PageResponse response) {
      Object cursor = response.value(cursorPath);
      if (!(cursor instanceof String || cursor instanceof Number)
          || cursor.toString().isEmpty()
          || response.recordCount() == 0) {
        return Optional.empty();
      }
      return Optional.of(
          param != null
              ? request.withQueryParameter(param, cursor.toString())
              : request.withBodyField(bodyField, cursor));
    }
  }

  /** A cursor in response header {@code header}, sent back as query parameter {@code param}. */
  record HeaderCursor(String header, String param) implements Paginator {
    public HeaderCursor {
      Objects.requireNonNull(header, "header");
      Objects.requireNonNull(param, "param");
    }

    @Override
    public Optional<PageRequest> next(PageRequest request, PageResponse response) {
      String cursor = response.headers().get(header);
      if (cursor == null || cursor.isBlank() || response.recordCount() == 0) {
        return Optional.empty();
      }
      return Optional.of(request.withQueryParameter(param, cursor.trim()));
    }
  }

  /**
   * Offset/limit paging in query parameters. Stops when the next offset reaches the total found at
   * {@code totalPath}, when the flag at {@code hasMorePath} is false, after an empty page (when
   * {@code stopAfterEmptyPage}), or when the next offset reaches {@code maximumOffset}.
   */
  record Offset(
      long limit,
      long initialOffset,
      String offsetParam,
      String limitParam,
      String totalPath,
      String hasMorePath,
      Long maximumOffset,
      boolean stopAfterEmptyPage)
      implements Paginator {
    public Offset {
      if (limit <= 0) {
        throw new DuckliftException("Offset paginator limit must be positive: " + limit);
      }
      offsetParam = offsetParam == null ? "offset" : offsetParam;
      limitParam = limitParam == null ? "limit" : limitParam;
      if (totalPath == null
          && hasMorePath == null
          && maximumOffset == null
          && !stopAfterEmptyPage) {
        throw new DuckliftException(
            "An offset paginator needs a stop: a total path, a has-more path, a maximum offset or"
                + " stop after an empty page");
      }
    }

    public Offset withInitialOffset(long offset) {
      return new Offset(
          limit,
          offset,
          offsetParam,
          limitParam,
          totalPath,
          hasMorePath,
          maximumOffset,
          stopAfterEmptyPage);
    }

    public Offset withParams(String offset, String limitName) {
      return new Offset(
          limit,
          initialOffset,
          offset,
          limitName,
          totalPath,
          hasMorePath,
          maximumOffset,
          stopAfterEmptyPage);
    }

    public Offset withTotalPath(String path) {
      return new Offset(
          limit,
          initialOffset,
          offsetParam,
          limitParam,
          path,
          hasMorePath,
          maximumOffset,
          stopAfterEmptyPage);
    }

    public Offset withHasMorePath(String path) {
      return new Offset(
          limit,
          initialOffset,
          offsetParam,
          limitParam,
          totalPath,
          path,
          maximumOffset,
          stopAfterEmptyPage);
    }

    public Offset withMaximumOffset(Long maximum) {
      return new Offset(
          limit,
          initialOffset,
          offsetParam,
          limitParam,
          totalPath,
          hasMorePath,
          maximum,
          stopAfterEmptyPage);
    }

    public Offset withStopAfterEmptyPage(boolean stop) {
      return new Offset(
          limit,
          initialOffset,
          offsetParam,
          limitParam,
          totalPath,
          hasMorePath,
          maximumOffset,
          stop);
    }

    @Override
    public PageRequest first(PageRequest request) {
      return request
          .withQueryParameter(offsetParam, Long.toString(initialOffset))
          .withQueryParameter(limitParam, Long.toString(limit));
    }

    @Override
    public Optional<PageRequest> next(PageRequest request, PageResponse response) {
      long offset =
          Long.parseLong(Objects.requireNonNullElse(request.queryParameter(offsetParam), "0"));
      long nextOffset = offset + limit;
      if (PagingStops.shouldStop(response, totalPath, nextOffset, hasMorePath, stopAfterEmptyPage)
          || (maximumOffset != null && nextOffset >= maximumOffset)) {
        return Optional.empty();
      }
      return Optional.of(request.withQueryParameter(offsetParam, Long.toString(nextOffset)));
    }
  }

  /**
   * Page-number paging in query parameter {@code pageParam}, from {@code basePage}. Stops when the
   * next page passes the total number of pages at {@code totalPagesPath}, when the flag at {@code
   * hasMorePath} is false, after an empty page (when {@code stopAfterEmptyPage}), or when the next
   * page passes {@code maximumPage}. Optionally sends {@code pageSize} as {@code pageSizeParam}.
   */
  record PageNumber(
      long basePage,
      String pageParam,
      String totalPagesPath,
      String hasMorePath,
      Long maximumPage,
      boolean stopAfterEmptyPage,
      Long pageSize,
      String pageSizeParam)
      implements Paginator {
    public PageNumber {
      pageParam = pageParam == null ? "page" : pageParam;
      if (pageSize != null && pageSizeParam == null) {
        pageSizeParam = "per_page";
      }
      if (totalPagesPath == null
          && hasMorePath == null
          && maximumPage == null
          && !stopAfterEmptyPage) {
        throw new DuckliftException(
            "A page-number paginator needs a stop: a total-pages path, a has-more path, a maximum"
                + " page or stop after an empty page");
      }
    }

    public PageNumber withBasePage(long page) {
      return new PageNumber(
          page,
          pageParam,
          totalPagesPath,
          hasMorePath,
          maximumPage,
          stopAfterEmptyPage,
          pageSize,
          pageSizeParam);
    }

    public PageNumber withPageParam(String param) {
      return new PageNumber(
          basePage,
          param,
          totalPagesPath,
          hasMorePath,
          maximumPage,
          stopAfterEmptyPage,
          pageSize,
          pageSizeParam);
    }

    public PageNumber withTotalPagesPath(String path) {
      return new PageNumber(
          basePage,
          pageParam,
          path,
          hasMorePath,
          maximumPage,
          stopAfterEmptyPage,
          pageSize,
          pageSizeParam);
    }

    public PageNumber withHasMorePath(String path) {
      return new PageNumber(
          basePage,
          pageParam,
          totalPagesPath,
          path,
          maximumPage,
          stopAfterEmptyPage,
          pageSize,
          pageSizeParam);
    }

    public PageNumber withMaximumPage(Long page) {
      return new PageNumber(
          basePage,
          pageParam,
          totalPagesPath,
          hasMorePath,
          page,
          stopAfterEmptyPage,
          pageSize,
          pageSizeParam);
    }

    public PageNumber withStopAfterEmptyPage(boolean stop) {
      return new PageNumber(
          basePage,
          pageParam,
          totalPagesPath,
          hasMorePath,
          maximumPage,
          stop,
          pageSize,
          pageSizeParam);
    }

    public PageNumber withPageSize(Long size, String param) {
      return new PageNumber(
          basePage,
          pageParam,
          totalPagesPath,
          hasMorePath,
          maximumPage,
          stopAfterEmptyPage,
          size,
          param);
    }

    @Override
    public PageRequest first(PageRequest request) {
      PageRequest r = request.withQueryParameter(pageParam, Long.toString(basePage));
      return pageSize == null ? r : r.withQueryParameter(pageSizeParam, Long.toString(pageSize));
    }

    @Override
    public Optional<PageRequest> next(PageRequest request, PageResponse response) {
      long page =
          Long.parseLong(
              Objects.requireNonNullElse(
                  request.queryParameter(pageParam), Long.toString(basePage)));
      long nextPage = page + 1;
      // The total counts pages from 1 whatever the base, so compare positions, not numbers.
      long nextPosition = nextPage - basePage;
      if (PagingStops.shouldStop(
              response, totalPagesPath, nextPosition, hasMorePath, stopAfterEmptyPage)
          || (maximumPage != null && nextPage > maximumPage)) {
        return Optional.empty();
      }
      return Optional.of(request.withQueryParameter(pageParam, Long.toString(nextPage)));
    }
  }

  /** Exactly one request. */
  record SinglePage() implements Paginator {
    @Override
    public Optional<PageRequest> next(PageRequest request, PageResponse response) {
      return Optional.empty();
    }
  }

  /**
   * Detects the pagination of a response: a {@code Link: <...>; rel="next"} header; a next URL at
   * {@code next}, {@code next_url}, {@code links.next}, {@code _links.next.href}, {@code
   * pagination.next} or {@code paging.next}; a cursor at {@code next_cursor}, {@code
   * meta.next_cursor}, {@code response_metadata.next_cursor}, {@code pagination.next_cursor} (sent
   * as {@code cursor}) or {@code next_page_token} / {@code nextPageToken} (sent as {@code
   * page_token} / {@code pageToken}). When none is present the response is the only page.
   */
  record Auto() implements Paginator {
    private static final List<String> NEXT_URL_PATHS =
        List.of(
            "next",
            "next_url",
            "nextUrl",
            "next_page_url",
            "links.next",
            "links.next.href",
            "_links.next.href",
            "pagination.next",
            "paging.next",
            "meta.next");
    private static final List<String[]> CURSOR_PATHS =
        List.of(
            new String[] {"next_cursor", "cursor"},
            new String[] {"nextCursor", "cursor"},
            new String[] {"meta.next_cursor", "cursor"},
            new String[] {"response_metadata.next_cursor", "cursor"},
            new String[] {"pagination.next_cursor", "cursor"},
            new String[] {"cursors.next", "cursor"},
            new String[] {"next_page_token", "page_token"},
            new String[] {"nextPageToken", "pageToken"});

    @Override
    public Optional<PageRequest> next(PageRequest request, PageResponse response) {
      String link = LinkHeader.find(response.headers().values("Link"), "next");
      if (link != null) {
        return follow(request, link);
      }
      if (response.recordCount() == 0) {
        return Optional.empty();
      }
      for (String path : NEXT_URL_PATHS) {
        if (response.value(path) instanceof String next && looksLikeUrl(next)) {
          return follow(request, next);
        }
      }
      for (String[] cursor : CURSOR_PATHS) {
        Object value = response.value(cursor[0]);
        if ((value instanceof String || value instanceof Number) && !value.toString().isEmpty()) {
          return Optional.of(request.withQueryParameter(cursor[1], value.toString()));
        }
      }
      return Optional.empty();
    }

    private static boolean looksLikeUrl(String text) {
      return text.startsWith("http://")
          || text.startsWith("https://")
          || text.startsWith("/")
          || text.startsWith("?");
    }
  }

  /** Resolves {@code link} against the request URL; empty for a missing or blank link. */
  private static Optional<PageRequest> follow(PageRequest request, String link) {
    if (link == null || link.isBlank() || link.equals("null")) {
      return Optional.empty();
    }
    HttpUrl next = request.url().resolve(link.trim());
    if (next == null) {
      throw new DuckliftException("The next-page link is not a valid URL");
    }
    return Optional.of(request.withUrl(next));
  }
}
