package dev.ducklift.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ducklift.rest.internal.Json;
import dev.ducklift.rest.internal.JsonPath;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonPathTest {
  private static JsonNode tree(String json) throws Exception {
    return Json.MAPPER.readTree(json);
  }

  private static List<String> texts(List<JsonNode> nodes) {
    return nodes.stream().map(JsonNode::toString).toList();
  }

  @Test
  void dottedAndBracketPathsSelectTheSameNode() throws Exception {
    JsonNode doc = tree("{\"data\":{\"items\":[{\"id\":1},{\"id\":2}]}}");
    assertThat(texts(JsonPath.compile("data.items").select(doc)))
        .containsExactly("[{\"id\":1},{\"id\":2}]");
    assertThat(texts(JsonPath.compile("$['data'][\"items\"][1]").select(doc)))
        .containsExactly("{\"id\":2}");
    assertThat(texts(JsonPath.compile("$.data.items[-1].id").select(doc))).containsExactly("2");
  }

  @Test
  void wildcardsSelectEveryChild() throws Exception {
    JsonNode doc =
        tree(
            "{\"groups\":{\"a\":{\"users\":[{\"id\":1}]},\"b\":{\"users\":[{\"id\":2},{\"id\":3}]}}}");
    assertThat(texts(JsonPath.compile("groups.*.users[*].id").select(doc)))
        .containsExactly("1", "2", "3");
    assertThat(Json.select(doc, JsonPath.compile("$.groups[*].users"))).hasSize(3);
  }

  @Test
  void bracketedKeysMayHoldDotsSpacesQuotesAndBrackets() throws Exception {
    JsonNode doc = tree("{\"a.b\":{\"x y\":{\"it's\":{\"[k]\":42}}}}");
    assertThat(JsonPath.compile("$['a.b']['x y'][\"it's\"]['[k]']").first(doc).asInt())
        .isEqualTo(42);
    assertThat(JsonPath.compile("['a.b']['x y']['it\\'s']['[k]']").first(doc).asInt())
        .isEqualTo(42);
  }

  @Test
  void missingPathsSelectNothing() throws Exception {
    JsonNode doc = tree("{\"a\":[1,2]}");
    assertThat(JsonPath.compile("b.c").select(doc)).isEmpty();
    assertThat(JsonPath.compile("a[5]").select(doc)).isEmpty();
    assertThat(JsonPath.compile("a.x").first(doc)).isNull();
  }

  @Test
  void badSyntaxIsReportedWithThePosition() {
    assertThatThrownBy(() -> JsonPath.compile("a['b"))
        .hasMessageContaining("Invalid JSON path 'a['b'");
    assertThatThrownBy(() -> JsonPath.compile("a..b")).hasMessageContaining("recursive descent");
    assertThatThrownBy(() -> JsonPath.compile("a[x]")).hasMessageContaining("position 1");
  }

  @Test
  void recordListsAreDetectedWithoutASelector() throws Exception {
    assertThat(Json.autoSelect(tree("[{\"id\":1},{\"id\":2}]"))).hasSize(2);
    assertThat(Json.autoSelect(tree("{\"results\":[{\"id\":1}],\"count\":1}"))).hasSize(1);
    assertThat(
            Json.autoSelect(
                tree("{\"meta\":{},\"items\":[{\"id\":1},{\"id\":2}],\"tags\":[\"x\"]}")))
        .hasSize(2);
    assertThat(Json.autoSelect(tree("{\"hits\":{\"total\":2,\"hits\":[{\"id\":1},{\"id\":2}]}}")))
        .hasSize(2);
    assertThat(Json.autoSelect(tree("{\"page\":1,\"users\":[{\"id\":1},{\"id\":2},{\"id\":3}]}")))
        .hasSize(3);
    // A single object is one record.
    assertThat(texts(Json.autoSelect(tree("{\"id\":7,\"name\":\"x\"}"))))
        .containsExactly("{\"id\":7,\"name\":\"x\"}");
  }
}
