#pragma once
// JSON text as every wattsim input reads it (scenario files, --set values, batch files, the
// catalog, Open-Meteo weather): parsed strictly, with errors located as file:line:column.
//
// Beyond the JSON grammar, a key given twice in one object is an error: nlohmann::json (like
// most parsers) silently keeps the last one, so {"name": "x", "name": "y"} would lose "x"
// without a word. Every repeated key is reported with its JSON path and where the first one
// is, e.g.
//   s.json:7:5: duplicate key: facility.racks[0].count is given twice (first at line 4,
//   column 5); expected each key once in an object
//
// Lines and columns are 1-based; columns count characters (UTF-8 code points), as the CSV
// readers' do.

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace wattsim::catalog {

struct TextPosition {
  std::size_t line = 1, column = 1;
};

// Line and column of the byte at `offset` (0-based) in `text`; an offset past the end gives
// the position just after the last character.
TextPosition text_position(std::string_view text, std::size_t offset);

// "where:line:column" for the byte at `offset`.
std::string located(const std::string& where, std::string_view text, std::size_t offset);

// Parses `text`, the contents of `where` (a file name, or "--set KEY" for a command-line
// value). Throws simcore::InputError listing every duplicate key and the syntax error, if
// any (a syntax error reads "not valid JSON (...); expected " + expected).
nlohmann::json parse_json_text(std::string_view text, const std::string& where, std::string_view expected);

}  // namespace wattsim::catalog
