package dev.ducklift.rest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny HTTP server on a raw loopback socket, for the ways real servers end connections that
 * MockWebServer cannot play: {@code GET /items?page=N} answers page N of {@code pages} (records
 * {@code id = N * 100 + i}) with a {@code Link: rel="next"} header, and then ends the connection as
 * its {@link Mode} says. Counts the requests of each page and the connections accepted.
 */
final class RawPageServer implements AutoCloseable {
  static final int RECORDS_PER_PAGE = 100;

  /** How the server treats the connection after a response. */
  enum Mode {
    /** HTTP/1.0 without keep-alive, as Python's {@code http.server}: closes after the response. */
    HTTP_1_0,
    /** HTTP/1.1 with {@code Connection: close}, then closes. */
    CONNECTION_CLOSE,
    /** HTTP/1.1 keep-alive that silently closes a connection idle for {@code idleMillis}. */
    IDLE_TIMEOUT,
    /** As {@link #IDLE_TIMEOUT}, announcing {@code Keep-Alive: timeout=N} (whole seconds). */
    ANNOUNCED_IDLE_TIMEOUT
  }

  private final ServerSocket socket;
  private final Mode mode;
  private final int pages;
  private final int idleMillis;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  final Map<Integer, AtomicInteger> requestsByPage = new ConcurrentHashMap<>();
  final AtomicInteger connections = new AtomicInteger();

  RawPageServer(Mode mode, int pages, int idleMillis) throws IOException {
    this.mode = mode;
    this.pages = pages;
    this.idleMillis = idleMillis;
    this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    threads.execute(this::acceptLoop);
  }

  String baseUrl() {
    return "http://127.0.0.1:" + socket.getLocalPort() + "/";
  }

  private void acceptLoop() {
    while (!socket.isClosed()) {
      try {
        Socket s = socket.accept();
        connections.incrementAndGet();
        threads.execute(() -> serve(s));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
      OutputStream out = s.getOutputStream();
      boolean keepAlive = mode == Mode.IDLE_TIMEOUT || mode == Mode.ANNOUNCED_IDLE_TIMEOUT;
      do {
        s.setSoTimeout(idleMillis > 0 ? idleMillis : 0);
        String line;
        try {
          line = in.readLine();
        } catch (SocketTimeoutException idle) {
          return;
        }
        if (line == null) {
          return;
        }
        String target = line.split(" ")[1];
        while ((line = in.readLine()) != null && !line.isEmpty()) {
          // Headers are not needed.
        }
        int page = Integer.parseInt(target.substring(target.indexOf("page=") + 5));
        requestsByPage.computeIfAbsent(page, p -> new AtomicInteger()).incrementAndGet();
        out.write(response(page).getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
      } while (keepAlive);
    } catch (IOException e) {
      // The client went away; nothing to serve.
    }
  }

  private String response(int page) {
    StringBuilder body = new StringBuilder("[");
    for (int i = 0; i < RECORDS_PER_PAGE; i++) {
      body.append(i == 0 ? "" : ",").append("{\"id\":").append(page * RECORDS_PER_PAGE + i);
      body.append(",\"name\":\"record ").append(i).append("\"}");
    }
    body.append(']');
    byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
    StringBuilder head = new StringBuilder();
    head.append(mode == Mode.HTTP_1_0 ? "HTTP/1.0 200 OK\r\n" : "HTTP/1.1 200 OK\r\n");
    head.append("Content-Type: application/json\r\n");
    head.append("Content-Length: ").append(bytes.length).append("\r\n");
    if (page < pages) {
      head.append("Link: </items?page=").append(page + 1).append(">; rel=\"next\"\r\n");
    }
    switch (mode) {
      case CONNECTION_CLOSE -> head.append("Connection: close\r\n");
      case ANNOUNCED_IDLE_TIMEOUT ->
          head.append("Keep-Alive: timeout=").append(idleMillis / 1000).append("\r\n");
      default -> {}
    }
    head.append("\r\n");
    return head + new String(bytes, StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    socket.close();
    threads.shutdownNow();
  }
}
