package dev.ducklift.rest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ducklift.core.CursorValue;
import dev.ducklift.core.DuckliftException;
import dev.ducklift.core.Secret;
import dev.ducklift.rest.internal.Json;
import dev.ducklift.rest.internal.LinkHeader;
import dev.ducklift.rest.internal.Redactor;
import dev.ducklift.rest.internal.Templates;
import dev.ducklift.rest.internal.Transport;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;

/** Unit tests of the small pieces: redaction, Link headers, Retry-After, placeholders. */
class InternalsTest {

  @Test
  void urlsLoseSensitiveQueryValuesUserInfoAndKnownSecrets() {
    Redactor redactor = new Redactor(List.of("X-Sig"), List.of(Secret.of("s3cr3t value/+")));
    HttpUrl url =
        HttpUrl.get(
            "https://user:pw@api.example.com/v1/items?page=2&api_key=abc&x-sig=def&q=s3cr3t%20value%2F%2B");
    String shown = redactor.url(url);
    assertThat(shown)
        .isEqualTo(
            "https://api.example.com/v1/items?page=2&api_key=REDACTED&x-sig=REDACTED&q=REDACTED");
    assertThat(redactor.text("token s3cr3t value/+ and s3cr3t+value%2F%2B"))
        .isEqualTo("token REDACTED and REDACTED");
  }

  @Test
  void oneAndThreeLetterSecretsAreMaskedOnlyAsWholeWords() {
    Redactor redactor = new Redactor(List.of(), List.of(Secret.of("u"), Secret.of("k3y")));
    assertThat(redactor.text("Failed to connect: refused by upstream k3yring u"))
        .isEqualTo("Failed to connect: refused by upstream k3yring REDACTED");
    assertThat(redactor.url(HttpUrl.get("https://api.example.com/users/items?q=k3y&user=u&s=sun")))
        .isEqualTo("https://api.example.com/users/items?s=sun&q=REDACTED&user=REDACTED");
  }

  @Test
  void sanitizedExceptionsKeepTheirClassNameAndStackButNotTheSecret() {
    Redactor redactor = new Redactor(List.of(), List.of(Secret.of("hunter22")));
    IOException cause = new IOException("unexpected end of stream on http://h/?k=hunter22");
    RuntimeException copy = redactor.sanitize(new IllegalStateException("wrapped hunter22", cause));
    assertThat(copy)
        .isInstanceOf(DuckliftException.class)
        .hasMessage("java.lang.IllegalStateException: wrapped REDACTED");
    assertThat(copy.getCause())
        .hasMessage("java.io.IOException: unexpected end of stream on http://h/?k=REDACTED");
    assertThat(copy.getCause().getStackTrace()).isEqualTo(cause.getStackTrace());
  }

  @Test
  void linkHeadersAreParsedAcrossValuesWithQuotedCommasAndRelationLists() {
    List<String> values =
        List.of(
            "<https://a/1>; rel=\"prev\", <https://a/3>; title=\"x, y\"; REL=\"last NEXT\"",
            "<https://b/9>; rel=next");
    assertThat(LinkHeader.find(values, "next")).isEqualTo("https://a/3");
    assertThat(LinkHeader.find(values, "prev")).isEqualTo("https://a/1");
    assertThat(LinkHeader.find(List.of("<https://b/9>; rel=next"), "next"))
        .isEqualTo("https://b/9");
    assertThat(LinkHeader.find(values, "first")).isNull();
  }

  @Test
  void retryAfterIsReadAsSecondsOrAnHttpDate() {
    Instant now = Instant.parse("2026-01-01T12:00:00Z");
    assertThat(Transport.parseRetryAfter("120", now)).isEqualTo(Duration.ofSeconds(120));
    assertThat(Transport.parseRetryAfter("Thu, 01 Jan 2026 12:00:30 GMT", now))
        .isEqualTo(Duration.ofSeconds(30));
    assertThat(Transport.parseRetryAfter("Thu, 01 Jan 2026 11:00:00 GMT", now))
        .isEqualTo(Duration.ZERO);
    assertThat(Transport.parseRetryAfter("soon", now)).isNull();
  }

  @Test
  void placeholdersRenderOnlyKnownNamesAndReportMissingValues() throws Exception {
    Map<String, Object> values =
        Map.of("incremental.start_value", CursorValue.of(5), "resources.users.id", 7);
    assertThat(
            Templates.render(
                "/u/{resources.users.id}/p?since={incremental.start_value}&x={y}", values::get))
        .isEqualTo("/u/7/p?since=5&x={y}");
    assertThat(Templates.render("{incremental.end_value}", values::get)).isNull();
    assertThat(Templates.names("{resources.users.org.slug} {incremental.last_value} {other}"))
        .containsExactly("resources.users.org.slug", "incremental.last_value");
    var body =
        Templates.render(
            Json.MAPPER.readTree(
                "{\"a\":\"{incremental.start_value}\",\"b\":\"{incremental.end_value}\",\"c\":[\"id-{resources.users.id}\"]}"),
            values::get);
    assertThat(body.toString()).isEqualTo("{\"a\":5,\"c\":[\"id-7\"]}");
  }

  @Test
  void responseBodiesKeepExactDecimalsAsTreesToo() throws Exception {
    Object parsed = Json.parseValue("{\"price\":10.50,\"big\":12345678901234567890}".getBytes());
    PageResponse response = PageResponse.ofValue(200, okhttp3.Headers.of(), parsed, 1, 1);
    assertThat(response.value("price")).isEqualTo(new java.math.BigDecimal("10.50"));
    assertThat(response.body().get("price").decimalValue())
        .isEqualTo(new java.math.BigDecimal("10.50"));
    assertThat(response.body().get("big").bigIntegerValue())
        .isEqualTo(new java.math.BigInteger("12345678901234567890"));
    assertThat(Json.parse("{\"a\":1.0}".getBytes()).get("a").decimalValue().scale()).isEqualTo(1);
  }
}
