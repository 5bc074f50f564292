#include "models/catalog/json_text.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "simcore/error.hpp"

using namespace wattsim;
using catalog::parse_json_text;
using catalog::text_position;
using Catch::Matchers::Contains;

namespace {

std::vector<simcore::Diagnostic> errors_of(const std::string& text) {
  try {
    parse_json_text(text, "f.json", "a test document");
  } catch (const simcore::InputError& e) {
    return e.diagnostics();
  }
  return {};
}

}  // namespace

TEST_CASE("byte offsets become 1-based lines and columns in characters", "[catalog][json_text]") {
  const std::string text =
      "ab\ncd\xC3\xA9"
      "f\n";  // "cdéf": é is two bytes, one column
  CHECK(text_position(text, 0).line == 1);
  CHECK(text_position(text, 0).column == 1);
  CHECK(text_position(text, 2).column == 3);  // the line end
  CHECK(text_position(text, 3).line == 2);
  CHECK(text_position(text, 3).column == 1);
  CHECK(text_position(text, 7).column == 4);  // 'f', after the two-byte é
  CHECK(text_position(text, 100).line == 3);  // past the end
  CHECK(catalog::located("x.json", text, 7) == "x.json:2:4");
}

TEST_CASE("valid JSON parses as nlohmann::json does", "[catalog][json_text]") {
  const auto doc = parse_json_text(R"({"a": [1, {"b": "c"}], "d": {"a": 2}})", "f.json", "");
  CHECK(doc["a"][1]["b"] == "c");
  CHECK(doc["d"]["a"] == 2);  // the same key in different objects is fine
}

TEST_CASE("every repeated key is reported at its place, with its JSON path and the first one's place",
          "[catalog][json_text]") {
  const auto d = errors_of(
      "{\"a\": 1,\n \"list\": [{\"k\": 1, \"k\\u0020\": 2, \"k\": 3}, [{\"x\": {}, \"x\": []}]],\n \"a\": 2}");
  REQUIRE(d.size() == 3);
  CHECK(d[0].where == "f.json:2:34");
  CHECK(d[0].message ==
        "duplicate key: list[0].k is given twice (first at line 2, column 12); expected each key once in an object");
  CHECK(d[1].where == "f.json:2:54");
  CHECK_THAT(d[1].message, Contains("list[1][0].x is given twice (first at line 2, column 45)"));
  CHECK(d[2].where == "f.json:3:2");
  CHECK_THAT(d[2].message, Contains("duplicate key: a is given twice (first at line 1, column 2)"));
  // Escapes are decoded before comparing: "\u0061" is "a". Quotes inside keys do not confuse
  // the search for the key's place.
  const auto escaped = errors_of(R"({"q\"uote": 1, "\u0061": 1, "a": 2})");
  REQUIRE(escaped.size() == 1);
  CHECK(escaped[0].where == "f.json:1:29");
  CHECK_THAT(escaped[0].message, Contains("(first at line 1, column 16)"));
}

TEST_CASE("a syntax error is located where the parser stopped, with what was expected", "[catalog][json_text]") {
  const auto d = errors_of("{\n  \"a\": [1,,2]\n}");
  REQUIRE(d.size() == 1);
  CHECK(d[0].where == "f.json:2:11");
  CHECK_THAT(d[0].message, Contains("not valid JSON (parse error at line 2, column 11: syntax error") &&
                               Contains("; expected a test document"));
  // A repeated key before a syntax error is reported with it; one the parser had not finished
  // reading (no ':' yet) is only the syntax error.
  CHECK(errors_of(R"({"a": 1, "a": 2, "b")").size() == 2);
  CHECK(errors_of(R"({"a": 1, "a")").size() == 1);
}
